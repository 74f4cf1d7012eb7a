package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf16"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// StoriesLane is the lane of success stories: each new story to the moderation chat, and each
// decision to the story's author. It is also the consumer group's name in the store
// (store.StoriesLane). An entry is queued by the store's script in the same step as the change that
// causes it (a story sent, a story decided), with three fields:
//
//	k    "mod": show story id in the moderation chat `to`; "told": tell author `to` the outcome;
//	     "rekey": show the outcome on the story's message m in the moderation chat `to`
//	to   the chat, decimal
//	id   the story
//	m    rekey only: the message id
const StoriesLane = "stories"

// StoryQueue is what the stories lane needs of the store.
type StoryQueue interface {
	Queue
	Story(ctx context.Context, id string) (*flows.Story, error)
	Profile(ctx context.Context, user int64) (*flows.Profile, error)
	NoteModerationMessage(ctx context.Context, message int, id string) error
}

// StoryRenderer says how a story looks in the moderation chat and what its author is told;
// flows.App is the real one.
type StoryRenderer interface {
	ModerationMessage(s flows.Story) flows.Reply
	ModerationKeyboard(s flows.Story) [][]flows.Button
	StoryOutcome(s flows.Story, p *flows.Profile) flows.Result
}

// StoriesLane builds the stories lane's consumer: Run it on every replica.
func (b *Bot) StoriesLane(q StoryQueue, r StoryRenderer, cfg LaneConfig) *Lane {
	cfg.Name, cfg.Queue = StoriesLane, q
	cfg.Deliver = func(ctx context.Context, m flows.Outbound) error { return b.deliverStory(ctx, q, r, m) }
	return b.NewLane(cfg)
}

func (b *Bot) deliverStory(ctx context.Context, q StoryQueue, r StoryRenderer, m flows.Outbound) error {
	chat, err := strconv.ParseInt(m.Fields["to"], 10, 64)
	if err != nil || chat == 0 {
		return Permanent(fmt.Errorf("stories lane: chat %q", m.Fields["to"]))
	}
	st, err := q.Story(ctx, m.Fields["id"])
	if err != nil {
		return err
	}
	if st == nil {
		return Permanent(fmt.Errorf("stories lane: story %q is gone", m.Fields["id"]))
	}
	switch m.Fields["k"] {
	case "mod":
		reply := r.ModerationMessage(*st)
		if err := b.sendStoryPhotos(ctx, chat, st.Photos, reply.Photo); err != nil {
			return fmt.Errorf("photos of story %s to the moderation chat: %w", st.ID, err)
		}
		id, err := b.sendModeration(ctx, chat, reply)
		if err != nil {
			return fmt.Errorf("story %s to the moderation chat: %w", st.ID, err)
		}
		return q.NoteModerationMessage(ctx, id, st.ID)
	case "told":
		p, err := q.Profile(ctx, chat)
		if err != nil {
			return err
		}
		res := r.StoryOutcome(*st, p)
		for _, rp := range res.Replies {
			err := b.sendOnce(ctx, chat, res.Lang, rp)
			if errors.Is(err, ErrBlocked) {
				b.metrics.update("blocked")
				return b.cfg.Users.MarkInactive(ctx, chat)
			}
			if err != nil {
				return fmt.Errorf("story %s outcome to %d: %w", st.ID, chat, err)
			}
		}
		return nil
	case "rekey":
		msg, err := strconv.Atoi(m.Fields["m"])
		if err != nil {
			return Permanent(fmt.Errorf("stories lane: message %q", m.Fields["m"]))
		}
		err = b.send.do(ctx, "editMessageReplyMarkup", func(ctx context.Context) error {
			_, err := b.api.EditMessageReplyMarkup(ctx, &tg.EditMessageReplyMarkupParams{
				ChatID: chat, MessageID: msg, ReplyMarkup: b.keyboard(locales.ID, r.ModerationKeyboard(*st)),
			})
			return err
		})
		if errors.Is(err, tg.ErrorBadRequest) {
			// Shown already (decided in the chat itself), or the message is gone: nothing to mend.
			return nil
		}
		return err
	}
	return Permanent(fmt.Errorf("stories lane: kind %q", m.Fields["k"]))
}

// sendStoryPhotos shows moderators the photos of a story that its message does not (all of them
// when the story is too long to be a caption, else those after the first), as an album just above
// it. A retry after a failure further on sends them again: at most a repeated album, never a story
// without its photos.
func (b *Bot) sendStoryPhotos(ctx context.Context, chat int64, photos []string, shown string) error {
	if shown != "" && len(photos) > 0 {
		photos = photos[1:]
	}
	switch len(photos) {
	case 0:
		return nil
	case 1:
		return b.send.do(ctx, "sendPhoto", func(ctx context.Context) error {
			_, err := b.api.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: chat, Photo: &models.InputFileString{Data: photos[0]}})
			return err
		})
	}
	media := make([]models.InputMedia, len(photos))
	for i, p := range photos {
		media[i] = &models.InputMediaPhoto{Media: p}
	}
	return b.send.do(ctx, "sendMediaGroup", func(ctx context.Context) error {
		_, err := b.api.SendMediaGroup(ctx, &tg.SendMediaGroupParams{ChatID: chat, Media: media})
		return err
	})
}

// captionMax is Telegram's limit on a caption, in UTF-16 units.
const captionMax = 1024

// sendModeration sends a story to the moderation chat, in Indonesian, and returns the message's id
// (a reply to it gives a rejection's reason). A photo whose caption would be too long goes as text.
func (b *Bot) sendModeration(ctx context.Context, chat int64, r flows.Reply) (int, error) {
	if wait := time.Until(time.Unix(0, b.send.pausedUntil.Load())); wait > 0 {
		return 0, &tg.TooManyRequestsError{Message: "paused", RetryAfter: int(wait.Seconds()) + 1}
	}
	text := b.cfg.Catalog.Render(locales.ID, r.Text)
	markup := b.keyboard(locales.ID, r.Buttons)
	var msg *models.Message
	var err error
	method := "sendMessage"
	if r.Photo != "" && len(utf16.Encode([]rune(text))) <= captionMax {
		method = "sendPhoto"
		msg, err = b.api.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: chat, Caption: text, Photo: &models.InputFileString{Data: r.Photo}, ReplyMarkup: markup})
	} else {
		msg, err = b.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: chat, Text: text, ReplyMarkup: markup})
	}
	var flood *tg.TooManyRequestsError
	switch {
	case err == nil:
		b.metrics.apiCall(method, "ok")
		return msg.ID, nil
	case errors.As(err, &flood):
		b.metrics.apiCall(method, "retry_after")
		b.send.pause(time.Duration(flood.RetryAfter) * time.Second)
	case errors.Is(err, tg.ErrorBadRequest), errors.Is(err, tg.ErrorForbidden):
		// A wrong MODERATION_CHAT_ID, or the bot removed from the group: no retry mends it.
		b.metrics.apiCall(method, "rejected")
		return 0, Permanent(err)
	case ctx.Err() == nil:
		b.metrics.apiCall(method, "server_error")
	}
	return 0, err
}
