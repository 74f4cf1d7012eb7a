package meetupfile

import (
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
)

func atlas(t *testing.T) *area.Atlas {
	t.Helper()
	a, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDemo(t *testing.T) {
	ms, err := Demo(atlas(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("%d demo meetups, want 2", len(ms))
	}
	g := ms[0]
	if g.Province != "75" || g.Regency != "75.71" || g.Venue.Name != "ASTON Gorontalo Hotel & Villas" {
		t.Errorf("gorontalo = %+v", g)
	}
	// 09:00 WITA is 01:00 UTC.
	if want := time.Date(2027, 2, 3, 1, 0, 0, 0, time.UTC); !g.Start.Equal(want) {
		t.Errorf("gorontalo starts %s, want %s", g.Start.UTC(), want)
	}
	if w := g.Workshops[0]; w.Title != "Strategi Digital Marketing" || w.Start.UTC().Hour() != 2 || w.Start.UTC().Minute() != 30 {
		t.Errorf("workshop = %+v", w)
	}
	j := ms[1]
	if want := time.Date(2027, 3, 18, 2, 0, 0, 0, time.UTC); !j.Start.Equal(want) || j.Regency != "15.71" {
		t.Errorf("jambi starts %s (want %s) in %s", j.Start.UTC(), want, j.Regency)
	}
}

func TestParseErrors(t *testing.T) {
	const ok = `meetups:
  - id: x-1
    title: T
    province: "15"
    regency: "15.71"
    venue: {name: V}
    start: 2027-03-18 09:00
    end: 2027-03-18 15:00
    capacity: 10
`
	if _, err := Parse(strings.NewReader(ok), atlas(t)); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`province: "15"`, `province: Atlantis`, "unknown province"},
		{`regency: "15.71"`, `regency: Kota Gorontalo`, "unknown regency"},
		{`end: 2027-03-18 15:00`, `end: 2027-03-18 08:00`, "not after start"},
		{`capacity: 10`, `capacity: 0`, "capacity"},
		{`start: 2027-03-18 09:00`, `start: besok pagi`, "not a local time"},
		{`id: x-1`, `id: X 1`, "id must"},
		{`capacity: 10`, "capacity: 10\n    colour: red", "colour"},
		{`capacity: 10`, "capacity: 10\n    status: secret", "status"},
		{`capacity: 10`, "capacity: 10\n    claim_hours: 100", "claim_hours"},
	} {
		_, err := Parse(strings.NewReader(strings.Replace(ok, tc.from, tc.to, 1)), atlas(t))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s → %v, want an error about %q", tc.to, err, tc.want)
		}
	}
	twice := ok + strings.TrimPrefix(ok, "meetups:\n")
	if _, err := Parse(strings.NewReader(twice), atlas(t)); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate id: %v", err)
	}
}
