package attach

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// /laporan's CSV of a real roster, rendered through Render as the transport does: one row per
// regency in the message's order (who came first, on the day), alumni without a profile as
// "unknown" last, then the totals.
func TestRegenciesCSV(t *testing.T) {
	ctx := context.Background()
	atlas, demo, st := demoStore(t)
	m := demo[0] // Gorontalo
	m.Capacity = 3
	if err := st.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	seats := seatAll(t, st, m.ID, map[int64]flows.Profile{
		1: {Name: "Vita", Province: "75", Regency: "75.71", Wave: 27, ReferredBy: 3},
		2: {Name: "Rahmat", Province: "75", Regency: "75.01", Wave: 5},
		3: {Name: "Ani", Province: "75", Regency: "75.01", Wave: 5},
		4: {Name: "Hujaipah", Province: "15", Regency: "15.71", Wave: 12, ReferredBy: 1},
	}, 5, now) // alumnus 5 has no profile
	if ci, err := st.CheckIn(ctx, m.ID, 1, seats[1].Code, m.Start); err != nil || ci.Status != flows.CheckInOK {
		t.Fatalf("check in = %+v, %v", ci, err)
	}

	r := &Renderer{Meetups: st, Atlas: atlas, Now: func() time.Time { return m.Start.Add(time.Hour) }}
	f, err := r.Render(ctx, flows.Attachment{Kind: flows.FileRegencyCSV, Meetup: m.ID}, locales.EN)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "laporan-gorontalo-2027.csv" || f.Photo {
		t.Errorf("file %q photo %v", f.Name, f.Photo)
	}
	rows := csvRows(t, f.Data)
	want := [][]string{
		{"regency", "with_seat", "checked_in", "waiting", "referred", "referred_checked_in"},
		{"Kota Gorontalo", "1", "1", "0", "1", "1"},
		{"Kabupaten Gorontalo", "2", "0", "0", "0", "0"},
		{"Kota Jambi", "0", "0", "1", "1", "0"},
		{"unknown", "0", "0", "1", "0", "0"},
		{"total", "3", "1", "2", "2", "1"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}
	if _, err := r.Render(ctx, flows.Attachment{Kind: flows.FileRegencyCSV, Meetup: "tidak-ada"}, locales.ID); err == nil {
		t.Error("an unknown meetup rendered a file")
	}
}
