package bot

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/alumnibot/alumnibot/bot/bottest"
)

// recordingSleep replaces real waiting: tests see the waits the sender asked for and never sleep.
type recordingSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recordingSleep) sleep(_ context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	return nil
}

func newTestSender(t *testing.T) (*sender, *recordingSleep, *tg.Bot, *bottest.Server) {
	t.Helper()
	srv := bottest.New(t)
	api, err := tg.New(srv.Token, tg.WithServerURL(srv.URL), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(newMetrics(nil))
	rec := &recordingSleep{}
	s.sleep = rec.sleep
	return s, rec, api, srv
}

func sendHello(api *tg.Bot) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: 5, Text: "halo"})
		return err
	}
}

func TestSenderWaitsRetryAfterAndPausesEveryone(t *testing.T) {
	s, rec, api, srv := newTestSender(t)
	srv.FailNext("sendMessage", 1, 429, 7)
	if err := s.do(context.Background(), "sendMessage", sendHello(api)); err != nil {
		t.Fatal(err)
	}
	if len(srv.Chat(5)) != 1 {
		t.Fatalf("message not delivered after the 429")
	}
	if len(rec.waits) != 1 || rec.waits[0] < 6*time.Second || rec.waits[0] > 7*time.Second {
		t.Fatalf("waits = %v, want one of about 7s", rec.waits)
	}
	// Another call right after waits for the same pause: the limit is the bot's, not the chat's.
	s.pause(7 * time.Second)
	if err := s.do(context.Background(), "sendMessage", sendHello(api)); err != nil {
		t.Fatal(err)
	}
	if len(rec.waits) != 2 {
		t.Fatalf("second sender did not wait for the pause: %v", rec.waits)
	}
}

func TestSenderRetriesServerErrorsBoundedly(t *testing.T) {
	s, rec, api, srv := newTestSender(t)
	srv.FailNext("sendMessage", 2, 500, 0)
	if err := s.do(context.Background(), "sendMessage", sendHello(api)); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{firstBackoff, 2 * firstBackoff}; len(rec.waits) != 2 || rec.waits[0] != want[0] || rec.waits[1] != want[1] {
		t.Fatalf("backoffs = %v, want %v", rec.waits, want)
	}
	srv.FailNext("sendMessage", 10, 502, 0)
	if err := s.do(context.Background(), "sendMessage", sendHello(api)); err == nil {
		t.Fatal("endless 502s succeeded")
	}
	if got := len(srv.CallsTo("sendMessage")); got != 3+maxServerRetries+1 {
		t.Fatalf("%d sendMessage calls, want %d", got, 3+maxServerRetries+1)
	}
}

func TestSenderForbiddenIsBlocked(t *testing.T) {
	s, rec, api, srv := newTestSender(t)
	srv.BlockUser(5)
	err := s.do(context.Background(), "sendMessage", sendHello(api))
	if !errors.Is(err, ErrBlocked) || !errors.Is(err, tg.ErrorForbidden) {
		t.Fatalf("err = %v, want ErrBlocked wrapping forbidden", err)
	}
	if len(rec.waits) != 0 || len(srv.CallsTo("sendMessage")) != 1 {
		t.Fatalf("a 403 was retried")
	}
}

func TestSenderBadRequestIsNotRetried(t *testing.T) {
	s, _, api, srv := newTestSender(t)
	err := s.do(context.Background(), "sendMessage", func(ctx context.Context) error {
		_, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: 5, Text: ""})
		return err
	})
	if !errors.Is(err, tg.ErrorBadRequest) || len(srv.CallsTo("sendMessage")) != 1 {
		t.Fatalf("err = %v after %d calls", err, len(srv.CallsTo("sendMessage")))
	}
}
