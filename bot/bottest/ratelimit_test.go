package bottest

import (
	"errors"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

// Over the window limit a message-creating call answers 429 with retry_after, consumes nothing, and
// the send log counts what was accepted and refused.
func TestWindowLimit(t *testing.T) {
	s := New(t)
	b := newClient(t, s)
	s.SetWindowLimit(3)
	for i := range 3 {
		if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: int64(100 + i), Text: "x"}); err != nil {
			t.Fatal(i, err)
		}
	}
	_, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: 200, Text: "x"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 1 {
		t.Fatalf("fourth message in the second: %v", err)
	}
	if got := s.Chat(200); len(got) != 0 {
		t.Fatalf("a refused message was delivered: %v", got)
	}
	st := s.SendStats()
	if st.Sent != 3 || st.Refused != 1 {
		t.Fatalf("stats %+v, want 3 sent and 1 refused", st)
	}
	if n := s.MaxInWindow(time.Second, time.Time{}, time.Time{}); n != 3 {
		t.Fatalf("max in a window %d, want 3", n)
	}
	if ps := s.PerSecond(); len(ps) != 1 || ps[0] != 3 {
		t.Fatalf("per second %v", ps)
	}
	s.MissingChat(300)
	_, err = b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: 300, Text: "x"})
	if !errors.Is(err, bot.ErrorBadRequest) || err.Error() == "" {
		t.Fatalf("missing chat: %v", err)
	}
	s.SetWindowLimit(0)
	if _, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: 200, Text: "x"}); err != nil {
		t.Fatalf("limit removed: %v", err)
	}
}

// MaxInWindow slides over the log: windows are closed intervals of d.
func TestMaxInWindow(t *testing.T) {
	s := New(t)
	base := time.Unix(1000, 0)
	for _, ms := range []int{0, 100, 900, 1000, 1001, 1500, 3000} {
		s.acceptedLocked(base.Add(time.Duration(ms) * time.Millisecond))
	}
	if n := s.MaxInWindow(time.Second, time.Time{}, time.Time{}); n != 4 { // [0,1000] and [900,1900] hold 4 each; [1000,2000] 3
		t.Fatalf("max %d, want 4", n)
	}
	if n := s.MaxInWindow(time.Second, base.Add(1001*time.Millisecond), time.Time{}); n != 2 {
		t.Fatalf("max from 1001 ms: %d, want 2", n)
	}
}
