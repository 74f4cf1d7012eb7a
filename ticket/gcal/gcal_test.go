package gcal_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/ticket/gcal"
)

func TestURL(t *testing.T) {
	wita := time.FixedZone("WITA", 8*3600)
	got := gcal.URL(gcal.Event{
		Title:    "Temu Alumni Gorontalo & Bone",
		Start:    time.Date(2027, 2, 3, 9, 0, 0, 0, wita),
		End:      time.Date(2027, 2, 3, 15, 30, 0, 0, wita),
		Details:  "Agenda:\n10.30–12.00 WITA Strategi Digital",
		Location: "ASTON Gorontalo Hotel, Jl. Ahmad A. Wahab No.17",
	})
	want := "https://calendar.google.com/calendar/render?action=TEMPLATE" +
		"&text=Temu+Alumni+Gorontalo+%26+Bone" +
		"&dates=20270203T010000Z/20270203T073000Z" +
		"&details=Agenda%3A%0A10.30%E2%80%9312.00+WITA+Strategi+Digital" +
		"&location=ASTON+Gorontalo+Hotel%2C+Jl.+Ahmad+A.+Wahab+No.17"
	if got != want {
		t.Fatalf("URL =\n%s\nwant\n%s", got, want)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("text") != "Temu Alumni Gorontalo & Bone" || q.Get("location") != "ASTON Gorontalo Hotel, Jl. Ahmad A. Wahab No.17" {
		t.Fatalf("query does not decode back: %v", q)
	}
}

func TestURLCutsDetailsAndLeavesOutEmpty(t *testing.T) {
	start := time.Date(2027, 3, 18, 2, 0, 0, 0, time.UTC)
	got := gcal.URL(gcal.Event{Title: "X", Start: start, End: start.Add(-time.Hour), Details: strings.Repeat("é", 2000)})
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if d := []rune(q.Get("details")); len(d) < 100 || d[len(d)-1] != '…' {
		t.Fatalf("details: %d runes, last %q", len(d), d[len(d)-1])
	}
	if q.Get("dates") != "20270318T020000Z/20270318T020000Z" {
		t.Fatalf("dates = %q", q.Get("dates"))
	}
	if q.Has("location") {
		t.Fatalf("empty location kept: %s", got)
	}
	if len(got) > 2048 {
		t.Fatalf("URL too long for a button: %d bytes", len(got))
	}
}
