package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
)

// The index of an alumnus's meetups follows their seats, offers and waitlist places, survives the
// conversation's writes to the profile and never makes a profile of its own.
func TestMyMeetups(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saveMeetup(t, s, "jambi", 10)
	saveMeetup(t, s, "gorontalo", 1)
	saveMeetup(t, s, "palu", 10)
	mine := func(user int64, want ...string) {
		t.Helper()
		got, err := s.MyMeetups(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("meetups of %d (-want +got):\n%s", user, diff)
		}
	}
	// Without a profile nothing is indexed, and no profile appears.
	if _, err := s.Reserve(ctx, "jambi", 9, now); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Profile(ctx, 9); p != nil || err != nil {
		t.Fatalf("Reserve made a profile: %+v, %v", p, err)
	}
	mine(9)

	const vitaID, budiID = 7, 8
	for _, u := range []int64{vitaID, budiID} {
		if err := s.Commit(ctx, flows.Commit{User: u, Update: 1, Next: flows.Session{Profile: vita()}, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	mine(vitaID)
	for _, m := range []string{"jambi", "gorontalo", "nowhere", "palu"} {
		if _, err := s.Reserve(ctx, m, budiID, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []string{"jambi", "gorontalo", "jambi"} { // gorontalo is full: the waitlist
		if _, err := s.Reserve(ctx, m, vitaID, now); err != nil {
			t.Fatal(err)
		}
	}
	mine(vitaID, "jambi", "gorontalo")
	mine(budiID, "jambi", "gorontalo", "palu") // "nowhere" does not exist: dropped from the index too

	// The conversation rewrites the profile: the index stays.
	changed := vita()
	changed.Wave = 30
	if err := s.Commit(ctx, flows.Commit{User: vitaID, Update: 2, Version: 1, Prev: flows.Session{Profile: vita()}, Next: flows.Session{Profile: changed}, Now: now}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Profile(ctx, vitaID); err != nil || p.Wave != 30 {
		t.Fatalf("profile after the change: %+v, %v", p, err)
	}
	mine(vitaID, "jambi", "gorontalo")

	// Budi cancels his seat at Gorontalo: Vita is offered it; Budi's index forgets Gorontalo.
	if _, offered, err := s.CancelRSVP(ctx, "gorontalo", budiID, now.Add(12*time.Hour)); err != nil || len(offered) != 1 {
		t.Fatalf("cancel: offered %v, %v", offered, err)
	}
	mine(budiID, "jambi", "palu")
	mine(vitaID, "jambi", "gorontalo")
	if st, err := s.Claim(ctx, "gorontalo", vitaID, now); err != nil || st.Status != flows.SeatConfirmed {
		t.Fatalf("claim: %+v, %v", st, err)
	}
	mine(vitaID, "jambi", "gorontalo")

	// Deleting the profile deletes the index.
	if err := s.Commit(ctx, flows.Commit{User: vitaID, Update: 3, Version: 2, Prev: flows.Session{Profile: changed}, Now: now}); err != nil {
		t.Fatal(err)
	}
	mine(vitaID)
	if p, err := s.Profile(ctx, vitaID); p != nil || err != nil {
		t.Fatalf("profile after deletion: %+v, %v", p, err)
	}
}

// Places taken before the index existed are indexed once, at start.
func TestIndexPlacesFillsOldIndexes(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saveMeetup(t, s, "jambi", 1)
	for _, u := range []int64{7, 8} { // a seat and a waitlist place, taken before alumni had profiles here
		if _, err := s.Reserve(ctx, "jambi", u, now); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(ctx, flows.Commit{User: u, Update: 1, Next: flows.Session{Profile: vita()}, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.MyMeetups(ctx, 8); len(got) != 0 {
		t.Fatalf("indexed before the migration: %v", got)
	}
	n, err := s.IndexPlaces(ctx)
	if err != nil || n != 2 {
		t.Fatalf("IndexPlaces = %d, %v; want the 2 holders", n, err)
	}
	for _, u := range []int64{7, 8} {
		if got, err := s.MyMeetups(ctx, u); err != nil || !cmp.Equal(got, []string{"jambi"}) {
			t.Errorf("meetups of %d = %v, %v", u, got, err)
		}
	}
	if n, err := s.IndexPlaces(ctx); err != nil || n != 0 {
		t.Errorf("second run = %d, %v; want nothing (done once)", n, err)
	}
}
