package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/store"
)

// rpSaveProfile stores an alumnus's profile the way onboarding does: through a commit of their session.
func rpSaveProfile(t testing.TB, s *store.Store, user int64, p flows.Profile) {
	t.Helper()
	if err := s.Commit(context.Background(), flows.Commit{User: user, Update: 1, Next: flows.Session{Profile: &p}, Now: now}); err != nil {
		t.Fatal(err)
	}
}

func rpProfile(name, regency string, wave int, referredBy int64) flows.Profile {
	return flows.Profile{Name: name, Province: regency[:2], Regency: regency, Wave: wave, Lang: "id",
		ConsentAt: now, CreatedAt: now, Active: true, ReferredBy: referredBy}
}

func TestRosterAndTally(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saveMeetup(t, s, "jambi", 3)
	rpSaveProfile(t, s, 1, rpProfile("Vita", "15.71", 27, 0))
	rpSaveProfile(t, s, 2, rpProfile("Hujaipah", "15.05", 12, 1))
	rpSaveProfile(t, s, 3, rpProfile("ani", "15.71", 3, 0)) // sorted by name, case aside
	rpSaveProfile(t, s, 4, rpProfile("Budi", "15.08", 40, 1))
	// Alumnus 5 has no profile (deleted their data): still on the roster, with empty fields.
	seats := map[int64]flows.Seat{}
	for a := int64(1); a <= 5; a++ {
		st, err := s.Reserve(ctx, "jambi", a, now)
		if err != nil {
			t.Fatal(err)
		}
		seats[a] = st
	}
	checkIn := func(a int64, at time.Time) {
		t.Helper()
		if ci, err := s.CheckIn(ctx, "jambi", a, seats[a].Code, at); err != nil || ci.Status != flows.CheckInOK {
			t.Fatalf("check in %d = %+v, %v", a, ci, err)
		}
	}
	arrive := now.Add(30 * 24 * time.Hour).Add(-10 * time.Minute)
	checkIn(1, arrive)
	checkIn(2, arrive.Add(time.Minute))
	// Hujaipah came, then gave her seat up: Budi, first on the waitlist, is offered it.
	offerUntil := arrive.Add(2 * time.Hour)
	if _, offered, err := s.CancelRSVP(ctx, "jambi", 2, offerUntil); err != nil || len(offered) != 1 || offered[0] != 4 {
		t.Fatalf("cancel = %v, %v", offered, err)
	}

	got, err := s.Roster(ctx, "jambi")
	if err != nil {
		t.Fatal(err)
	}
	want := []flows.RosterEntry{
		{Alumnus: 3, Status: flows.SeatConfirmed, Code: seats[3].Code, Name: "ani", Province: "15", Regency: "15.71", Wave: 3},
		{Alumnus: 1, Status: flows.SeatConfirmed, Code: seats[1].Code, CheckedIn: arrive, Name: "Vita", Province: "15", Regency: "15.71", Wave: 27},
		{Alumnus: 4, Status: flows.SeatOffered, OfferExpires: offerUntil, Name: "Budi", Province: "15", Regency: "15.08", Wave: 40, ReferredBy: 1},
		{Alumnus: 5, Status: flows.SeatWaitlisted, Position: 1},
		{Alumnus: 2, Status: flows.SeatNone, CheckedIn: arrive.Add(time.Minute), Name: "Hujaipah", Province: "15", Regency: "15.05", Wave: 12, ReferredBy: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("roster (-want +got):\n%s", diff)
	}

	tally, err := s.Tally(ctx, "jambi")
	if err != nil {
		t.Fatal(err)
	}
	wantTally := flows.Tally{Capacity: 3, Confirmed: 2, Offered: 1, Waitlisted: 1, CheckedIn: 2, Cancelled: 1}
	if diff := cmp.Diff(wantTally, tally); diff != "" {
		t.Errorf("tally (-want +got):\n%s", diff)
	}
}

func TestRosterAndTallyOfUnknownMeetup(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if r, err := s.Roster(ctx, "nowhere"); err != nil || len(r) != 0 {
		t.Fatalf("roster = %v, %v", r, err)
	}
	if tally, err := s.Tally(ctx, "nowhere"); err != nil || tally != (flows.Tally{}) {
		t.Fatalf("tally = %+v, %v", tally, err)
	}
}

// A national-size roster: 5,000 alumni, 100 seats. Every one is listed once with their profile; the
// waitlist comes in arrival order. (Speed is for benchmarks; this checks the chunked profile reads.)
func TestRosterFiveThousand(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saveMeetup(t, s, "jambi", 100)
	const n = 5000
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	for a := int64(1); a <= n; a++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := s.Commit(ctx, flows.Commit{User: a, Update: 1, Now: now,
				Next: flows.Session{Profile: new(rpProfile(fmt.Sprintf("Alumni %04d", a), "15.71", int(a%50)+1, 0))}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// RSVPs one after another, so arrival order is known: 1..100 confirmed, 101.. waitlisted.
	for a := int64(1); a <= n; a++ {
		if _, err := s.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	roster, err := s.Roster(ctx, "jambi")
	if err != nil {
		t.Fatal(err)
	}
	if len(roster) != n {
		t.Fatalf("%d on the roster, want %d", len(roster), n)
	}
	seen := map[int64]bool{}
	for i, e := range roster {
		if seen[e.Alumnus] {
			t.Fatalf("alumnus %d listed twice", e.Alumnus)
		}
		seen[e.Alumnus] = true
		if e.Name != fmt.Sprintf("Alumni %04d", e.Alumnus) || e.Regency != "15.71" || e.Wave != int(e.Alumnus%50)+1 {
			t.Fatalf("entry %d has the wrong profile: %+v", i, e)
		}
		switch {
		case i < 100:
			if e.Status != flows.SeatConfirmed || e.Code == "" || e.Alumnus != int64(i+1) {
				t.Fatalf("entry %d = %+v, want alumnus %d confirmed", i, e, i+1)
			}
		default:
			if e.Status != flows.SeatWaitlisted || e.Position != i-99 || e.Alumnus != int64(i+1) {
				t.Fatalf("entry %d = %+v, want alumnus %d waitlisted at %d", i, e, i+1, i-99)
			}
		}
	}
}
