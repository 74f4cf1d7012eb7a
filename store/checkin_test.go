package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/store"
)

var _ flows.Desk = (*store.Store)(nil)
var _ flows.Grants = (*store.Store)(nil)

func TestFindCodeChecksNobodyIn(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saveMeetup(t, s, "jambi", 10)
	seat, err := s.Reserve(ctx, "jambi", 7, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, typed := range []string{seat.Code, string(append([]byte{seat.Code[0] | 0x20}, seat.Code[1:]...))} {
		who, ok, err := s.FindCode(ctx, "jambi", typed)
		if err != nil || !ok || who != 7 {
			t.Fatalf("FindCode(%q) = %d %v %v", typed, who, ok, err)
		}
	}
	if _, ok, err := s.FindCode(ctx, "jambi", "ZZZZZZ"); ok || err != nil {
		t.Fatalf("unknown code found: %v %v", ok, err)
	}
	if _, ok, _ := s.CheckedInAt(ctx, "jambi", 7); ok {
		t.Fatal("FindCode checked someone in")
	}
	if ci, err := s.CheckIn(ctx, "jambi", 7, seat.Code, now); err != nil || ci.Status != flows.CheckInOK {
		t.Fatalf("check in: %+v %v", ci, err)
	}
	at, ok, err := s.CheckedInAt(ctx, "jambi", 7)
	if err != nil || !ok || !at.Equal(now) {
		t.Fatalf("CheckedInAt = %s %v %v", at, ok, err)
	}
}

// cancelNotices counts the cancellation notices of a meetup's outbox by alumnus.
func cancelNotices(t *testing.T, s *store.Store, meetup string) map[int64]int {
	t.Helper()
	ns, err := s.PeekNotices(context.Background(), meetup, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for _, n := range ns {
		if n.Kind == flows.NoticeCancelled {
			out[n.Alumnus]++
		}
	}
	return out
}

func TestCancelMeetupTellsEachHolderOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	m := saveMeetup(t, s, "jambi", 2)
	for a := int64(1); a <= 5; a++ { // 1, 2 confirmed; 3, 4, 5 waitlisted
		if _, err := s.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.CancelRSVP(ctx, "jambi", 1, now.Add(12*3600e9)); err != nil { // 3 is offered the seat
		t.Fatal(err)
	}
	// Several organizers (or retries) at once: one of them queues the notices.
	var wg sync.WaitGroup
	told := make([]int, 8)
	for i := range told {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.CancelMeetup(ctx, m)
			if err != nil && !errors.Is(err, flows.ErrCancelledBefore) {
				t.Error(err)
			}
			told[i] = n
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range told {
		total += n
	}
	if total != 4 {
		t.Fatalf("notices queued per call %v, want 4 in all", told)
	}
	if diff := cmp.Diff(map[int64]int{2: 1, 3: 1, 4: 1, 5: 1}, cancelNotices(t, s, "jambi")); diff != "" {
		t.Fatalf("notices (-want +got):\n%s", diff)
	}
	ids, err := s.OutboxMeetups(ctx)
	if err != nil || len(ids) != 1 || ids[0] != "jambi" {
		t.Fatalf("outbox marks %v %v", ids, err)
	}
	got, err := s.Meetup(ctx, "jambi")
	if err != nil || got.Status != flows.MeetupCancelled {
		t.Fatalf("meetup %+v %v", got, err)
	}
	if seat, err := s.Reserve(ctx, "jambi", 9, now); err != nil || seat.Status != flows.SeatClosed {
		t.Fatalf("RSVP to a cancelled meetup: %+v %v", seat, err)
	}

	// Published again, then cancelled again: told again, those still holding a seat (the offer and
	// the waiting list were withdrawn by the first cancellation).
	m.Status = flows.MeetupPublished
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CancelMeetup(ctx, m); err != nil || n != 1 {
		t.Fatalf("second cancellation queued %d, %v", n, err)
	}
}

func TestCancelUnknownMeetup(t *testing.T) {
	s := newStore(t)
	_, err := s.CancelMeetup(context.Background(), flows.Meetup{ID: "nowhere"})
	if !errors.Is(err, store.ErrNoMeetup) {
		t.Fatalf("err = %v", err)
	}
	if m, _ := s.Meetup(context.Background(), "nowhere"); m != nil {
		t.Fatal("an unknown meetup was created")
	}
}
