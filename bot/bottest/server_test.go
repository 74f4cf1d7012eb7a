package bottest

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"
)

var alice = User{ID: 1001, FirstName: "Alice", Username: "alice", LanguageCode: "id"}
var budi = User{ID: 1002, FirstName: "Budi", LanguageCode: "id"}

func newClient(t testing.TB, s *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{
		bot.WithServerURL(s.URL),
		bot.WithSkipGetMe(),
		bot.WithDefaultHandler(func(context.Context, *bot.Bot, *models.Update) {}),
		bot.WithHTTPClient(5*time.Second, &http.Client{Timeout: 10 * time.Second}),
	}, opts...)
	b, err := bot.New(s.Token, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// getUpdates is the bot's own poller, reduced to one plain HTTP call.
func getUpdates(t testing.TB, ctx context.Context, s *Server, body string) ([]models.Update, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/bot"+s.Token+"/getUpdates", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var env struct {
		OK          bool            `json:"ok"`
		Result      []models.Update `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, err
	}
	if !env.OK {
		return nil, fmt.Errorf("%d %s", env.ErrorCode, env.Description)
	}
	return env.Result, nil
}

func mustUpdates(t testing.TB, s *Server, body string) []models.Update {
	t.Helper()
	u, err := getUpdates(t, ctxT(t), s, body)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func updateIDs(us []models.Update) []int64 {
	var ids []int64
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestGetMeAndEmptyBodies(t *testing.T) {
	s := New(t)
	// bot.New calls getMe with an empty multipart body.
	b, err := bot.New("987:other-token", bot.WithServerURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != BotID || !me.IsBot || me.Username != "alumnibot_test_bot" {
		t.Errorf("getMe = %+v", me)
	}
	if _, err := b.DeleteWebhook(ctxT(t), nil); err != nil {
		t.Errorf("deleteWebhook with no params: %v", err)
	}
	calls := s.Calls()
	if len(calls) != 3 || calls[0].Method != "getMe" || calls[2].Method != "deleteWebhook" || calls[0].Token != "987:other-token" {
		t.Errorf("calls = %+v", calls)
	}
	ok, err := b.SetMyCommands(ctxT(t), &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "start", Description: "Mulai"}}})
	if err != nil || !ok {
		t.Fatalf("setMyCommands: %v %v", ok, err)
	}
	if got := s.MyCommands(""); len(got) != 1 || got[0].Command != "start" {
		t.Errorf("MyCommands = %+v", got)
	}
	if _, err := b.SetMyCommands(ctxT(t), &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start!", Description: "x"}}}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("invalid command: err = %v", err)
	}
	if _, err := b.DeleteMyCommands(ctxT(t), &bot.DeleteMyCommandsParams{}); err != nil {
		t.Fatal(err)
	}
	if got := s.MyCommands(""); len(got) != 0 {
		t.Errorf("after delete, MyCommands = %+v", got)
	}
	// Unknown methods answer true.
	if _, err := b.SetChatMenuButton(ctxT(t), &bot.SetChatMenuButtonParams{}); err != nil {
		t.Errorf("unknown method: %v", err)
	}
}

func TestSendMessageWithKeyboard(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "Hadir", CallbackData: "rsvp:1:yes"}, {Text: "Tidak", CallbackData: "rsvp:1:no"}},
		{{Text: "Situs", URL: "https://example.org"}},
	}}
	m, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "Meetup <b>Jakarta</b>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != 1 || m.Chat.ID != alice.ID || m.Text == "" || m.Date == 0 || m.From == nil || !m.From.IsBot {
		t.Errorf("returned message = %+v", m)
	}
	m2, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "kedua"})
	if err != nil || m2.ID != 2 {
		t.Fatalf("second message: %+v %v", m2, err)
	}
	want := []Message{
		{ID: 1, ChatID: alice.ID, Text: "Meetup <b>Jakarta</b>", ParseMode: "HTML", Buttons: [][]Button{
			{{Text: "Hadir", Data: "rsvp:1:yes"}, {Text: "Tidak", Data: "rsvp:1:no"}},
			{{Text: "Situs", URL: "https://example.org"}},
		}},
		{ID: 2, ChatID: alice.ID, Text: "kedua"},
	}
	if diff := cmp.Diff(want, s.Chat(alice.ID)); diff != "" {
		t.Errorf("Chat (-want +got):\n%s", diff)
	}
	if last, ok := s.LastMessage(alice.ID); !ok || last.ID != 2 {
		t.Errorf("LastMessage = %+v %v", last, ok)
	}
	if _, ok := s.LastMessage(budi.ID); ok {
		t.Error("LastMessage of an empty chat")
	}
	calls := s.CallsTo("sendmessage")
	if len(calls) != 2 || calls[0].ChatID != alice.ID || calls[0].Params["text"] != "Meetup <b>Jakarta</b>" ||
		!strings.Contains(calls[0].Params["reply_markup"], `"callback_data":"rsvp:1:yes"`) {
		t.Errorf("calls = %+v", calls)
	}
	// Other chats have their own message ids.
	m3, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: budi.ID, Text: "halo"})
	if err != nil || m3.ID != 1 {
		t.Errorf("other chat: %+v %v", m3, err)
	}
}

func TestSendDocumentAndFiles(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	data := []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	m, err := b.SendDocument(ctxT(t), &bot.SendDocumentParams{
		ChatID:   alice.ID,
		Document: &models.InputFileUpload{Filename: "meetup.ics", Data: bytes.NewReader(data)},
		Caption:  "Simpan ke kalender",
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Document == nil || m.Document.FileName != "meetup.ics" || m.Caption != "Simpan ke kalender" {
		t.Fatalf("returned message = %+v", m)
	}
	calls := s.CallsTo("sendDocument")
	if len(calls) != 1 || !bytes.Equal(calls[0].Files["document"], data) || calls[0].FileNames["document"] != "meetup.ics" || calls[0].Params["caption"] != "Simpan ke kalender" {
		t.Errorf("call = %+v", calls)
	}
	last, _ := s.LastMessage(alice.ID)
	if last.Document != "meetup.ics" || last.Text != "Simpan ke kalender" || last.Media != "document" {
		t.Errorf("LastMessage = %+v", last)
	}
	// The file can be fetched back.
	f, err := b.GetFile(ctxT(t), &bot.GetFileParams{FileID: m.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("download = %q", got)
	}
	// Sending it again by file_id keeps the name.
	if _, err := b.SendDocument(ctxT(t), &bot.SendDocumentParams{ChatID: budi.ID, Document: &models.InputFileString{Data: m.Document.FileID}}); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastMessage(budi.ID); last.Document != "meetup.ics" {
		t.Errorf("resent document = %+v", last)
	}
	if _, err := b.SendDocument(ctxT(t), &bot.SendDocumentParams{ChatID: budi.ID, Document: &models.InputFileString{Data: "nonsense"}}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("unknown file_id: %v", err)
	}
	// A user's photo can be fetched and sent on (moderation).
	s.SendPhoto(alice, "foto reuni")
	ups := mustUpdates(t, s, `{"offset":0}`)
	photo := ups[0].Message.Photo
	if len(photo) == 0 || ups[0].Message.Caption != "foto reuni" {
		t.Fatalf("photo update = %+v", ups[0].Message)
	}
	if _, err := b.SendPhoto(ctxT(t), &bot.SendPhotoParams{ChatID: int64(-100123), Photo: &models.InputFileString{Data: photo[len(photo)-1].FileID}, Caption: "Cerita baru"}); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastMessage(-100123); last.Media != "photo" || last.Text != "Cerita baru" {
		t.Errorf("moderation chat = %+v", last)
	}
	mid, err := b.CopyMessage(ctxT(t), &bot.CopyMessageParams{ChatID: int64(-100123), FromChatID: alice.ID, MessageID: ups[0].Message.ID})
	if err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastMessage(-100123); last.ID != mid.ID || last.Media != "photo" || last.Text != "foto reuni" {
		t.Errorf("copied = %+v (id %d)", last, mid.ID)
	}
}

func TestFailNext(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	s.FailNext("sendMessage", 2, 429, 3)
	s.FailNext("sendMessage", 1, 500, 0)
	for i := 0; i < 2; i++ {
		_, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"})
		var tooMany *bot.TooManyRequestsError
		if !errors.As(err, &tooMany) || tooMany.RetryAfter != 3 {
			t.Fatalf("call %d: err = %v", i, err)
		}
	}
	_, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("want a 500, got %v", err)
	}
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	calls := s.CallsTo("sendMessage")
	var codes []int
	for _, c := range calls {
		codes = append(codes, c.ErrorCode)
	}
	if diff := cmp.Diff([]int{429, 429, 500, 0}, codes); diff != "" {
		t.Errorf("codes: %s", diff)
	}
	if calls[0].Description != "Too Many Requests: retry after 3" {
		t.Errorf("description = %q", calls[0].Description)
	}
	if n := len(s.Chat(alice.ID)); n != 1 {
		t.Errorf("failed calls left %d messages", n)
	}
	// Other methods are not affected; 403 is ErrorForbidden.
	s.FailNext("editMessageText", 1, 403, 0)
	_, err = b.EditMessageText(ctxT(t), &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: 1, Text: "y"})
	if !errors.Is(err, bot.ErrorForbidden) {
		t.Errorf("403: %v", err)
	}
	s.FailNext("sendMessage", 5, 429, 1)
	s.FailNext("sendMessage", 0, 0, 0) // clears
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"}); err != nil {
		t.Errorf("after clearing: %v", err)
	}
}

func TestBlockUser(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	s.BlockUser(alice.ID)
	_, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "halo"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Fatalf("err = %v", err)
	}
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: budi.ID, Text: "halo"}); err != nil {
		t.Fatalf("other chat: %v", err)
	}
	if len(s.Chat(alice.ID)) != 0 {
		t.Error("blocked chat got a message")
	}
	s.UnblockUser(alice.ID)
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "halo"}); err != nil {
		t.Fatalf("after unblock: %v", err)
	}
}

func TestCallbackEditAnswer(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	s.SendText(alice, "/start")
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Hadir", CallbackData: "yes"}}}}
	sent, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "Datang?", ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	if sent.ID != 2 { // the user's /start was message 1
		t.Errorf("message id = %d", sent.ID)
	}
	id := s.SendCallback(alice, sent.ID, "yes")
	s.SendCallback(alice, 99, "stale")
	ups := mustUpdates(t, s, fmt.Sprintf(`{"offset":%d}`, id))
	if len(ups) != 2 {
		t.Fatalf("updates = %+v", ups)
	}
	q := ups[0].CallbackQuery
	if q == nil || q.ID == "" || q.Data != "yes" || q.From.ID != alice.ID || q.Message.Message == nil ||
		q.Message.Message.ID != sent.ID || q.Message.Message.Text != "Datang?" || q.Message.Message.Chat.ID != alice.ID ||
		q.Message.Message.ReplyMarkup == nil || q.Message.Message.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "yes" {
		t.Fatalf("callback = %+v", q)
	}
	if q2 := ups[1].CallbackQuery; q2.ID == q.ID || q2.Message.InaccessibleMessage == nil || q2.Message.InaccessibleMessage.MessageID != 99 {
		t.Errorf("stale callback = %+v", q2)
	}
	if _, err := b.AnswerCallbackQuery(ctxT(t), &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: "Tercatat"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AnswerCallbackQuery(ctxT(t), &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("second answer: %v", err)
	}
	if c := s.CallsTo("answerCallbackQuery"); c[0].ChatID != alice.ID {
		t.Errorf("answer call chat = %d", c[0].ChatID)
	}
	// Same text and keyboard: not modified.
	_, err = b.EditMessageText(ctxT(t), &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: sent.ID, Text: "Datang?", ReplyMarkup: kb})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("unmodified edit: %v", err)
	}
	// An edit without reply_markup drops the keyboard.
	if _, err := b.EditMessageText(ctxT(t), &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: sent.ID, Text: "Datang? ✅ Hadir"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.EditMessageText(ctxT(t), &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: 42, Text: "x"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("edit unknown: %v", err)
	}
	if _, err := b.EditMessageReplyMarkup(ctxT(t), &bot.EditMessageReplyMarkupParams{ChatID: alice.ID, MessageID: sent.ID, ReplyMarkup: kb}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DeleteMessage(ctxT(t), &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: sent.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DeleteMessage(ctxT(t), &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: sent.ID}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("second delete: %v", err)
	}
	want := `user: /start
bot #2: Datang?
    [Hadir]
user: [tap] Hadir
user: [tap] stale
bot answers: Tercatat
bot edits #2: Datang? ✅ Hadir
bot edits #2: Datang? ✅ Hadir
    [Hadir]
bot deletes #2
`
	if diff := cmp.Diff(want, s.Transcript(alice.ID)); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
	evs := s.Events(alice.ID)
	if evs[4].Kind != "answer" || evs[4].Msg.ID != sent.ID || evs[5].Kind != "edit" || !evs[5].Msg.Edited || evs[5].Msg.Buttons != nil {
		t.Errorf("events = %+v", evs)
	}
	if len(s.Chat(alice.ID)) != 0 || s.BotEvents(alice.ID) != 5 {
		t.Errorf("chat = %+v, bot events %d", s.Chat(alice.ID), s.BotEvents(alice.ID))
	}
}

func TestGetUpdatesPlainHTTP(t *testing.T) {
	s := New(t)
	if u := mustUpdates(t, s, `{"offset":0,"timeout":0}`); len(u) != 0 {
		t.Fatalf("empty queue: %+v", u)
	}
	id1 := s.SendText(alice, "🎉 /start@alumnibot_test_bot ref_42")
	id2 := s.SendText(alice, "/daftar_meetup 7")
	id3 := s.SendSticker(budi)
	if id1 != 1 || id2 != 2 || id3 != 3 {
		t.Fatalf("ids = %d %d %d", id1, id2, id3)
	}
	ups := mustUpdates(t, s, `{"offset":0,"timeout":30,"limit":2,"allowed_updates":["message","callback_query"]}`)
	if diff := cmp.Diff([]int64{1, 2}, updateIDs(ups)); diff != "" {
		t.Fatal(diff)
	}
	if ups[0].Message.Entities != nil {
		t.Errorf("no command at the start, yet entities %+v", ups[0].Message.Entities)
	}
	ent := ups[1].Message.Entities
	if len(ent) != 1 || ent[0].Type != models.MessageEntityTypeBotCommand || ent[0].Offset != 0 || ent[0].Length != len("/daftar_meetup") {
		t.Errorf("entities = %+v", ent)
	}
	if m := ups[1].Message; m.From.ID != alice.ID || m.Chat.ID != alice.ID || m.Chat.Type != models.ChatTypePrivate || m.From.LanguageCode != "id" || m.ID != 2 {
		t.Errorf("message = %+v", m)
	}
	// Unconfirmed updates come again.
	if diff := cmp.Diff([]int64{1, 2, 3}, updateIDs(mustUpdates(t, s, `{}`))); diff != "" {
		t.Error(diff)
	}
	// The offset confirms; url-encoded and multipart bodies work too.
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/bot"+s.Token+"/getUpdates", strings.NewReader(url.Values{"offset": {"3"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Result []models.Update `json:"result"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&env)
	resp.Body.Close()
	if diff := cmp.Diff([]int64{3}, updateIDs(env.Result)); diff != "" || env.Result[0].Message.Sticker == nil {
		t.Errorf("url-encoded: %s %+v", diff, env.Result)
	}
	if s.PendingUpdates() != 1 {
		t.Errorf("pending = %d", s.PendingUpdates())
	}
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	_ = w.WriteField("offset", "4")
	_ = w.WriteField("timeout", "0")
	_ = w.Close()
	req, _ = http.NewRequest(http.MethodPost, s.URL+"/bot"+s.Token+"/getUpdates", &mp)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"ok":true,"result":[]}` || s.PendingUpdates() != 0 {
		t.Errorf("multipart: %s, pending %d", body, s.PendingUpdates())
	}

	// A long poll wakes up when an update is injected.
	type result struct {
		ups []models.Update
		err error
	}
	done := make(chan result, 1)
	polls := len(s.CallsTo("getUpdates"))
	go func() {
		u, err := getUpdates(t, context.Background(), s, `{"offset":4,"timeout":20}`)
		done <- result{u, err}
	}()
	waitPolls(t, s, polls+1)
	// A recorded poll is already parked: the server records it and starts waiting under one lock.
	select {
	case r := <-done:
		t.Fatalf("long poll returned early: %+v", r)
	default:
	}
	s.SendText(budi, "halo")
	r := <-done
	if r.err != nil || len(r.ups) != 1 || r.ups[0].ID != 4 || r.ups[0].Message.Text != "halo" {
		t.Fatalf("long poll = %+v", r)
	}

	// A long poll times out with [] (timeout may be fractional), and ends
	// when the client goes away.
	if u := mustUpdates(t, s, `{"offset":5,"timeout":0.05}`); len(u) != 0 {
		t.Errorf("timeout: %+v", u)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := getUpdates(t, ctx, s, `{"offset":5,"timeout":20}`); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled poll: %v", err)
	}

	// A second poll terminates the first with 409, as Telegram does.
	polls = len(s.CallsTo("getUpdates"))
	go func() {
		u, err := getUpdates(t, context.Background(), s, `{"offset":5,"timeout":20}`)
		done <- result{u, err}
	}()
	waitPolls(t, s, polls+1)
	if u := mustUpdates(t, s, `{"offset":5,"timeout":0}`); len(u) != 0 {
		t.Errorf("second poll: %+v", u)
	}
	if r := <-done; r.err == nil || !strings.Contains(r.err.Error(), "409 Conflict") {
		t.Errorf("first poll: %+v", r)
	}
}

// waitPolls waits until the server has seen n getUpdates calls. A long poll is recorded and parked
// under one hold of the server's lock, so once it is counted it is waiting.
func waitPolls(t *testing.T, s *Server, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d getUpdates calls", n), func() bool { return len(s.CallsTo("getUpdates")) >= n })
}

// waitFor checks cond until it holds, failing after a generous deadline that only stops a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("waiting for %s: timed out", what)
		case <-tick.C:
		}
	}
}

func TestRedeliverAndAllowedUpdates(t *testing.T) {
	s := New(t)
	s.SendText(alice, "satu")
	s.SendText(alice, "dua")
	if got := updateIDs(mustUpdates(t, s, `{"offset":0}`)); len(got) != 2 {
		t.Fatal(got)
	}
	if got := updateIDs(mustUpdates(t, s, `{"offset":3}`)); len(got) != 0 {
		t.Fatal(got)
	}
	s.Redeliver(1)
	s.SendText(alice, "tiga")
	if diff := cmp.Diff([]int64{1, 3}, updateIDs(mustUpdates(t, s, `{"offset":3}`))); diff != "" {
		t.Error(diff)
	}
	if got := updateIDs(mustUpdates(t, s, `{"offset":4}`)); len(got) != 0 || s.PendingUpdates() != 0 {
		t.Errorf("after confirming: %v, pending %d", got, s.PendingUpdates())
	}
	// Updates not in allowed_updates are dropped.
	s.SendCallback(alice, 1, "x")
	s.SendText(alice, "empat")
	if diff := cmp.Diff([]int64{5}, updateIDs(mustUpdates(t, s, `{"offset":4,"allowed_updates":["message"]}`))); diff != "" {
		t.Error(diff)
	}
	// SendRaw: explicit ids move the counter; the caller's update is not changed.
	raw := models.Update{Message: &models.Message{Chat: models.Chat{ID: -55, Type: models.ChatTypeGroup}, Text: "grup", From: &models.User{ID: alice.ID}}}
	if id := s.SendRaw(raw); id != 6 || raw.Message.ID != 0 {
		t.Errorf("SendRaw id %d, caller's message %+v", id, raw.Message)
	}
	if id := s.SendRaw(models.Update{ID: 10, MyChatMember: &models.ChatMemberUpdated{Chat: alice.privateChat(), From: alice.model(),
		// models.ChatMember cannot marshal its zero value: both members are needed.
		OldChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: ptr(alice.model())}},
		NewChatMember: models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: ptr(alice.model())}}}}); id != 10 {
		t.Errorf("explicit id = %d", id)
	}
	if id := s.SendText(budi, "x"); id != 11 {
		t.Errorf("next id = %d", id)
	}
	ups := mustUpdates(t, s, `{"offset":6,"allowed_updates":[]}`)
	if diff := cmp.Diff([]int64{6, 10, 11}, updateIDs(ups)); diff != "" {
		t.Fatal(diff)
	}
	if ups[1].MyChatMember == nil || ups[1].MyChatMember.NewChatMember.Type != models.ChatMemberTypeBanned {
		t.Errorf("my_chat_member = %+v", ups[1].MyChatMember)
	}
	if evs := s.Events(alice.ID); evs[len(evs)-1].Msg.Text != "[my_chat_member]" {
		t.Errorf("events = %+v", evs)
	}
	if evs := s.Events(-55); len(evs) != 1 || evs[0].Msg.Text != "grup" || evs[0].Msg.ID != 1 {
		t.Errorf("group events = %+v", evs)
	}
}

func TestWebhookDeliver(t *testing.T) {
	s := New(t)
	const secret = "s3cret-token"
	var mu sync.Mutex
	var got []models.Update
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token")), []byte(secret)) != 1 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			return
		}
		var u models.Update
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, u)
		mu.Unlock()
	}))
	defer hook.Close()

	b := newClient(t, s)
	if _, err := b.SetWebhook(ctxT(t), &bot.SetWebhookParams{URL: hook.URL, SecretToken: secret}); err != nil {
		t.Fatal(err)
	}
	if u, sec := s.Webhook(); u != hook.URL || sec != secret {
		t.Errorf("Webhook() = %q %q", u, sec)
	}
	if _, err := getUpdates(t, ctxT(t), s, `{}`); err == nil || !strings.Contains(err.Error(), "409") {
		t.Errorf("getUpdates with a webhook: %v", err)
	}
	id := s.SendText(alice, "halo")
	if st, err := s.Deliver(ctxT(t), hook.URL, "wrong", id); err != nil || st != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d %v", st, err)
	}
	if s.PendingUpdates() != 1 {
		t.Error("a refused delivery confirmed the update")
	}
	for i := 0; i < 2; i++ { // delivering twice is allowed
		if st, err := s.Deliver(ctxT(t), hook.URL, secret, id); err != nil || st != http.StatusOK {
			t.Fatalf("delivery %d: %d %v", i, st, err)
		}
	}
	if s.PendingUpdates() != 0 {
		t.Error("update still pending after 200")
	}
	if _, err := s.Deliver(ctxT(t), hook.URL, secret, 99); err == nil {
		t.Error("unknown update delivered")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].ID != id || got[1].ID != id || got[0].Message.Text != "halo" {
		t.Errorf("hook got %+v", got)
	}
	if err := s.WaitIdle(ctxT(t)); err != nil {
		t.Error(err)
	}
}

func TestWaitEvents(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	go func() {
		for i := 0; i < 3; i++ {
			_, _ = b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: fmt.Sprint(i)})
		}
	}()
	if err := s.WaitEvents(ctxT(t), alice.ID, 3); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Chat(alice.ID)); n != 3 {
		t.Errorf("chat has %d messages", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := s.WaitEvents(ctx, alice.ID, 4); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}

// echoBot is a minimal bot under test: it polls with plain HTTP, answers each
// text through go-telegram/bot, and confirms after handling.
func echoBot(t *testing.T, s *Server, b *bot.Bot, ctx context.Context) {
	var offset int64
	for ctx.Err() == nil {
		ups, err := getUpdates(t, ctx, s, fmt.Sprintf(`{"offset":%d,"timeout":10}`, offset))
		if err != nil {
			continue
		}
		for _, u := range ups {
			if u.Message != nil {
				_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "echo: " + u.Message.Text})
			}
			offset = u.ID + 1
		}
	}
}

func TestWaitIdle(t *testing.T) {
	s := New(t)
	s.SetQuietPeriod(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	s.SendText(alice, "satu")
	if err := s.WaitIdle(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("nobody polls, yet WaitIdle = %v", err)
	}
	cancel()

	bctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	b := newClient(t, s)
	go func() { defer wg.Done(); echoBot(t, s, b, bctx) }()
	defer func() { stop(); wg.Wait() }()
	if err := s.WaitIdle(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	s.SendText(budi, "dua")
	s.SendText(alice, "tiga")
	if err := s.WaitIdle(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastMessage(budi.ID); last.Text != "echo: dua" {
		t.Errorf("budi: %+v", last)
	}
	want := "user: satu\nbot #2: echo: satu\nuser: tiga\nbot #4: echo: tiga\n"
	if diff := cmp.Diff(want, s.Transcript(alice.ID)); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// The library's own poller (multipart getUpdates with allowed_updates as a
// JSON text part) works against the fake.
func TestLibraryPoller(t *testing.T) {
	s := New(t)
	b := newClient(t, s,
		bot.WithAllowedUpdates(bot.AllowedUpdates{models.AllowedUpdateMessage}),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
			if u.Message != nil {
				_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "pong"})
			}
		}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Start(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	s.SendText(alice, "ping")
	if err := s.WaitEvents(ctxT(t), alice.ID, 1); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastMessage(alice.ID); last.Text != "pong" {
		t.Errorf("last = %+v", last)
	}
	polls := s.CallsTo("getUpdates")
	if polls[0].Params["allowed_updates"] != `["message"]` || polls[0].Params["timeout"] != "4" {
		t.Errorf("poll params = %+v", polls[0].Params)
	}
}

func TestValidation(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	cases := []struct {
		name string
		p    bot.SendMessageParams
		want string
	}{
		{"empty", bot.SendMessageParams{Text: " "}, "message text is empty"},
		{"long", bot.SendMessageParams{Text: strings.Repeat("é", 4097)}, "message is too long"},
		{"html tag", bot.SendMessageParams{Text: "a <x> b", ParseMode: models.ParseModeHTML}, `Unsupported start tag "x"`},
		{"html lt", bot.SendMessageParams{Text: "Name: A<B", ParseMode: models.ParseModeHTML}, "can't parse entities"},
		{"html unclosed", bot.SendMessageParams{Text: "<b>bold", ParseMode: models.ParseModeHTML}, `corresponding to start tag "b"`},
		{"html nesting", bot.SendMessageParams{Text: "<b><i>x</b></i>", ParseMode: models.ParseModeHTML}, "Unmatched end tag"},
		{"mdv2 dot", bot.SendMessageParams{Text: "Jam 19.00", ParseMode: models.ParseModeMarkdown}, `Character '.' is reserved`},
		{"mdv2 bold", bot.SendMessageParams{Text: "*tebal", ParseMode: models.ParseModeMarkdown}, "Bold entity"},
		{"md legacy", bot.SendMessageParams{Text: "user_name", ParseMode: models.ParseModeMarkdownV1}, "Can't find end of the entity"},
		{"mode", bot.SendMessageParams{Text: "x", ParseMode: "html5"}, "unsupported parse_mode"},
		{"data", bot.SendMessageParams{Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "b", CallbackData: strings.Repeat("d", 65)}}}}}, "BUTTON_DATA_INVALID"},
		{"text button", bot.SendMessageParams{Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "b"}}}}}, "Text buttons are unallowed"},
		{"chat", bot.SendMessageParams{Text: "x"}, "chat_id is empty"},
	}
	for _, c := range cases {
		p := c.p
		if c.name != "chat" {
			p.ChatID = alice.ID
		}
		_, err := b.SendMessage(ctxT(t), &p)
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	ok := []bot.SendMessageParams{
		{Text: "<b>Meetup</b> &amp; <a href=\"https://x.org/?a=1&b=2\">link</a> 3 &lt; 4 > 2", ParseMode: models.ParseModeHTML},
		{Text: strings.Repeat("é", 4096)},
		{Text: strings.Repeat("<b>é</b>", 4096), ParseMode: models.ParseModeHTML},
		{Text: `*Meetup* Jam 19\.00 \- _santai_ [peta](https://maps.example/?q=a_b\)) ||rahasia|| ` + "`kode.`", ParseMode: models.ParseModeMarkdown},
		{Text: ">kutipan\n**>panjang", ParseMode: models.ParseModeMarkdown},
		{Text: "*tebal* _miring_ `user_name` [x](https://a.b/c_d) user\\_name", ParseMode: models.ParseModeMarkdownV1},
	}
	for i, p := range ok {
		p.ChatID = alice.ID
		if _, err := b.SendMessage(ctxT(t), &p); err != nil {
			t.Errorf("ok[%d]: %v", i, err)
		}
	}
	if _, err := b.SendPhoto(ctxT(t), &bot.SendPhotoParams{ChatID: alice.ID, Photo: &models.InputFileUpload{Filename: "a.png", Data: bytes.NewReader(tinyPNG)}, Caption: strings.Repeat("x", 1025)}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("long caption: %v", err)
	}
	if _, err := b.EditMessageCaption(ctxT(t), &bot.EditMessageCaptionParams{ChatID: alice.ID, MessageID: 1, Caption: "x"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("caption of a text message: %v", err)
	}
}

func TestFloodLimit(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	s.SetFloodLimit(FloodLimit{PerChat: 1, PerChatBurst: 2})
	for i := 0; i < 2; i++ {
		if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 1 {
		t.Fatalf("third message: %v", err)
	}
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: budi.ID, Text: "x"}); err != nil {
		t.Errorf("other chat: %v", err)
	}
	// Edits are not sends.
	if _, err := b.EditMessageText(ctxT(t), &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: 1, Text: "y"}); err != nil {
		t.Errorf("edit: %v", err)
	}
	s.SetFloodLimit(FloodLimit{})
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"}); err != nil {
		t.Errorf("limit removed: %v", err)
	}
}

// Many users at once, each with a bot worker, under -race.
func TestConcurrentUsers(t *testing.T) {
	s := New(t)
	s.SetQuietPeriod(10 * time.Millisecond)
	const users, msgs = 100, 5
	b := newClient(t, s, bot.WithHTTPClient(5*time.Second, &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}))

	// The "bot": a poller fanning out to workers, confirming after each batch
	// is handled.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var offset int64
		for ctx.Err() == nil {
			ups, err := getUpdates(t, ctx, s, fmt.Sprintf(`{"offset":%d,"timeout":5}`, offset))
			if err != nil {
				continue
			}
			var bw sync.WaitGroup
			for _, u := range ups {
				bw.Add(1)
				go func() {
					defer bw.Done()
					switch {
					case u.Message != nil:
						_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "ok " + u.Message.Text,
							ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "lagi", CallbackData: "again"}}}}})
					case u.CallbackQuery != nil:
						_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
					}
				}()
				offset = u.ID + 1
			}
			bw.Wait()
		}
	}()
	defer func() { cancel(); wg.Wait() }()

	var uw sync.WaitGroup
	for i := 0; i < users; i++ {
		uw.Add(1)
		go func() {
			defer uw.Done()
			u := User{ID: int64(5000 + i), FirstName: fmt.Sprint("U", i)}
			for j := 0; j < msgs; j++ {
				s.SendText(u, fmt.Sprint(j))
				if err := s.WaitEvents(ctxT(t), u.ID, 2*j+1); err != nil {
					t.Error(err)
					return
				}
				last, _ := s.LastMessage(u.ID)
				s.SendCallback(u, last.ID, "again")
				if err := s.WaitEvents(ctxT(t), u.ID, 2*j+2); err != nil {
					t.Error(err)
					return
				}
				_ = s.Chat(u.ID)
				_ = s.Calls()
			}
		}()
	}
	uw.Wait()
	if err := s.WaitIdle(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(s.CallsTo("sendMessage")); n != users*msgs {
		t.Errorf("%d sendMessage calls", n)
	}
	for i := 0; i < users; i++ {
		if evs := s.Events(int64(5000 + i)); len(evs) != 4*msgs {
			t.Fatalf("user %d: %d events", i, len(evs))
		}
	}
}

func TestCloseEndsLongPolls(t *testing.T) {
	s := NewServer()
	done := make(chan error, 1)
	go func() {
		_, err := getUpdates(t, context.Background(), s, `{"timeout":3600}`)
		done <- err
	}()
	waitPolls(t, s, 1)
	waitErr := make(chan error, 1)
	go func() { waitErr <- s.WaitEvents(context.Background(), 1, 1) }()
	s.Close()
	s.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("poll: %v", err)
		}
	case <-time.After(20 * time.Second): // only stops a hang: the poll would wait an hour
		t.Fatal("Close waited for the long poll")
	}
	if err := <-waitErr; !errors.Is(err, ErrClosed) {
		t.Errorf("WaitEvents: %v", err)
	}
}

func TestParseHTML(t *testing.T) {
	got, err := parseHTML(`<b>A &amp; B</b> &lt;3 &#128512; <a href="x>y">l</a> &nbsp x`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "A & B <3 😀 l &nbsp x"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func BenchmarkSendMessage(b *testing.B) {
	s := NewServer()
	defer s.Close()
	s.SetRecordCalls(false)
	c, err := bot.New(s.Token, bot.WithServerURL(s.URL), bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Minute, &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}))
	if err != nil {
		b.Fatal(err)
	}
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Hadir", CallbackData: "rsvp:1:yes"}, {Text: "Tidak", CallbackData: "rsvp:1:no"}}}}
	var n int64
	var mu sync.Mutex
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		n++
		chat := 10000 + n
		mu.Unlock()
		for pb.Next() {
			if _, err := c.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat, Text: "Meetup Jakarta, Sabtu 19.00", ReplyMarkup: kb}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkInjectAndPoll(b *testing.B) {
	s := NewServer()
	defer s.Close()
	u := User{ID: 7, FirstName: "Bench"}
	var offset int64
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.SendText(u, "/start")
		ups, err := getUpdates(b, context.Background(), s, fmt.Sprintf(`{"offset":%d}`, offset))
		if err != nil || len(ups) != 1 {
			b.Fatal(err, ups)
		}
		offset = ups[0].ID + 1
	}
}

// Hold keeps one chat's calls of one method waiting until the test releases them; other chats and
// other methods go through meanwhile.
func TestHold(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	gate := s.Hold("SendMessage", alice.ID)
	sent := make(chan error, 1)
	go func() {
		_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: "lambat"})
		sent <- err
	}()
	if err := gate.WaitHeld(ctxT(t), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: budi.ID, Text: "cepat"}); err != nil {
		t.Fatal(err)
	}
	if n := s.BotEvents(alice.ID); n != 0 || len(s.Chat(budi.ID)) != 1 {
		t.Fatalf("while held: alice has %d bot events, budi %d messages", n, len(s.Chat(budi.ID)))
	}
	select {
	case err := <-sent:
		t.Fatalf("the held call returned: %v", err)
	default:
	}
	gate.Release()
	gate.Release()
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: alice.ID, Text: "lagi"}); err != nil {
		t.Fatal(err)
	}
	want := "bot #1: lambat\nbot #2: lagi\n"
	if diff := cmp.Diff(want, s.Transcript(alice.ID)); diff != "" {
		t.Errorf("alice (-want +got):\n%s", diff)
	}
	// The events show the order: budi's message went out before alice's held one.
	calls := s.CallsTo("sendMessage")
	if calls[0].ChatID != budi.ID || calls[1].ChatID != alice.ID {
		t.Errorf("order of sends: %d, %d", calls[0].ChatID, calls[1].ChatID)
	}
	if gate.Held() != 1 {
		t.Errorf("held %d calls, want 1", gate.Held())
	}
}

// A held call whose client gives up has no effect.
func TestHoldClientGoesAway(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	gate := s.Hold("sendMessage", 0)
	defer gate.Release()
	ctx, cancel := context.WithCancel(context.Background())
	sent := make(chan error, 1)
	go func() {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "x"})
		sent <- err
	}()
	if err := gate.WaitHeld(ctxT(t), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-sent; err == nil {
		t.Fatal("a cancelled held call succeeded")
	}
	if err := s.WaitIdle(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if n := s.BotEvents(alice.ID); n != 0 {
		t.Errorf("the abandoned call had an effect: %d events", n)
	}
}

// Offsets lists what each getUpdates asked for.
func TestOffsets(t *testing.T) {
	s := New(t)
	s.SendText(alice, "satu")
	mustUpdates(t, s, `{"offset":0}`)
	mustUpdates(t, s, `{"offset":2}`)
	if diff := cmp.Diff([]int64{0, 2}, s.Offsets()); diff != "" {
		t.Error(diff)
	}
}

func TestSendVenue(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "‹ Kembali", CallbackData: "g:0:open:jambi"}}}}
	if _, err := b.SendVenue(ctxT(t), &bot.SendVenueParams{ChatID: alice.ID, Latitude: -1.6101, Longitude: 103.6131,
		Title: "Swiss-Belhotel Jambi", Address: "Kota Jambi, Jambi", ReplyMarkup: kb}); err != nil {
		t.Fatal(err)
	}
	want := []Message{{ID: 1, ChatID: alice.ID, Media: "venue", Text: "Swiss-Belhotel Jambi\nKota Jambi, Jambi",
		Buttons: [][]Button{{{Text: "‹ Kembali", Data: "g:0:open:jambi"}}}}}
	if diff := cmp.Diff(want, s.Chat(alice.ID)); diff != "" {
		t.Errorf("Chat (-want +got):\n%s", diff)
	}
	calls := s.CallsTo("sendVenue")
	if len(calls) != 1 || calls[0].Params["latitude"] != "-1.6101" || calls[0].Params["longitude"] != "103.6131" {
		t.Errorf("calls = %+v", calls)
	}
	// Telegram requires the address: a venue without one is refused.
	if _, err := b.SendVenue(ctxT(t), &bot.SendVenueParams{ChatID: alice.ID, Latitude: 1, Longitude: 1, Title: "X"}); err == nil {
		t.Error("a venue without an address was accepted")
	}
}
