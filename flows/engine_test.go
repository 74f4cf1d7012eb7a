package flows_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

func newEngine(t *testing.T) (*flows.Engine, *store.Store) {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(redistest.Start(t).Client(t), "")
	return &flows.Engine{App: &flows.App{Atlas: atlas}, Sessions: st}, st
}

var now = time.Date(2024, 9, 19, 9, 0, 0, 0, time.UTC)

func start(update int64) flows.Input {
	return flows.Input{UpdateID: update, UserID: 11, FirstName: "Vita", Kind: flows.KindCommand, Command: "start", Now: now}
}

func TestRedeliveredUpdateChangesNothing(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	first, err := e.Handle(ctx, start(1))
	if err != nil || first.Skipped != "" || len(first.Replies) == 0 {
		t.Fatalf("first delivery: %+v, %v", first, err)
	}
	// Redelivered while the first delivery holds the sending: nothing applied, nothing to send, and
	// the caller is told to offer it again once the claim ran out (its holder may die).
	again, err := e.Handle(ctx, start(1))
	if err != nil || again.Skipped != "held" || len(again.Replies) != 0 || !again.HeldUntil.Equal(now.Add(store.ClaimTTL)) {
		t.Fatalf("redelivery within the claim: %+v, %v", again, err)
	}
	// Redelivered after a crash (the claim ran out): the same replies again, since they may not have
	// gone out — at most one duplicate per crash.
	late := start(1)
	late.Now = now.Add(store.ClaimTTL)
	again, err = e.Handle(ctx, late)
	if err != nil || again.Skipped != "duplicate" || len(again.Replies) != len(first.Replies) {
		t.Fatalf("redelivery: %+v, %v", again, err)
	}
	// A typed name moves on once, whatever the number of redeliveries.
	name := flows.Input{UpdateID: 2, UserID: 11, Kind: flows.KindText, Text: "Vita", Now: now}
	for range 3 {
		if _, err := e.Handle(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	wave := flows.Input{UpdateID: 3, UserID: 11, Kind: flows.KindText, Text: "Jambi", Now: now}
	out, err := e.Handle(ctx, wave)
	if err != nil || len(out.Replies) != 1 || lastID(out.Replies[0].Text) != "onboard.ask_regency" {
		t.Fatalf("after redeliveries the conversation is at %+v, %v", out, err)
	}
}

func TestFloodIsSlowedOnce(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	warned := 0
	for i := int64(1); i <= flows.FloodLimit+10; i++ {
		out, err := e.Handle(ctx, start(i))
		if err != nil {
			t.Fatal(err)
		}
		if i <= flows.FloodLimit && out.Skipped != "" {
			t.Fatalf("input %d skipped: %s", i, out.Skipped)
		}
		if i > flows.FloodLimit {
			if out.Skipped != "flood" {
				t.Fatalf("input %d not slowed", i)
			}
			if len(out.Replies) > 0 {
				warned++
				if out.Replies[0].Text.ID != "flood.slow_down" {
					t.Fatalf("warning = %v", out.Replies[0].Text.ID)
				}
			}
		}
	}
	if warned != 1 {
		t.Fatalf("warned %d times, want 1", warned)
	}
	// The next window serves them again.
	in := start(100)
	in.Now = now.Add(flows.FloodWindow)
	if out, err := e.Handle(ctx, in); err != nil || out.Skipped != "" {
		t.Fatalf("next window: %+v, %v", out, err)
	}
}

// Two engines race on one chat (whether their writes overlap is left to chance here; bot/
// TestReplicasRacingOnOneChat forces it): both inputs are applied, one after the other.
func TestRacingInputsAreAppliedInTurn(t *testing.T) {
	ctx := context.Background()
	e1, st := newEngine(t)
	e2 := &flows.Engine{App: e1.App, Sessions: st}
	if _, err := e1.Handle(ctx, start(1)); err != nil {
		t.Fatal(err)
	}
	// Two typed answers race: one is taken as the name, the other then answers the province question.
	var wg sync.WaitGroup
	outs := make([]flows.Outcome, 2)
	for i, e := range []*flows.Engine{e1, e2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			outs[i], err = e.Handle(ctx, flows.Input{UpdateID: int64(10 + i), UserID: 11, Kind: flows.KindText, Text: "Jambi", Now: now})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got := map[string]bool{}
	for _, o := range outs {
		got[lastID(o.Replies[len(o.Replies)-1].Text)] = true
	}
	if !got["onboard.ask_province"] || !got["onboard.ask_regency"] {
		t.Fatalf("racing inputs were not both applied in turn: %v", got)
	}
}

// Replies that could not be sent (the Bot API failed past its retries) go out with the chat's next
// update instead of being lost.
func TestUndeliveredRepliesComeWithTheNextUpdate(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	first, err := e.Handle(ctx, start(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Undelivered(ctx, start(1)); err != nil {
		t.Fatal(err)
	}
	name := flows.Input{UpdateID: 2, UserID: 11, Kind: flows.KindText, Text: "Vita", Now: now}
	out, err := e.Handle(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Replies {
		got = append(got, lastID(r.Text))
	}
	want := []string{lastID(first.Replies[0].Text), "onboard.ask_province"}
	if !slices.Equal(got, want) {
		t.Fatalf("replies = %v, want %v", got, want)
	}
	next := flows.Input{UpdateID: 3, UserID: 11, Kind: flows.KindText, Text: "Jambi", Now: now}
	out, err = e.Handle(ctx, next)
	if err != nil || len(out.Replies) != 1 {
		t.Fatalf("the next update repeats old replies: %+v, %v", out.Replies, err)
	}
}

// lastID is the id of the last message a reply is made of: its question, when an acknowledgement and
// the next question were said as one message.
func lastID(t locales.Text) string {
	if n := len(t.Lines); n > 0 {
		return lastID(t.Lines[n-1])
	}
	return t.ID
}
