package store_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/store"
)

func saveMeetup(t *testing.T, s *store.Store, id string, capacity int) flows.Meetup {
	t.Helper()
	m := flows.Meetup{
		ID: id, Title: "Temu Alumni Jambi", Province: "15", Regency: "15.71", Venue: flows.Venue{Name: "Swiss-Belhotel Jambi"},
		Start: now.Add(30 * 24 * time.Hour), End: now.Add(30*24*time.Hour + 6*time.Hour), Capacity: capacity, Status: flows.MeetupPublished,
	}
	if err := s.SaveMeetup(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCodesAvoidAmbiguousCharacters(t *testing.T) {
	for range 1000 {
		c := store.NewCode()
		if len(c) != 6 || strings.ContainsAny(c, "0O1IL") {
			t.Fatalf("code %q", c)
		}
	}
}

// 5,000 alumni RSVP at once to 100 seats: exactly 100 confirmed, 4,900 waitlisted in arrival order,
// nobody twice; 30 cancellations make exactly 30 offers in waitlist order; unclaimed offers expire
// and pass on.
func TestRSVPRush(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saveMeetup(t, s, "jambi", 100)
	const n = 5000
	seats := make([]flows.Seat, n+1)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 200)
	for a := 1; a <= n; a++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			st, err := s.Reserve(ctx, "jambi", int64(a), now)
			if err != nil {
				t.Error(err)
			}
			seats[a] = st
		}()
	}
	wg.Wait()
	var confirmed []int64
	codes := map[string]bool{}
	positions := make([]int64, n-100+1) // position -> alumnus
	for a := 1; a <= n; a++ {
		switch st := seats[a]; st.Status {
		case flows.SeatConfirmed:
			confirmed = append(confirmed, int64(a))
			if codes[st.Code] {
				t.Fatalf("code %s given twice", st.Code)
			}
			codes[st.Code] = true
		case flows.SeatWaitlisted:
			if st.Position < 1 || st.Position > n-100 || positions[st.Position] != 0 {
				t.Fatalf("alumnus %d got waitlist position %d twice or out of range", a, st.Position)
			}
			positions[st.Position] = int64(a)
		default:
			t.Fatalf("alumnus %d: %+v", a, st)
		}
	}
	if len(confirmed) != 100 {
		t.Fatalf("%d confirmed, want 100", len(confirmed))
	}
	// Asking again changes nothing: same code, same place.
	for _, a := range []int64{confirmed[0], positions[1], positions[4900]} {
		st, err := s.Reserve(ctx, "jambi", a, now)
		if err != nil || st != seats[a] {
			t.Fatalf("second RSVP of %d = %+v, %v; first was %+v", a, st, err, seats[a])
		}
	}

	// 30 cancellations: 30 offers, to waitlist positions 1..30 in order.
	expiry := now.Add(12 * time.Hour)
	var offered []int64
	for _, a := range confirmed[:30] {
		was, o, err := s.CancelRSVP(ctx, "jambi", a, expiry)
		if err != nil || was != flows.SeatConfirmed || len(o) != 1 {
			t.Fatalf("cancel %d = %s %v %v", a, was, o, err)
		}
		offered = append(offered, o...)
	}
	if !slices.Equal(offered, positions[1:31]) {
		t.Fatalf("offers went to %v, want waitlist order %v", offered, positions[1:31])
	}
	// A cancelled seat is not cancelled twice.
	if was, o, _ := s.CancelRSVP(ctx, "jambi", confirmed[0], expiry); was != flows.SeatNone || len(o) != 0 {
		t.Fatalf("second cancel = %s %v", was, o)
	}
	// Someone new still waits behind the queue: offered seats are held.
	if st, _ := s.Reserve(ctx, "jambi", n+1, now); st.Status != flows.SeatWaitlisted || st.Position != n-100-30+1 {
		t.Fatalf("newcomer = %+v", st)
	}
	// Ten claim in time; the other twenty expire and pass on to positions 31..50.
	for _, a := range offered[:10] {
		st, err := s.Claim(ctx, "jambi", a, now.Add(time.Hour))
		if err != nil || st.Status != flows.SeatConfirmed || st.Code == "" {
			t.Fatalf("claim %d = %+v, %v", a, st, err)
		}
	}
	expired, next, err := s.ExpireOffers(ctx, "jambi", expiry, expiry.Add(12*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(expired) // offers expiring together come back in any order
	wantExpired := slices.Sorted(slices.Values(offered[10:]))
	if !slices.Equal(expired, wantExpired) || !slices.Equal(next, positions[31:51]) {
		t.Fatalf("expired %v (want %v), offered %v (want %v)", expired, wantExpired, next, positions[31:51])
	}
	if st, _ := s.Claim(ctx, "jambi", offered[10], expiry.Add(time.Minute)); st.Status != flows.SeatWaitlisted && st.Status != flows.SeatNone {
		t.Fatalf("claim after expiry = %+v", st)
	}
	// Expiring again finds nothing new.
	if e, o, _ := s.ExpireOffers(ctx, "jambi", expiry, expiry.Add(12*time.Hour)); len(e) != 0 || len(o) != 0 {
		t.Fatalf("second expiry: %v %v", e, o)
	}
}

func TestRSVPClosedAndUnknown(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	m := saveMeetup(t, s, "gtlo", 10)
	if st, _ := s.Reserve(ctx, "nope", 1, now); st.Status != flows.SeatUnknown {
		t.Errorf("unknown meetup: %+v", st)
	}
	if st, _ := s.Reserve(ctx, "gtlo", 1, m.End); st.Status != flows.SeatClosed {
		t.Errorf("after the end: %+v", st)
	}
	m.Status = flows.MeetupCancelled
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Reserve(ctx, "gtlo", 1, now); st.Status != flows.SeatClosed {
		t.Errorf("cancelled meetup: %+v", st)
	}
}

func TestCheckIn(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saveMeetup(t, s, "jambi", 10)
	seat, err := s.Reserve(ctx, "jambi", 7, now)
	if err != nil {
		t.Fatal(err)
	}
	if ci, _ := s.CheckIn(ctx, "jambi", 8, seat.Code, now); ci.Status != flows.CheckInUnknown {
		t.Fatalf("someone else's code with a signed ticket: %+v", ci)
	}
	ci, err := s.CheckIn(ctx, "jambi", 0, strings.ToLower(seat.Code), now)
	if err != nil || ci.Status != flows.CheckInOK || ci.Alumnus != 7 {
		t.Fatalf("check in = %+v, %v", ci, err)
	}
	if ci, _ := s.CheckIn(ctx, "jambi", 7, seat.Code, now.Add(time.Hour)); ci.Status != flows.CheckInAlready || !ci.At.Equal(now) {
		t.Fatalf("second check in = %+v", ci)
	}
	if ci, _ := s.CheckIn(ctx, "jambi", 0, "ZZZZZZ", now); ci.Status != flows.CheckInUnknown {
		t.Fatalf("unknown code = %+v", ci)
	}
	// A cancelled RSVP's code no longer checks anyone in.
	seat2, _ := s.Reserve(ctx, "jambi", 9, now)
	if _, _, err := s.CancelRSVP(ctx, "jambi", 9, now); err != nil {
		t.Fatal(err)
	}
	if ci, _ := s.CheckIn(ctx, "jambi", 0, seat2.Code, now); ci.Status != flows.CheckInUnknown {
		t.Fatalf("cancelled code = %+v", ci)
	}
}
