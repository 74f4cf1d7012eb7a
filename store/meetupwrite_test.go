package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/store"
)

func jambi(capacity int) flows.Meetup {
	return flows.Meetup{
		ID: "jambi", Title: "Temu Alumni Jambi", Province: "15", Regency: "15.71", Venue: flows.Venue{Name: "Swiss-Belhotel Jambi"},
		Start: now.Add(30 * 24 * time.Hour), End: now.Add(30*24*time.Hour + 6*time.Hour), Capacity: capacity, Status: flows.MeetupPublished,
	}
}

func write(t *testing.T, s *store.Store, ctx context.Context, m flows.Meetup, mode flows.WriteMode, sum string) flows.Written {
	t.Helper()
	w, err := s.WriteMeetup(ctx, m, mode, sum, now)
	if err != nil {
		t.Fatalf("write %s (%s): %v", m.ID, mode, err)
	}
	return w
}

func TestWriteMeetupCreate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	m := jambi(2)
	if w := write(t, s, ctx, m, flows.WriteCreate, ""); w.Status != flows.WriteSaved {
		t.Fatalf("create = %+v", w)
	}
	if w := write(t, s, ctx, m, flows.WriteCreate, ""); w.Status != flows.WriteSaved {
		t.Errorf("the same create again = %+v, want saved (a retry)", w)
	}
	other := m
	other.Title = "Temu Alumni Lain"
	if w := write(t, s, ctx, other, flows.WriteCreate, ""); w.Status != flows.WriteExists {
		t.Errorf("another meetup under the id = %+v, want exists", w)
	}
	if got, _ := s.Meetup(ctx, "jambi"); got.Title != m.Title {
		t.Errorf("stored title %q", got.Title)
	}
	ms, err := s.MeetupsEndingAfter(ctx, now, 10)
	if err != nil || len(ms) != 1 {
		t.Errorf("listed = %v, %v", ms, err)
	}
	if w := write(t, s, ctx, flows.Meetup{ID: "nope", Status: flows.MeetupPublished, End: m.End}, flows.WriteEdit, ""); w.Status != flows.WriteGone {
		t.Errorf("edit of a missing meetup = %+v, want gone", w)
	}
}

// An edit is checked against the seats taken in the same step; a larger capacity moves the waiting
// list on; a new time tells every holder once, also when the update runs again.
func TestWriteMeetupEdit(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	m := jambi(2)
	write(t, s, ctx, m, flows.WriteCreate, "")
	for a := int64(1); a <= 3; a++ { // two seats, one waiting
		if _, err := s.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	m.Capacity = 1
	if w := write(t, s, ctx, m, flows.WriteEdit, ""); w.Status != flows.WriteBelowTaken || w.Taken != 2 {
		t.Errorf("capacity below the seats taken = %+v", w)
	}
	m.Capacity = 3
	if w := write(t, s, ctx, m, flows.WriteEdit, ""); w.Status != flows.WriteSaved || !cmp.Equal(w.Offered, []int64{3}) || w.Told != 0 {
		t.Errorf("one more seat = %+v, want it offered to alumnus 3 and nobody told of a change", w)
	}
	draft := m
	draft.Status = flows.MeetupDraft
	if w := write(t, s, ctx, draft, flows.WriteEdit, ""); w.Status != flows.WriteHasHolders {
		t.Errorf("back to draft with holders = %+v", w)
	}

	m.Start, m.End = m.Start.Add(time.Hour), m.End.Add(time.Hour)
	upd := flows.WithOps(ctx, 99, 5001)
	first := write(t, s, upd, m, flows.WriteEdit, "")
	again := write(t, s, flows.WithOps(ctx, 99, 5001), m, flows.WriteEdit, "") // the update redelivered
	if first.Status != flows.WriteSaved || first.Told != 3 || !cmp.Equal(first, again) {
		t.Errorf("moved = %+v, re-run = %+v; want 3 told, the same answer twice", first, again)
	}
	ns, err := s.PeekNotices(ctx, "jambi", 100)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, n := range ns {
		if n.Kind == flows.NoticeChanged {
			changed++
		}
	}
	if changed != 3 {
		t.Errorf("%d change notices queued, want 3 (one per holder): %+v", changed, ns)
	}

	if _, err := s.CancelMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	if w := write(t, s, ctx, m, flows.WriteEdit, ""); w.Status != flows.WriteGone {
		t.Errorf("edit of a cancelled meetup = %+v, want gone", w)
	}
}

// EVENTS_FILE: applied again unchanged, it leaves edits made in the bot alone; changed, it applies.
func TestWriteMeetupFromFile(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	m := jambi(100)
	if w := write(t, s, ctx, m, flows.WriteFile, "v1"); w.Status != flows.WriteSaved {
		t.Fatalf("new from the file = %+v", w)
	}
	edited := m
	edited.Capacity = 150
	write(t, s, ctx, edited, flows.WriteEdit, "")
	if w := write(t, s, ctx, m, flows.WriteFile, "v1"); w.Status != flows.WriteUnchanged {
		t.Errorf("the same file again = %+v, want unchanged", w)
	}
	if got, _ := s.Meetup(ctx, "jambi"); got.Capacity != 150 {
		t.Errorf("capacity %d after a restart with the old file, want the edit (150) to stand", got.Capacity)
	}
	m.Capacity = 120
	if w := write(t, s, ctx, m, flows.WriteFile, "v2"); w.Status != flows.WriteSaved {
		t.Errorf("the file changed = %+v, want saved", w)
	}
	if got, _ := s.Meetup(ctx, "jambi"); got.Capacity != 120 {
		t.Errorf("capacity %d, want the file's new 120", got.Capacity)
	}
}

func TestWriteMeetupRefusesCancelling(t *testing.T) {
	s := newStore(t)
	m := jambi(1)
	m.Status = flows.MeetupCancelled
	if _, err := s.WriteMeetup(context.Background(), m, flows.WriteCreate, "", now); err == nil {
		t.Error("a cancellation written as an edit, want an error (CancelMeetup tells the alumni)")
	}
}
