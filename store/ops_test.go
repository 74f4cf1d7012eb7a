package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
)

// An update run again — redelivered after a crash, or retried after a version conflict — gets the
// answers of its first run, and its effects happen once.
func TestRerunOfAnUpdateGetsTheFirstAnswers(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saveMeetup(t, s, "jambi", 1)
	update := func(user, id int64) context.Context { return flows.WithOps(ctx, user, id) }

	seat1, err := s.Reserve(update(1, 10), "jambi", 1, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve(ctx, "jambi", 2, now); err != nil { // waits
		t.Fatal(err)
	}
	seatAgain, err := s.Reserve(update(1, 10), "jambi", 1, now)
	if err != nil || !cmp.Equal(seat1, seatAgain) {
		t.Errorf("reserve re-run = %+v, %v; first %+v", seatAgain, err, seat1)
	}

	// Check-in at the door: the re-run must not read "already checked in".
	ci1, err := s.CheckIn(update(900, 20), "jambi", 0, seat1.Code, now)
	if err != nil || ci1.Status != flows.CheckInOK {
		t.Fatalf("check-in = %+v, %v", ci1, err)
	}
	ci2, err := s.CheckIn(update(900, 20), "jambi", 0, seat1.Code, now.Add(5))
	if err != nil || !cmp.Equal(ci1, ci2) {
		t.Errorf("check-in re-run = %+v, %v; first %+v", ci2, err, ci1)
	}
	if ci3, _ := s.CheckIn(update(900, 21), "jambi", 0, seat1.Code, now); ci3.Status != flows.CheckInAlready {
		t.Errorf("another scan = %+v, want already", ci3)
	}

	// /batal: the re-run must not say there is nothing to cancel, nor offer the seat twice.
	exp := now.Add(flows.DefaultClaimWindow)
	was1, off1, err := s.CancelRSVP(update(1, 30), "jambi", 1, exp)
	if err != nil || was1 != flows.SeatConfirmed || !cmp.Equal(off1, []int64{2}) {
		t.Fatalf("cancel = %s %v %v", was1, off1, err)
	}
	was2, off2, err := s.CancelRSVP(update(1, 30), "jambi", 1, exp)
	if err != nil || was2 != was1 || !cmp.Equal(off1, off2) {
		t.Errorf("cancel re-run = %s %v %v; first %s %v", was2, off2, err, was1, off1)
	}
	ns, err := s.PeekNotices(ctx, "jambi", 10)
	if err != nil || len(ns) != 1 {
		t.Errorf("notices = %+v, %v; want the one offer", ns, err)
	}

	// The claim of the offered seat, run twice.
	c1, err := s.Claim(update(2, 40), "jambi", 2, now)
	if err != nil || c1.Status != flows.SeatConfirmed {
		t.Fatalf("claim = %+v, %v", c1, err)
	}
	c2, err := s.Claim(update(2, 40), "jambi", 2, now)
	if err != nil || !cmp.Equal(c1, c2) {
		t.Errorf("claim re-run = %+v, %v; first %+v", c2, err, c1)
	}
	tl, err := s.Tally(ctx, "jambi")
	if err != nil || tl.Cancelled != 1 || tl.CheckedIn != 1 || tl.Confirmed != 1 || tl.Waitlisted != 0 {
		t.Errorf("tally = %+v, %v; want each effect once", tl, err)
	}
}
