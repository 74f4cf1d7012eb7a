package bot

import (
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/flows"
)

// inbound is an update reduced to what the pipeline needs.
type inbound struct {
	chat       int64 // queue key: the private chat (= user id); 0 for updates the bot ignores
	in         flows.Input
	callbackID string
	blocked    bool // the user blocked the bot (my_chat_member "kicked")
	kind       string
	group      *groupInbound // a press or reply in a group: for the moderation chat (moderation.go)
}

// convert turns an update into an Input. The bot lives in private chats: from groups it takes only
// button presses and replies, for the moderation chat (moderation.go); channels and the like are ignored.
func convert(u *models.Update, now time.Time) inbound {
	switch {
	case u.Message != nil && u.Message.Chat.Type == models.ChatTypePrivate && u.Message.From != nil:
		m := u.Message
		ib := inbound{chat: m.Chat.ID, in: baseInput(u.ID, m.From, now)}
		ib.in.OwnMessageID = m.ID
		switch {
		case m.Text != "":
			if cmd, payload, ok := parseCommand(m.Text, m.Entities); ok {
				ib.in.Kind, ib.in.Command, ib.in.Payload, ib.kind = flows.KindCommand, cmd, payload, "command"
			} else {
				ib.in.Kind, ib.in.Text, ib.kind = flows.KindText, m.Text, "text"
			}
		case len(m.Photo) > 0:
			ib.in.Kind, ib.in.Text, ib.kind = flows.KindPhoto, m.Caption, "photo"
			ib.in.PhotoID = largestPhoto(m.Photo)
		default:
			ib.in.Kind, ib.in.Text, ib.in.Media, ib.kind = flows.KindOther, m.Caption, media(m), "other"
		}
		return ib
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil &&
		u.CallbackQuery.Message.Message.Chat.Type == models.ChatTypePrivate:
		q := u.CallbackQuery
		ib := inbound{chat: q.Message.Message.Chat.ID, in: baseInput(u.ID, &q.From, now), callbackID: q.ID, kind: "button"}
		ib.in.Kind, ib.in.Data, ib.in.MessageID = flows.KindButton, q.Data, q.Message.Message.ID
		return ib
	case u.CallbackQuery != nil && u.CallbackQuery.Message.InaccessibleMessage != nil &&
		u.CallbackQuery.Message.InaccessibleMessage.Chat.Type == models.ChatTypePrivate:
		// A button on a message the bot can no longer see (Telegram sends it with date 0): still a
		// tap to answer — the flows say the button is no longer valid — but not a message to edit.
		q := u.CallbackQuery
		ib := inbound{chat: q.Message.InaccessibleMessage.Chat.ID, in: baseInput(u.ID, &q.From, now), callbackID: q.ID, kind: "button"}
		ib.in.Kind, ib.in.Data = flows.KindButton, q.Data
		return ib
	case u.MyChatMember != nil && u.MyChatMember.Chat.Type == models.ChatTypePrivate &&
		u.MyChatMember.NewChatMember.Type == models.ChatMemberTypeBanned:
		return inbound{chat: u.MyChatMember.Chat.ID, blocked: true, kind: "blocked", in: flows.Input{UpdateID: u.ID, UserID: u.MyChatMember.From.ID}}
	}
	if ib, ok := convertGroup(u, now); ok {
		return ib
	}
	return inbound{kind: "ignored", in: flows.Input{UpdateID: u.ID}}
}

func baseInput(id int64, from *models.User, now time.Time) flows.Input {
	return flows.Input{UpdateID: id, UserID: from.ID, FirstName: from.FirstName, LangCode: from.LanguageCode, Now: now}
}

// parseCommand reads a leading bot command from the message entities rather than the text, as Telegram
// marks it: "/start@alumnibot ev_12" is command "start" with payload "ev_12".
func parseCommand(text string, entities []models.MessageEntity) (cmd, payload string, ok bool) {
	if len(entities) == 0 || entities[0].Type != models.MessageEntityTypeBotCommand || entities[0].Offset != 0 {
		return "", "", false
	}
	word, rest, _ := strings.Cut(text, " ")
	if nl := strings.IndexByte(word, '\n'); nl >= 0 { // "/start\npayload"
		word, rest = word[:nl], word[nl+1:]+" "+rest
	}
	word, _, _ = strings.Cut(strings.TrimPrefix(word, "/"), "@")
	if word == "" {
		return "", "", false
	}
	return strings.ToLower(word), strings.TrimSpace(rest), true
}

// largestPhoto is the file id of a photo's largest size (Telegram lists sizes smallest first, but
// the area is compared rather than trusting the order).
func largestPhoto(sizes []models.PhotoSize) string {
	best := sizes[0]
	for _, p := range sizes[1:] {
		if p.Width*p.Height > best.Width*best.Height {
			best = p
		}
	}
	return best.FileID
}

// media names what a message that is neither text nor a photo holds.
func media(m *models.Message) string {
	switch {
	case m.Document != nil:
		return "document"
	case m.Sticker != nil:
		return "sticker"
	case m.Voice != nil:
		return "voice"
	case m.Audio != nil:
		return "audio"
	case m.Video != nil:
		return "video"
	case m.VideoNote != nil:
		return "video_note"
	case m.Animation != nil:
		return "animation"
	case m.Location != nil:
		return "location"
	case m.Contact != nil:
		return "contact"
	case m.Poll != nil:
		return "poll"
	}
	return "other"
}
