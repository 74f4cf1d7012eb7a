package attach

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// exportWorld is a renderer over a real store holding three decided stories and one pending: named
// from Jambi (two photos), anonymous from Gorontalo, not for publication from Jambi.
func exportWorld(t *testing.T) (*Renderer, *store.Store) {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(redistest.Start(t).Client(t), "")
	ctx := context.Background()
	sent := time.Date(2024, 9, 19, 2, 0, 0, 0, time.UTC)
	for i, s := range []flows.Story{
		{Author: 1, Name: "Vita", Province: "15", Regency: "15.71", Wave: 27, Training: "Digital Marketing",
			Text: "=Toko donat, \"laris\"\nbaris dua", Photos: []string{"AgAD1", "AgAD2"}, Consent: flows.ConsentNamed},
		{Author: 2, Name: "Rahmat", Province: "75", Regency: "75.71", Wave: 3, Text: "Salon rias.", Consent: flows.ConsentAnon},
		{Author: 3, Name: "Sari", Province: "15", Regency: "15.71", Wave: 5, Text: "Rahasia.", Consent: flows.ConsentPrivate},
		{Author: 4, Name: "Ani", Province: "15", Regency: "15.71", Wave: 5, Text: "Masih menunggu.", Consent: flows.ConsentNamed},
	} {
		s.Sent = sent
		id, err := st.SubmitStory(flows.WithOps(ctx, s.Author, 1), s, 0)
		if err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			if _, err := st.DecideStory(ctx, id, true, 9, "Budi", "", sent.Add(time.Duration(i+1)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return &Renderer{Meetups: st, Atlas: atlas}, st
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestStoriesCSVAnonymisesAndLeavesOutPrivate(t *testing.T) {
	r, _ := exportWorld(t)
	f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileStoriesCSV}, "id")
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, f.Data)
	if f.Name != "cerita.csv" || len(rows) != 3 {
		t.Fatalf("%s: %d rows: %q", f.Name, len(rows), rows)
	}
	want := [][]string{
		storiesHeader,
		{rows[1][0], "2024-09-19T03:00:00Z", "2024-09-19T02:00:00Z", "Vita", "false", "1", "Jambi", "Kota Jambi", "27",
			"Digital Marketing", "'=Toko donat, \"laris\"\nbaris dua", "AgAD1 AgAD2"},
		{rows[2][0], "2024-09-19T04:00:00Z", "2024-09-19T02:00:00Z", "", "true", "", "Gorontalo", "Kota Gorontalo", "3",
			"", "Salon rias.", ""},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("CSV (-want +got):\n%s", d)
	}
	// An organizer of Gorontalo gets Gorontalo's only.
	f, _ = r.Render(context.Background(), flows.Attachment{Kind: flows.FileStoriesCSV, Ref: "75"}, "id")
	if rows := readCSV(t, f.Data); len(rows) != 2 || rows[1][8] != "3" || f.Name != "cerita-75.csv" {
		t.Errorf("Gorontalo's CSV %s: %q", f.Name, rows)
	}
}

func TestStoriesJSON(t *testing.T) {
	r, _ := exportWorld(t)
	f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileStoriesJSON}, "en")
	if err != nil {
		t.Fatal(err)
	}
	var got []storyJSON
	if err := json.Unmarshal(f.Data, &got); err != nil {
		t.Fatalf("%v:\n%s", err, f.Data)
	}
	if len(got) != 2 || got[0].Name != "Vita" || len(got[0].Photos) != 2 || got[0].Story != "=Toko donat, \"laris\"\nbaris dua" ||
		got[1].Name != "" || got[1].TelegramID != 0 || !got[1].Anonymous || got[1].Photos == nil {
		t.Errorf("JSON = %+v", got)
	}
	// No story at all: an empty array.
	f, _ = r.Render(context.Background(), flows.Attachment{Kind: flows.FileStoriesJSON, Ref: "11"}, "en")
	if err := json.Unmarshal(f.Data, &got); err != nil || len(got) != 0 {
		t.Errorf("empty export = %s, %v", f.Data, err)
	}
}

// The alumni list walks every profile with SCAN, over several batches.
func TestAlumniCSVListsEveryProfile(t *testing.T) {
	r, st := exportWorld(t)
	ctx := context.Background()
	const n = 1234
	for i := range n {
		p := flows.Profile{Name: "Alumni " + strconv.Itoa(i), Province: "15", Regency: "15.71", Wave: i%30 + 1, Lang: "id", Active: true}
		if err := st.Commit(ctx, flows.Commit{User: int64(1000 + i), Update: -1, Next: flows.Session{Profile: &p}}); err != nil {
			t.Fatal(err)
		}
	}
	f, err := r.Render(ctx, flows.Attachment{Kind: flows.FileAlumniCSV}, "id")
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, f.Data)
	if len(rows) != n+1 || cmp.Diff(alumniHeader, rows[0]) != "" {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		seen[row[0]] = true
		if row[2] != "Jambi" || row[3] != "Kota Jambi" || row[8] != "true" {
			t.Fatalf("row %q", row)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct alumni; want %d", len(seen), n)
	}
}
