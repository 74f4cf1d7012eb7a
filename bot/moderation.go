package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// The moderation chat: a group (MODERATION_CHAT_ID) where new stories arrive with Approve and
// Reject buttons. The bot lives in private chats; from groups it takes only this one's button presses
// and the replies to its messages (a rejection's reason), and ignores everything else, other groups
// included. These updates do not go through the engine — there is no conversation in a group: a
// decision is atomic in the store and repeating it is harmless (the same moderator deciding the same
// again is told it is done, and the author is told once), so a redelivered press changes nothing; at
// most the short message a reply gets in the group is posted twice after a crash.

// Moderator decides on stories; flows.App is the real one.
type Moderator interface {
	ModerateGroup(ctx context.Context, g flows.GroupAction) (flows.GroupResult, error)
}

// StoryMessages records and finds the story a message of the moderation chat is about; store.Store is
// the real one.
type StoryMessages interface {
	StoryOfMessage(ctx context.Context, message int) (string, error)
	NoteModerationReply(ctx context.Context, message int, id string) error
}

// ModerationConfig wires the moderation chat.
type ModerationConfig struct {
	Chat      int64 // MODERATION_CHAT_ID
	Moderator Moderator
	Messages  StoryMessages
}

// groupInbound is a press or a reply in a group chat, as convert found it.
type groupInbound struct {
	from    models.User
	data    string // a button's callback data
	message int    // the message the button is on, or the one replied to
	text    string // a reply's text
}

// convertGroup reads a group's button press, or a text replying to a message, into an inbound keyed by
// the group; false for anything else.
func convertGroup(u *models.Update, now time.Time) (inbound, bool) {
	group := func(c models.Chat) bool { return c.Type == models.ChatTypeGroup || c.Type == models.ChatTypeSupergroup }
	switch {
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil && group(u.CallbackQuery.Message.Message.Chat):
		q := u.CallbackQuery
		return inbound{chat: q.Message.Message.Chat.ID, callbackID: q.ID, kind: "group_button",
			in:    flows.Input{UpdateID: u.ID, UserID: q.From.ID, Now: now},
			group: &groupInbound{from: q.From, data: q.Data, message: q.Message.Message.ID}}, true
	case u.Message != nil && group(u.Message.Chat) && u.Message.From != nil && u.Message.ReplyToMessage != nil && u.Message.Text != "":
		m := u.Message
		return inbound{chat: m.Chat.ID, kind: "group_reply",
			in:    flows.Input{UpdateID: u.ID, UserID: m.From.ID, Now: now},
			group: &groupInbound{from: *m.From, message: m.ReplyToMessage.ID, text: m.Text}}, true
	}
	return inbound{}, false
}

// handleGroup carries out a press or a reply in a group: in the moderation chat, what the moderator
// decided; anywhere else, nothing (a press there only stops its button spinning).
func (b *Bot) handleGroup(ctx context.Context, ib inbound) {
	g, mc := ib.group, b.cfg.Moderation
	if mc == nil || ib.chat != mc.Chat {
		b.metrics.update("ignored")
		if ib.callbackID != "" {
			b.answerCallback(ctx, ib.callbackID, "")
		}
		return
	}
	b.metrics.update(ib.kind)
	act := flows.GroupAction{User: g.from.ID, FirstName: g.from.FirstName, LangCode: g.from.LanguageCode, Data: g.data, Now: ib.in.Now}
	if g.data == "" {
		id, err := mc.Messages.StoryOfMessage(ctx, g.message)
		if err != nil {
			b.metrics.fail("handle")
			b.log.Error("moderation reply", "chat", ib.chat, "err", err)
			return
		}
		if id == "" {
			return // a reply to another message: talk among the moderators
		}
		act.StoryID, act.Text = id, strings.TrimSpace(g.text)
	}
	res, err := mc.Moderator.ModerateGroup(ctx, act)
	if err != nil {
		b.metrics.fail("handle")
		b.log.Error("moderation", "chat", ib.chat, "user", g.from.ID, "err", err)
		if ib.callbackID != "" {
			b.answerCallback(ctx, ib.callbackID, b.cfg.Catalog.Render(locales.LangFromCode(g.from.LanguageCode), locales.Common.Generic))
		}
		return
	}
	if ib.callbackID != "" {
		b.answerCallback(ctx, ib.callbackID, b.cfg.Catalog.Render(res.Lang, res.Notice))
	}
	// A press was on the story's message: its buttons change at once. A reply may answer another
	// message (the question for a reason); the story's message then shows the outcome through the
	// stories lane, which the decision queued ("rekey").
	if res.Rekey && g.data != "" {
		err := b.send.do(ctx, "editMessageReplyMarkup", func(ctx context.Context) error {
			_, err := b.api.EditMessageReplyMarkup(ctx, &tg.EditMessageReplyMarkupParams{
				ChatID: ib.chat, MessageID: g.message, ReplyMarkup: b.keyboard(locales.ID, res.Buttons),
			})
			return err
		})
		if err != nil && !strings.Contains(err.Error(), "message is not modified") {
			b.log.Warn("moderation buttons", "chat", ib.chat, "message", g.message, "err", err)
		}
	}
	if res.Say.ID != "" || len(res.Say.Lines) > 0 {
		var sent *models.Message
		err := b.send.do(ctx, "sendMessage", func(ctx context.Context) error {
			var err error
			sent, err = b.api.SendMessage(ctx, &tg.SendMessageParams{
				ChatID: ib.chat, Text: b.cfg.Catalog.Render(locales.ID, res.Say),
				ReplyParameters: &models.ReplyParameters{MessageID: g.message, AllowSendingWithoutReply: true},
			})
			return err
		})
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			b.log.Warn("moderation message", "chat", ib.chat, "err", err)
		case err == nil && sent != nil && res.StoryID != "":
			// A reply to this message (asking for the reason) is about the story too.
			if err := mc.Messages.NoteModerationReply(ctx, sent.ID, res.StoryID); err != nil {
				b.log.Warn("note moderation message", "chat", ib.chat, "err", err)
			}
		}
	}
}
