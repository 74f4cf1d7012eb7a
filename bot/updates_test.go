package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"
)

// provinceKeyboard is a message as the onboarding's province step sends it: what a button press
// carries back.
func provinceKeyboard(chat models.Chat, id int) *models.Message {
	var rows [][]models.InlineKeyboardButton
	for i := range 19 {
		rows = append(rows, []models.InlineKeyboardButton{
			{Text: fmt.Sprintf("Kalimantan Selatan %d", 2*i), CallbackData: fmt.Sprintf("ob:%d:pv:%d", id, 2*i)},
			{Text: fmt.Sprintf("Nusa Tenggara Timur %d", 2*i+1), CallbackData: fmt.Sprintf("ob:%d:pv:%d", id, 2*i+1)},
		})
	}
	return &models.Message{ID: id, Date: 1726736400, Chat: chat, From: &models.User{ID: 1, IsBot: true, FirstName: "Alumnibot"},
		Text:        "Langkah 2/5 · Kamu tinggal di provinsi mana sekarang? Pilih di bawah, atau ketik namanya.",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: rows}}
}

// Every kind of update the bot reads converts the same decoded by decodeUpdate as decoded by the
// library's models (what convert was written against).
func TestDecodeUpdate(t *testing.T) {
	now := time.Date(2024, 9, 19, 9, 0, 0, 0, time.UTC)
	from := &models.User{ID: 5, FirstName: "Vita", LanguageCode: "en"}
	private := models.Chat{ID: 5, Type: models.ChatTypePrivate, FirstName: "Vita"}
	group := models.Chat{ID: -100, Type: models.ChatTypeSupergroup, Title: "Moderasi"}
	cmd := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 6}}
	for _, u := range []models.Update{
		{ID: 1, Message: &models.Message{ID: 3, Date: 1, Chat: private, From: from, Text: "halo"}},
		{ID: 2, Message: &models.Message{ID: 3, Date: 1, Chat: private, From: from, Text: "/start ev_1", Entities: cmd}},
		{ID: 3, Message: &models.Message{ID: 40, Date: 1, Chat: private, From: from, Caption: "c",
			Photo: []models.PhotoSize{{FileID: "small", Width: 90, Height: 90}, {FileID: "large", Width: 1280, Height: 960}}}},
		{ID: 4, Message: &models.Message{ID: 3, Date: 1, Chat: private, From: from, Sticker: &models.Sticker{FileID: "s"}}},
		{ID: 5, CallbackQuery: &models.CallbackQuery{ID: "q", From: *from, Data: "ob:9:pv:3", ChatInstance: "ci",
			Message: models.MaybeInaccessibleMessage{Message: provinceKeyboard(private, 9)}}},
		{ID: 6, CallbackQuery: &models.CallbackQuery{ID: "q", From: *from, Data: "ob:1:tg",
			Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
				InaccessibleMessage: &models.InaccessibleMessage{Chat: private, MessageID: 9}}}},
		{ID: 7, CallbackQuery: &models.CallbackQuery{ID: "q", From: *from, Data: "st:ok:1",
			Message: models.MaybeInaccessibleMessage{Message: provinceKeyboard(group, 12)}}},
		{ID: 8, Message: &models.Message{ID: 3, Date: 1, Chat: group, From: from, Text: "bagus",
			ReplyToMessage: &models.Message{ID: 12, Date: 1, Chat: group}}},
		{ID: 9, MyChatMember: &models.ChatMemberUpdated{Chat: private, From: *from, Date: 1,
			OldChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: from}},
			NewChatMember: models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: from}}}},
		{ID: 10, EditedMessage: &models.Message{ID: 3, Date: 1, Chat: private, From: from, Text: "x"}},
	} {
		raw, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		var want models.Update
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		got, err := decodeUpdate(raw)
		if err != nil {
			t.Fatalf("update %d: %v", u.ID, err)
		}
		if diff := cmp.Diff(convert(&want, now), convert(got, now), cmp.AllowUnexported(inbound{}, groupInbound{})); diff != "" {
			t.Errorf("update %d (-models +decodeUpdate):\n%s", u.ID, diff)
		}
	}
	if _, err := decodeUpdate([]byte(`{"update_id":1,"message":7}`)); err == nil {
		t.Error("a message that is a number decoded without error")
	}
}

// A getUpdates answer's updates keep their JSON and their ids, wherever the id is written.
func TestFetchedUpdate(t *testing.T) {
	body := `{"ok":true,"result":[{"update_id":41,"message":{"text":"a"}},` +
		`{"message":{"text":"b"},"update_id":42},` +
		`{ "update_id" : 43 },` +
		`{"update_id":44}]}`
	buf := []byte(body)
	r, err := decodeAnswer(buf)
	if err != nil {
		t.Fatal(err)
	}
	// The poller reuses its buffer for the next answer: nothing decoded may point into it.
	for i := range buf {
		buf[i] = 'x'
	}
	var ids []int64
	for _, f := range r.Result {
		ids = append(ids, f.ID)
	}
	if diff := cmp.Diff([]int64{41, 42, 43, 44}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if got := string(r.Result[1].raw); got != `{"message":{"text":"b"},"update_id":42}` {
		t.Errorf("raw = %s", got)
	}
	for _, bad := range []string{`{"message":{}}`, `{"update_id":"x"}`} {
		var f fetchedUpdate
		if err := f.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s: read as update %d", bad, f.ID)
		}
	}
}

// getUpdatesBody is a full getUpdates answer under load: 100 updates, 60 of them presses on the
// province keyboard, 40 typed answers.
func getUpdatesBody(b *testing.B) []byte {
	b.Helper()
	var ups []models.Update
	for i := range 100 {
		chat := models.Chat{ID: int64(1000 + i), Type: models.ChatTypePrivate, FirstName: "Alumni"}
		from := models.User{ID: chat.ID, FirstName: "Alumni", LanguageCode: "id"}
		u := models.Update{ID: int64(500 + i)}
		if i%5 < 3 {
			u.CallbackQuery = &models.CallbackQuery{ID: fmt.Sprint(9000 + i), From: from, ChatInstance: "-42", Data: "ob:7:pv:15",
				Message: models.MaybeInaccessibleMessage{Message: provinceKeyboard(chat, 7)}}
		} else {
			u.Message = &models.Message{ID: 8, Date: 1726736400, Chat: chat, From: &from, Text: strings.Repeat("dua puluh tujuh ", 2)}
		}
		ups = append(ups, u)
	}
	body, err := json.Marshal(map[string]any{"ok": true, "result": ups})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkDecodeUpdates decodes one getUpdates answer of 100 updates: with encoding/json into the
// library's models (what the poller did before), and split by decodeAnswer then decoded by
// decodeUpdate when all are new or when three quarters were fetched before (the usual answer while
// 100 alumni are in conversation).
func BenchmarkDecodeUpdates(b *testing.B) {
	body := getUpdatesBody(b)
	b.Run("models", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var r struct {
				Result []*models.Update `json:"result"`
			}
			if err := json.Unmarshal(body, &r); err != nil || len(r.Result) != 100 {
				b.Fatal(err)
			}
		}
	})
	for _, fresh := range []int{100, 25} {
		b.Run(fmt.Sprintf("fetched-%d-new", fresh), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := decodeAnswer(body)
				if err != nil || len(r.Result) != 100 {
					b.Fatal(err)
				}
				for _, f := range r.Result[100-fresh:] {
					if _, err := decodeUpdate(f.raw); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
