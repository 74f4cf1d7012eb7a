package bot_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
)

// Issue 7's "what will be checked", driven through the real bot against the fake Bot API: simulated
// alumni who know only who they are and which meetup they want, and who read the screen the way
// people do — tap what carries their name, province, regency or meetup, follow the emoji signposts
// (✅ to agree, 📅 to see meetups, 🙋 to join), turn a page (›) when their answer is not on it, and
// type only when no button fits. Not a word of the catalog is used.

// persona is a simulated alumnus.
type persona struct {
	name, lang        string
	province, regency string
	wave              int
	meetup            string // the meetup's title
}

// maxTaps is issue 7's bound: from /start to a confirmed seat with its ticket.
const maxTaps = 8

// checkInCode is how a ticket's code looks: six letters and digits.
var checkInCode = regexp.MustCompile(`\b[A-Z0-9]{6}\b`)

// journey plays a persona until a ticket arrives (or the steps run out) and returns the taps and
// the typed messages it took.
func journey(t *testing.T, c *e2eBot, p persona) (u *e2eUser, taps int, typed []string) {
	t.Helper()
	u = c.Alumnus(p.name, p.lang)
	u.Send("/start")
	for step := 0; step < 20; step++ {
		m, ok := c.API.LastMessage(u.ID)
		if !ok {
			t.Fatalf("%s: no answer to /start", p.name)
		}
		if m.Media == "photo" && checkInCode.MatchString(m.Text) && strings.Contains(m.Text, p.meetup) {
			return u, taps, typed
		}
		if b, ok := pick(m, p); ok {
			u.TapData(m.ID, b.Data)
			taps++
			continue
		}
		// No button fits: what is asked is typed — in this journey only the wave is.
		answer := strconv.Itoa(p.wave)
		u.Send(answer)
		typed = append(typed, answer)
	}
	t.Fatalf("%s: no ticket after 20 steps\n%s", p.name, u.Transcript())
	return nil, 0, nil
}

// pick chooses the button a persona taps on a message, by what it says rather than by exact words.
func pick(m bottest.Message, p persona) (bottest.Button, bool) {
	var buttons []bottest.Button
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Data != "" { // a link leaves the chat; nobody needs one to get a seat
				buttons = append(buttons, b)
			}
		}
	}
	for _, want := range []func(string) bool{
		func(l string) bool { return l == p.name || l == p.province || l == p.regency || l == p.meetup },
		func(l string) bool { return strings.HasPrefix(l, "🙋") }, // join
		func(l string) bool { return strings.HasPrefix(l, "✅") }, // agree
		func(l string) bool { return strings.HasPrefix(l, "📅") }, // see the meetups
		func(l string) bool { return strings.HasSuffix(l, "›") }, // the next page of a list
	} {
		for _, b := range buttons {
			if want(b.Text) {
				return b, true
			}
		}
	}
	return bottest.Button{}, false
}

// From /start to a confirmed seat with the ticket in at most 8 taps, in both languages and for an
// alumnus whose province is on the second page: no typed command but /start (Telegram's own Start
// button), only the wave typed; every answer one message plus at most one edit, within 1,000
// characters, with a way forward.
func TestNewAlumnusToTicketInEightTaps(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	_, demo := demoMeetups(t)
	for _, m := range demo {
		if err := c.Store.SaveMeetup(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []persona{
		{"Vita", "id", "Jambi", "Kota Jambi", 27, "Temu Alumni Jambi"},
		{"Dewi", "en", "Gorontalo", "Kabupaten Gorontalo", 12, "Temu Alumni Gorontalo"},
		{"Rahmat", "id", "Kalimantan Timur", "Kota Samarinda", 31, "Temu Alumni Jambi"},
	} {
		u, taps, typed := journey(t, c, p)
		if taps > maxTaps {
			t.Errorf("%s: %d taps to a ticket, want at most %d\n%s", p.name, taps, maxTaps, u.Transcript())
		}
		for _, s := range typed {
			if strings.HasPrefix(s, "/") {
				t.Errorf("%s: had to type the command %s", p.name, s)
			}
		}
		checkShape(t, u, nil)
		var meetup string
		for _, m := range demo {
			if m.Title == p.meetup {
				meetup = m.ID
			}
		}
		if s, err := c.Store.SeatOf(ctx, meetup, u.ID); err != nil || s.Status != flows.SeatConfirmed {
			t.Errorf("%s: seat %+v, %v", p.name, s, err)
		}
		t.Logf("%s (%s): %d taps, typed %q", p.name, p.lang, taps, typed)
	}
}
