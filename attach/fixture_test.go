package attach

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/store"
)

// demoStore is what the file tests start from: the atlas, the demo meetups and a store on a Redis of
// the test's own.
func demoStore(t *testing.T) (*area.Atlas, []flows.Meetup, *store.Store) {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := meetupfile.Demo(atlas)
	if err != nil {
		t.Fatal(err)
	}
	return atlas, demo, store.New(redistest.Start(t).Client(t), "")
}

// DemoStore and CSVRows lend demoStore and csvRows to the tests of package attach_test.
var DemoStore, CSVRows = demoStore, csvRows

// seatAll saves the profiles (in Indonesian, active, consenting at now) and reserves a place at
// meetup for alumni 1 to n, in that order; it returns their seats.
func seatAll(t *testing.T, st *store.Store, meetup string, profiles map[int64]flows.Profile, n int64, now time.Time) map[int64]flows.Seat {
	t.Helper()
	ctx := context.Background()
	for id, p := range profiles {
		p.Lang, p.Active, p.ConsentAt, p.CreatedAt = locales.ID, true, now, now
		if err := st.Commit(ctx, flows.Commit{User: id, Update: 1, Next: flows.Session{Profile: &p}, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	seats := map[int64]flows.Seat{}
	for a := int64(1); a <= n; a++ {
		s, err := st.Reserve(ctx, meetup, a, now)
		if err != nil {
			t.Fatal(err)
		}
		seats[a] = s
	}
	return seats
}

// csvRows parses a CSV file as the renderer writes it, after the UTF-8 byte-order mark it must start with.
func csvRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	body, ok := bytes.CutPrefix(data, []byte("\uFEFF"))
	if !ok {
		t.Fatal("no UTF-8 byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
