package bot

import (
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
)

func TestParseCommand(t *testing.T) {
	cmd := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 6}}
	for _, tc := range []struct {
		text     string
		entities []models.MessageEntity
		cmd      string
		payload  string
		ok       bool
	}{
		{"/start", cmd, "start", "", true},
		{"/start ev_12", cmd, "start", "ev_12", true},
		{"/start@alumnibot_bot ref_7", cmd, "start", "ref_7", true},
		{"/PROFIL", cmd, "profil", "", true},
		{"/start\nev_1", cmd, "start", "ev_1", true},
		{"🎉 /start", []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 3, Length: 6}}, "", "", false},
		{"/start", nil, "", "", false}, // typed without Telegram marking it: plain text
		{"halo /start", nil, "", "", false},
	} {
		c, p, ok := parseCommand(tc.text, tc.entities)
		if c != tc.cmd || p != tc.payload || ok != tc.ok {
			t.Errorf("parseCommand(%q) = %q %q %v, want %q %q %v", tc.text, c, p, ok, tc.cmd, tc.payload, tc.ok)
		}
	}
}

func TestConvert(t *testing.T) {
	now := time.Date(2024, 9, 19, 9, 0, 0, 0, time.UTC)
	from := &models.User{ID: 5, FirstName: "Vita", LanguageCode: "en"}
	private := models.Chat{ID: 5, Type: models.ChatTypePrivate}
	for _, tc := range []struct {
		name string
		u    models.Update
		want inbound
	}{
		{"text", models.Update{ID: 1, Message: &models.Message{Chat: private, From: from, Text: "halo"}},
			inbound{chat: 5, kind: "text", in: flows.Input{UpdateID: 1, UserID: 5, FirstName: "Vita", LangCode: "en", Kind: flows.KindText, Text: "halo", Now: now}}},
		{"photo", models.Update{ID: 2, Message: &models.Message{ID: 40, Chat: private, From: from, Caption: "c",
			Photo: []models.PhotoSize{{FileID: "small", Width: 90, Height: 90}, {FileID: "large", Width: 1280, Height: 960}, {FileID: "mid", Width: 320, Height: 240}}}},
			inbound{chat: 5, kind: "photo", in: flows.Input{UpdateID: 2, UserID: 5, FirstName: "Vita", LangCode: "en", Kind: flows.KindPhoto, Text: "c", OwnMessageID: 40, PhotoID: "large", Now: now}}},
		{"sticker", models.Update{ID: 3, Message: &models.Message{Chat: private, From: from, Sticker: &models.Sticker{FileID: "s"}}},
			inbound{chat: 5, kind: "other", in: flows.Input{UpdateID: 3, UserID: 5, FirstName: "Vita", LangCode: "en", Kind: flows.KindOther, Media: "sticker", Now: now}}},
		{"button", models.Update{ID: 4, CallbackQuery: &models.CallbackQuery{ID: "q", From: *from, Data: "ob:1:tg",
			Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 9, Chat: private}}}},
			inbound{chat: 5, kind: "button", callbackID: "q", in: flows.Input{UpdateID: 4, UserID: 5, FirstName: "Vita", LangCode: "en", Kind: flows.KindButton, Data: "ob:1:tg", MessageID: 9, Now: now}}},
		{"button on an inaccessible message", models.Update{ID: 8, CallbackQuery: &models.CallbackQuery{ID: "q", From: *from, Data: "ob:1:tg",
			Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
				InaccessibleMessage: &models.InaccessibleMessage{Chat: private, MessageID: 9}}}},
			inbound{chat: 5, kind: "button", callbackID: "q", in: flows.Input{UpdateID: 8, UserID: 5, FirstName: "Vita", LangCode: "en", Kind: flows.KindButton, Data: "ob:1:tg", Now: now}}},
		{"group message", models.Update{ID: 5, Message: &models.Message{Chat: models.Chat{ID: -100, Type: models.ChatTypeSupergroup}, From: from, Text: "hi"}},
			inbound{kind: "ignored", in: flows.Input{UpdateID: 5}}},
		{"edited message", models.Update{ID: 6, EditedMessage: &models.Message{Chat: private, From: from, Text: "x"}},
			inbound{kind: "ignored", in: flows.Input{UpdateID: 6}}},
		{"blocked", models.Update{ID: 7, MyChatMember: &models.ChatMemberUpdated{Chat: private, From: *from,
			NewChatMember: models.ChatMember{Type: models.ChatMemberTypeBanned}}},
			inbound{chat: 5, kind: "blocked", blocked: true, in: flows.Input{UpdateID: 7, UserID: 5}}},
	} {
		got := convert(&tc.u, now)
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(inbound{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
