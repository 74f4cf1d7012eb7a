package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	return store.New(redistest.Start(t).Client(t), "")
}

var now = time.Date(2024, 9, 19, 9, 0, 0, 0, time.UTC)

func vita() *flows.Profile {
	return &flows.Profile{
		Name: "Vita", Province: "75", Regency: "75.71", Wave: 27, Lang: "id",
		ConsentAt: now, CreatedAt: now, Active: true, ReferredBy: 42,
	}
}

func TestCommitAndLoad(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	l, err := s.Load(ctx, 7, 1, now)
	if err != nil {
		t.Fatal(err)
	}
	if l.Applied || l.Version != 0 || l.Session.Profile != nil || l.Recent != 1 {
		t.Fatalf("fresh load = %+v", l)
	}
	next := flows.Session{Profile: vita(), Conv: flows.Conv{Flow: "pf", Step: "view", Nonce: 3, State: []byte(`{"a":"b"}`)}}
	if err := s.Commit(ctx, flows.Commit{User: 7, Update: 1, Version: 0, Next: next, Result: []byte(`{"l":"id"}`), Now: now}); err != nil {
		t.Fatal(err)
	}
	l, err = s.Load(ctx, 7, 2, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(next, l.Session); diff != "" {
		t.Errorf("session after commit (-want +got):\n%s", diff)
	}
	if l.Version != 1 || l.Applied {
		t.Errorf("version %d applied %v, want 1 false", l.Version, l.Applied)
	}

	// The same update again: applied, with its result to repeat.
	l, _ = s.Load(ctx, 7, 1, now)
	if !l.Applied || string(l.Result) != `{"l":"id"}` {
		t.Fatalf("redelivered update: applied %v result %q", l.Applied, l.Result)
	}
	if err := s.Commit(ctx, flows.Commit{User: 7, Update: 1, Version: 1, Next: next}); !errors.Is(err, flows.ErrApplied) {
		t.Errorf("second commit of update 1 = %v, want ErrApplied", err)
	}
	// Replies that could not be sent come back with the next update's load, until it is committed.
	if err := s.Undelivered(ctx, 7, 1); err != nil {
		t.Fatal(err)
	}
	l, _ = s.Load(ctx, 7, 2, now)
	if string(l.Undelivered) != `{"l":"id"}` {
		t.Fatalf("undelivered = %q", l.Undelivered)
	}
	if err := s.Commit(ctx, flows.Commit{User: 7, Update: 2, Version: 1, Prev: next, Next: next}); err != nil {
		t.Fatal(err)
	}
	if l, _ = s.Load(ctx, 7, 5, now); l.Undelivered != nil {
		t.Fatalf("undelivered after the next commit = %q", l.Undelivered)
	}

	// A stale version is refused.
	if err := s.Commit(ctx, flows.Commit{User: 7, Update: 3, Version: 1, Next: next}); !errors.Is(err, flows.ErrConflict) {
		t.Errorf("commit at old version = %v, want ErrConflict", err)
	}

	// Deleting the profile.
	if err := s.Commit(ctx, flows.Commit{User: 7, Update: 4, Version: 2, Prev: next, Next: flows.Session{}}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Profile(ctx, 7); err != nil || p != nil {
		t.Errorf("profile after delete = %v, %v", p, err)
	}
}

func TestMarkInactive(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.MarkInactive(ctx, 9); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Profile(ctx, 9); p != nil {
		t.Fatalf("MarkInactive created a profile: %+v", p)
	}
	if err := s.Commit(ctx, flows.Commit{User: 9, Update: 1, Next: flows.Session{Profile: vita()}}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkInactive(ctx, 9); err != nil {
		t.Fatal(err)
	}
	p, err := s.Profile(ctx, 9)
	if err != nil || p == nil || p.Active {
		t.Fatalf("profile after MarkInactive = %+v, %v", p, err)
	}
}

func TestFloodCounter(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for i := 1; i <= 25; i++ {
		l, err := s.Load(ctx, 5, int64(i), now)
		if err != nil {
			t.Fatal(err)
		}
		if l.Recent != i {
			t.Fatalf("input %d counted as %d", i, l.Recent)
		}
	}
	l, _ := s.Load(ctx, 5, 26, now.Add(flows.FloodWindow))
	if l.Recent != 1 {
		t.Errorf("next window starts at %d, want 1", l.Recent)
	}
}

// Replicas racing on one chat: every commit at a given version but one fails, so no update is lost.
func TestCommitRace(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 1; i <= 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Commit(ctx, flows.Commit{User: 3, Update: int64(i), Version: 0, Next: flows.Session{Conv: flows.Conv{Nonce: i}}})
			if err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if !errors.Is(err, flows.ErrConflict) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d commits at version 0 succeeded, want 1", ok)
	}
}
