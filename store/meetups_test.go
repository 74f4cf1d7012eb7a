package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/meetupfile"
)

func TestSaveMeetupsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	a, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := meetupfile.Demo(a)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // loading the same file twice changes nothing
		for _, m := range ms {
			if err := s.SaveMeetup(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := s.MeetupsEndingAfter(ctx, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ms, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("meetups (-want +got):\n%s", diff)
	}
	later, _ := s.MeetupsEndingAfter(ctx, ms[0].End, 10)
	if len(later) != 1 || later[0].ID != ms[1].ID {
		t.Errorf("after the first ended: %v", later)
	}
	m, err := s.Meetup(ctx, "jambi-2027")
	if err != nil || m == nil || m.Venue.Name != "Swiss-Belhotel Jambi" {
		t.Errorf("Meetup(jambi-2027) = %+v, %v", m, err)
	}
	if m, err := s.Meetup(ctx, "nope"); m != nil || err != nil {
		t.Errorf("Meetup(nope) = %+v, %v", m, err)
	}
}
