package attach

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

func TestCSVCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"Vita":                           "Vita",
		"=HYPERLINK(\"http://x\",\"a\")": "'=HYPERLINK(\"http://x\",\"a\")",
		"+62 812":                        "'+62 812",
		"-1+2":                           "'-1+2",
		"@SUM(A1)":                       "'@SUM(A1)",
		"\t=1":                           "'\t=1",
		"\r=1":                           "'\r=1",
		"Siti = Ani":                     "Siti = Ani",
		"2027-03-18T09:12:00+07:00":      "2027-03-18T09:12:00+07:00",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// The participants CSV of a real roster: header, one row per alumnus in the roster's order, regency
// names, check-in times in the venue's zone, and names that would be formulas defused.
func TestParticipantsCSV(t *testing.T) {
	ctx := context.Background()
	atlas, demo, st := demoStore(t)
	m := demo[0] // Gorontalo, WITA
	m.Capacity = 2
	if err := st.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	seats := seatAll(t, st, m.ID, map[int64]flows.Profile{
		1: {Name: "Vita", Province: "75", Regency: "75.71", Wave: 27, ReferredBy: 3},
		2: {Name: "=HYPERLINK(\"http://evil\",\"klik\")", Province: "75", Regency: "75.01", Wave: 5},
		3: {Name: "Hujaipah, S.Pd", Province: "15", Regency: "15.71", Wave: 12},
	}, 4, now) // alumnus 4 has no profile
	gorontalo, _ := atlas.Province("75")
	arrived := time.Date(2027, 2, 3, 8, 47, 0, 0, gorontalo.Zone)
	if ci, err := st.CheckIn(ctx, m.ID, 1, seats[1].Code, arrived); err != nil || ci.Status != flows.CheckInOK {
		t.Fatalf("check in = %+v, %v", ci, err)
	}

	r := &Renderer{Meetups: st, Atlas: atlas}
	f, err := r.participantsFile(ctx, m.ID, locales.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "peserta-gorontalo-2027.csv" || f.Photo {
		t.Errorf("file %q photo %v", f.Name, f.Photo)
	}
	rows := csvRows(t, f.Data)
	if !bytes.Contains(f.Data, []byte("\r\n")) {
		t.Error("lines do not end in CRLF")
	}
	want := [][]string{
		{"telegram_id", "name", "regency", "wave", "status", "waitlist_position", "checkin_code", "checked_in_at", "referred_by"},
		{"2", "'=HYPERLINK(\"http://evil\",\"klik\")", "Kabupaten Gorontalo", "5", "confirmed", "", seats[2].Code, "", ""},
		{"1", "Vita", "Kota Gorontalo", "27", "confirmed", "", seats[1].Code, "2027-02-03T08:47:00+08:00", "3"},
		{"3", "Hujaipah, S.Pd", "Kota Jambi", "12", "waitlisted", "1", "", "", ""},
		{"4", "", "", "", "waitlisted", "2", "", "", ""},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}
}

func TestParticipantsCSVUnknownMeetup(t *testing.T) {
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(redistest.Start(t).Client(t), "")
	r := &Renderer{Meetups: st, Atlas: atlas}
	if _, err := r.participantsCSV(context.Background(), "tidak-ada", locales.ID); err == nil || !strings.Contains(err.Error(), "tidak-ada") {
		t.Fatalf("unknown meetup: %v", err)
	}
}
