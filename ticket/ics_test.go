package ticket_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// now is when the tests send the file: a morning in Gorontalo, a month before the meetup.
var now = time.Date(2027, 1, 4, 8, 15, 0, 0, time.UTC)

// demo returns a demo meetup and its venue's zone.
func demo(t *testing.T, id string) (flows.Meetup, *time.Location) {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := meetupfile.Demo(atlas)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == id {
			p, ok := atlas.Province(m.Province)
			if !ok {
				t.Fatalf("meetup %s: no province %s", id, m.Province)
			}
			return m, p.Zone
		}
	}
	t.Fatalf("no demo meetup %s", id)
	return flows.Meetup{}, nil
}

func calendar(t *testing.T, m flows.Meetup, zone *time.Location, now time.Time) []byte {
	t.Helper()
	out, err := ticket.ICS(m, zone, now)
	if err != nil {
		t.Fatalf("ICS(%s): %v", m.ID, err)
	}
	checkLines(t, out)
	return out
}

// checkLines holds the file to RFC 5545 §3.1: CRLF after every line, none longer than 75 octets,
// no fold inside a UTF-8 character.
func checkLines(t *testing.T, out []byte) {
	t.Helper()
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Error("the file does not end in CRLF")
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\r\n")), []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if !utf8.Valid(line) {
			t.Errorf("line %d is folded inside a UTF-8 character: %q", i+1, line)
		}
	}
}

func TestICSGorontaloIsAt0100UTC(t *testing.T) {
	m, zone := demo(t, "gorontalo-2027")
	out := string(calendar(t, m, zone, now))
	for _, want := range []string{
		"\r\nDTSTART:20270203T010000Z\r\n", // 09:00 WITA
		"\r\nDTEND:20270203T070000Z\r\n",   // 15:00 WITA
		"\r\nUID:gorontalo-2027@alumnibot\r\n",
		"\r\nDTSTAMP:20270104T081500Z\r\n",
		"\r\nPRODID:-//alumnibot//Temu Alumni//ID\r\n",
		"\r\nMETHOD:PUBLISH\r\n",
		"\r\nSTATUS:CONFIRMED\r\n",
		"\r\nTRIGGER:-PT2H\r\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar lacks %q:\n%s", strings.TrimSpace(want), out)
		}
	}
}

func TestICSJambiIsAt0200UTC(t *testing.T) {
	m, zone := demo(t, "jambi-2027")
	out := string(calendar(t, m, zone, now))
	if !strings.Contains(out, "\r\nDTSTART:20270318T020000Z\r\n") { // 09:00 WIB
		t.Errorf("Jambi's 09:00 WIB is not 02:00 UTC:\n%s", out)
	}
	ev := parse(t, []byte(out))
	if d := ev.Description; !strings.Contains(d, "10.00–11.30 WIB Personal Branding — Paradigm") {
		t.Errorf("Jambi's agenda is not in WIB: %q", d)
	}
}

func TestICSUIDIsStable(t *testing.T) {
	m, zone := demo(t, "gorontalo-2027")
	a := parse(t, calendar(t, m, zone, now))
	edited := m
	edited.Title = "Temu Alumni Gorontalo (pindah tempat)"
	edited.Status = flows.MeetupCancelled
	b := parse(t, calendar(t, edited, zone, now.Add(72*time.Hour)))
	if a.UID != "gorontalo-2027@alumnibot" || b.UID != a.UID {
		t.Errorf("UIDs %q and %q, want gorontalo-2027@alumnibot both times", a.UID, b.UID)
	}
	if again := calendar(t, m, zone, now); !bytes.Equal(again, calendar(t, m, zone, now)) {
		t.Error("the same meetup at the same time gives different files")
	}
}

// event is what a calendar app reads back from the file.
type event struct {
	Method, ProdID, Version                          string
	UID, Summary, Location, Description, Status, Geo string
	Sequence                                         string
	Stamp, Start, End                                time.Time
	Alarms                                           []alarm
}

type alarm struct{ Action, Trigger, Description string }

func parse(t *testing.T, out []byte) event {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parse the calendar back: %v", err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	ev := evs[0]
	prop := func(c *ics.ComponentBase, p ics.ComponentProperty) string {
		if v := c.GetProperty(p); v != nil {
			return v.Value
		}
		return ""
	}
	e := event{
		UID:         prop(&ev.ComponentBase, ics.ComponentPropertyUniqueId),
		Summary:     prop(&ev.ComponentBase, ics.ComponentPropertySummary),
		Location:    prop(&ev.ComponentBase, ics.ComponentPropertyLocation),
		Description: prop(&ev.ComponentBase, ics.ComponentPropertyDescription),
		Status:      prop(&ev.ComponentBase, ics.ComponentPropertyStatus),
		Geo:         prop(&ev.ComponentBase, ics.ComponentPropertyGeo),
		Sequence:    prop(&ev.ComponentBase, ics.ComponentPropertySequence),
	}
	for _, p := range cal.CalendarProperties {
		switch ics.Property(p.IANAToken) {
		case ics.PropertyMethod:
			e.Method = p.Value
		case ics.PropertyProductId:
			e.ProdID = p.Value
		case ics.PropertyVersion:
			e.Version = p.Value
		}
	}
	if e.Stamp, err = ev.GetDtStampTime(); err != nil {
		t.Errorf("DTSTAMP: %v", err)
	}
	if e.Start, err = ev.GetStartAt(); err != nil {
		t.Errorf("DTSTART: %v", err)
	}
	if e.End, err = ev.GetEndAt(); err != nil {
		t.Errorf("DTEND: %v", err)
	}
	for _, a := range ev.Alarms() {
		e.Alarms = append(e.Alarms, alarm{
			Action:      prop(&a.ComponentBase, ics.ComponentPropertyAction),
			Trigger:     prop(&a.ComponentBase, ics.ComponentPropertyTrigger),
			Description: prop(&a.ComponentBase, ics.ComponentPropertyDescription),
		})
	}
	return e
}

func TestICSParsesBack(t *testing.T) {
	m, zone := demo(t, "gorontalo-2027")
	got := parse(t, calendar(t, m, zone, now))
	want := event{
		Method: "PUBLISH", ProdID: "-//alumnibot//Temu Alumni//ID", Version: "2.0",
		UID:      "gorontalo-2027@alumnibot",
		Summary:  "Temu Alumni Gorontalo",
		Location: "ASTON Gorontalo Hotel & Villas, Kota Gorontalo, Gorontalo",
		Description: "Alumni dari 6 kabupaten/kota di Provinsi Gorontalo berkumpul, berbagi cerita sukses, " +
			"dan memberi masukan untuk Prakerja.\n\nAgenda:\n" +
			"10.30–12.00 WITA Strategi Digital Marketing — Lembaga Pelatihan Screenesia",
		Status: "CONFIRMED",
		Stamp:  now,
		Start:  time.Date(2027, 2, 3, 1, 0, 0, 0, time.UTC),
		End:    time.Date(2027, 2, 3, 7, 0, 0, 0, time.UTC),
		Alarms: []alarm{{Action: "DISPLAY", Trigger: "-PT2H", Description: "Temu Alumni Gorontalo"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("calendar read back (-want +got):\n%s", d)
	}
	if !got.Start.Equal(m.Start) || !got.End.Equal(m.End) {
		t.Errorf("times read back %v–%v, want %v–%v", got.Start, got.End, m.Start, m.End)
	}
}

func TestICSCancelledGeoAndAwkwardText(t *testing.T) {
	m, zone := demo(t, "gorontalo-2027")
	m.Status = flows.MeetupCancelled
	m.Title = "Temu Alumni; Gorontalo, edisi \\ khusus"
	m.Venue.Lat, m.Venue.Lon = 0.5432, 123.0589
	m.Venue.Address = ""
	m.Description = "Baris satu\r\nbaris dua\x00"
	m.Workshops = append(m.Workshops, flows.Workshop{
		Title: "Personal Branding", Start: m.Start.Add(4 * time.Hour), End: m.Start.Add(5 * time.Hour),
	})
	got := parse(t, calendar(t, m, zone, now))
	want := event{
		Method: "PUBLISH", ProdID: "-//alumnibot//Temu Alumni//ID", Version: "2.0",
		UID:      "gorontalo-2027@alumnibot",
		Summary:  "Temu Alumni; Gorontalo, edisi \\ khusus",
		Location: "ASTON Gorontalo Hotel & Villas",
		Description: "Baris satu\nbaris dua\n\nAgenda:\n" +
			"10.30–12.00 WITA Strategi Digital Marketing — Lembaga Pelatihan Screenesia\n" +
			"13.00–14.00 WITA Personal Branding",
		Status:   "CANCELLED",
		Sequence: "1",
		Geo:      "0.5432;123.0589",
		Stamp:    now,
		Start:    m.Start.UTC(),
		End:      m.End.UTC(),
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("cancelled meetup read back (-want +got):\n%s", d)
	}
}

func TestICSDraftIsTentative(t *testing.T) {
	m, zone := demo(t, "jambi-2027")
	m.Status = flows.MeetupDraft
	if got := parse(t, calendar(t, m, zone, now)); got.Status != "TENTATIVE" || len(got.Alarms) != 1 {
		t.Errorf("draft meetup: status %q with %d alarms, want TENTATIVE with 1", got.Status, len(got.Alarms))
	}
}

func TestICSRefusesWhatItCannotPlace(t *testing.T) {
	m, zone := demo(t, "gorontalo-2027")
	if _, err := ticket.ICS(m, nil, now); err == nil {
		t.Error("ICS without a zone: no error")
	}
	bad := m
	bad.End = bad.Start
	if _, err := ticket.ICS(bad, zone, now); err == nil {
		t.Error("ICS of a meetup that ends when it starts: no error")
	}
	bad = m
	bad.ID = ""
	if _, err := ticket.ICS(bad, zone, now); err == nil {
		t.Error("ICS of a meetup without an id: no error")
	}
}

// TestICSGolden keeps the whole Gorontalo file in testdata/gorontalo.ics for a reviewer to read;
// go test ./ticket -run Golden -update rewrites it.
func TestICSGolden(t *testing.T) {
	m, zone := demo(t, "gorontalo-2027")
	got := calendar(t, m, zone, now)
	path := filepath.Join("testdata", "gorontalo.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("calendar differs from %s (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}
