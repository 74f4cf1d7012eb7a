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

	// The same update again while the committing replica holds the sending: applied, nothing to send.
	l, _ = s.Load(ctx, 7, 1, now)
	if !l.Applied || l.Result != nil {
		t.Fatalf("redelivered update within the claim: applied %v result %q", l.Applied, l.Result)
	}
	// Once the claim ran out (its holder died), a redelivery claims the replies and repeats them, once.
	later := now.Add(store.ClaimTTL)
	l, _ = s.Load(ctx, 7, 1, later)
	if !l.Applied || string(l.Result) != `{"l":"id"}` {
		t.Fatalf("redelivered update after the claim: applied %v result %q", l.Applied, l.Result)
	}
	if l, _ = s.Load(ctx, 7, 1, later); !l.Applied || l.Result != nil {
		t.Fatalf("second redelivery after the claim: applied %v result %q", l.Applied, l.Result)
	}
	if err := s.Commit(ctx, flows.Commit{User: 7, Update: 1, Version: 1, Next: next}); !errors.Is(err, flows.ErrApplied) {
		t.Errorf("second commit of update 1 = %v, want ErrApplied", err)
	}
	// Replies that could not be sent come back with the next update's load, until it is committed.
	if err := s.Undelivered(ctx, 7, 1); err != nil {
		t.Fatal(err)
	}
	l, _ = s.Load(ctx, 7, 2, later)
	if diff := cmp.Diff([]flows.Pending{{Update: 1, Result: []byte(`{"l":"id"}`)}}, l.Undelivered); diff != "" {
		t.Fatalf("undelivered (-want +got):\n%s", diff)
	}
	if err := s.Commit(ctx, flows.Commit{User: 7, Update: 2, Version: 1, Prev: next, Next: next, Carries: []int64{1}, Now: later}); err != nil {
		t.Fatal(err)
	}
	if l, _ = s.Load(ctx, 7, 5, later); l.Undelivered != nil {
		t.Fatalf("undelivered after the next commit = %+v", l.Undelivered)
	}
	// Sent replies are dropped: a redelivery after the claim has nothing to repeat.
	if err := s.Delivered(ctx, flows.Delivery{User: 7, Update: 2}); err != nil {
		t.Fatal(err)
	}
	if l, _ = s.Load(ctx, 7, 2, later.Add(store.ClaimTTL)); !l.Applied || l.Result != nil {
		t.Fatalf("redelivery of a sent update: applied %v result %q", l.Applied, l.Result)
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

// Profiles written before the short field names are read, marked inactive and, once the conversation
// writes the profile, rewritten in the short form; the index of meetups stays. A field that cannot be
// read is left empty rather than locking the alumnus out.
func TestProfilesOfTheOldFormat(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	s := store.New(rdb, "")
	key := "ab:{u:7}:profile"
	err := rdb.HSet(ctx, key, "name", "Vita", "province", "75", "regency", "75.71", "wave", "27", "lang", "id",
		"consent_at", "2024-09-19T09:00:00Z", "created_at", "2024-09-19T09:00:00Z", "active", "1", "referred_by", "42",
		"mt", "jambi").Err()
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Load(ctx, 7, 1, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(vita(), l.Session.Profile); diff != "" {
		t.Fatalf("old profile (-want +got):\n%s", diff)
	}
	if err := s.MarkInactive(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Profile(ctx, 7); err != nil || p.Active {
		t.Fatalf("old profile marked inactive: %+v, %v", p, err)
	}
	next := vita()
	next.Wave = 28
	err = s.Commit(ctx, flows.Commit{User: 7, Update: 1, Prev: flows.Session{Profile: vita()}, Next: flows.Session{Profile: next}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	h, err := rdb.HGetAll(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"n": "Vita", "p": "75", "r": "75.71", "w": "28", "l": "id", "c": "1726736400",
		"t": "1726736400", "f": "42", "mt": "jambi"}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Fatalf("rewritten profile (-want +got):\n%s", diff)
	}

	// A field that cannot be read.
	if err := rdb.HSet(ctx, key, "w", "dua puluh", "c", "kemarin").Err(); err != nil {
		t.Fatal(err)
	}
	l, err = s.Load(ctx, 7, 2, now)
	if err != nil {
		t.Fatalf("load of a partly unreadable profile: %v", err)
	}
	if p := l.Session.Profile; p == nil || p.Name != "Vita" || p.Wave != 0 || !p.ConsentAt.IsZero() || !p.CreatedAt.Equal(now) {
		t.Fatalf("partly unreadable profile = %+v", p)
	}
}

// A claim renewed while its replies are still being sent holds past its first end; a claim given up
// (Undelivered) or whose replies were sent (Delivered) is not brought back by a late renewal.
func TestRenewClaim(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	now := time.Date(2024, 9, 19, 2, 0, 0, 0, time.UTC)
	next := flows.Session{Conv: flows.Conv{Flow: "ob", Step: "name"}}
	if err := s.Commit(ctx, flows.Commit{User: 7, Update: 1, Next: next, Result: []byte(`{"l":"id"}`), Now: now}); err != nil {
		t.Fatal(err)
	}
	renewed := now.Add(store.ClaimTTL - time.Second)
	if err := s.Renew(ctx, 7, 1, renewed); err != nil {
		t.Fatal(err)
	}
	l, err := s.Load(ctx, 7, 1, now.Add(store.ClaimTTL+time.Second)) // past the first claim
	if err != nil {
		t.Fatal(err)
	}
	if !l.Applied || l.Result != nil || !l.HeldUntil.Equal(renewed.Add(store.ClaimTTL)) {
		t.Fatalf("after a renewal: applied %v, result %q, held until %v; want held until %v",
			l.Applied, l.Result, l.HeldUntil, renewed.Add(store.ClaimTTL))
	}

	// Given up: a renewal that comes late does not claim it again.
	if err := s.Undelivered(ctx, 7, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Renew(ctx, 7, 1, renewed); err != nil {
		t.Fatal(err)
	}
	if l, _ = s.Load(ctx, 7, 1, renewed); string(l.Result) != `{"l":"id"}` {
		t.Fatalf("a given-up claim after a renewal: result %q, want the replies to claim", l.Result)
	}
	// Sent: nothing is left to renew.
	if err := s.Delivered(ctx, flows.Delivery{User: 7, Update: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Renew(ctx, 7, 1, renewed); err != nil {
		t.Fatal(err)
	}
	if l, _ = s.Load(ctx, 7, 1, renewed.Add(2*store.ClaimTTL)); !l.Applied || l.Result != nil || !l.HeldUntil.IsZero() {
		t.Fatalf("a sent update after a renewal: applied %v, result %q, held until %v", l.Applied, l.Result, l.HeldUntil)
	}
}
