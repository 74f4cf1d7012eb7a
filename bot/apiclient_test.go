package bot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	tg "github.com/go-telegram/bot"
)

// A call whose result the bot does not read gets an empty result once it succeeded; every other
// answer reaches the library as Telegram wrote it.
func TestAPIClientWithoutResult(t *testing.T) {
	answers := map[string]struct {
		code int
		body string
	}{
		"/bot1:a/sendMessage":         {200, `{"ok":true,"result":{"message_id":7,"date":1,"chat":{"id":5,"type":"private"},"text":"halo"}}`},
		"/bot1:a/editMessageText":     {400, `{"ok":false,"error_code":400,"description":"Bad Request: message is not modified"}`},
		"/bot1:a/copyMessage":         {200, `{ "ok": true, "result": {"message_id": 8} }`}, // not as Telegram writes it
		"/bot1:a/answerCallbackQuery": {200, `{"ok":true,"result":true}`},                   // a result that is no object
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.code)
		_, _ = w.Write([]byte(a.body))
	}))
	defer srv.Close()
	api, err := tg.New("1:a", tg.WithServerURL(srv.URL), tg.WithSkipGetMe(), tg.WithHTTPClient(0, apiClient{srv.Client()}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	m, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: 5, Text: "halo"})
	if err != nil || m.ID != 7 || m.Text != "halo" {
		t.Errorf("read: message %+v, %v; want the whole message", m, err)
	}
	m, err = api.SendMessage(withoutResult(ctx), &tg.SendMessageParams{ChatID: 5, Text: "halo"})
	if err != nil || m.ID != 0 || m.Text != "" {
		t.Errorf("not read: message %+v, %v; want an empty one and no error", m, err)
	}
	_, err = api.EditMessageText(withoutResult(ctx), &tg.EditMessageTextParams{ChatID: 5, MessageID: 7, Text: "x"})
	if !errors.Is(err, tg.ErrorBadRequest) {
		t.Errorf("error answer: %v, want ErrorBadRequest", err)
	}
	id, err := api.CopyMessage(withoutResult(ctx), &tg.CopyMessageParams{ChatID: 5, FromChatID: 6, MessageID: 1})
	if err != nil || id.ID != 8 {
		t.Errorf("answer in another layout: %+v, %v; want it decoded as it came", id, err)
	}
	if ok, err := api.AnswerCallbackQuery(withoutResult(ctx), &tg.AnswerCallbackQueryParams{CallbackQueryID: "q"}); !ok || err != nil {
		t.Errorf("answerCallbackQuery: %v, %v; want true", ok, err)
	}
}
