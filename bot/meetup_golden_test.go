package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/locales"
)

// The meetup conversations as golden transcripts: Hujaipah takes the last seat, Vita joins the waiting
// list, Hujaipah cancels, Vita is offered the seat and takes it, asks where the venue is, goes back to the meetup, asks for a message
// to invite a friend, then looks at her tickets.
func TestGoldenMeetupsID(t *testing.T) { goldenMeetups(t, "id", "meetups_id.txt") }
func TestGoldenMeetupsEN(t *testing.T) { goldenMeetups(t, "en", "meetups_en.txt") }

func goldenMeetups(t *testing.T, lang, golden string) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	atlas, demo := demoMeetups(t)
	for _, m := range demo {
		if m.ID == "jambi-2027" {
			m.Capacity = 1                               // one seat: the second alumnus waits
			m.Venue.Lat, m.Venue.Lon = -1.6101, 103.6131 // a map pin to send
		}
		if err := c.Store.SaveMeetup(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	l := locales.LangFromCode(lang)
	say := func(id string) string { return c.Catalog.Render(l, locales.Text{ID: id}) }
	hujaipah := c.Alumnus("Hujaipah", lang).Onboard()
	vita := c.Alumnus("Vita", lang).Onboard()

	hujaipah.Send("/acara").Tap("Temu Alumni Jambi").Tap(say("btn.rsvp"))
	vita.Send("/start ev_jambi-2027").Tap(say("btn.join_waitlist"))
	hujaipah.Send("/batal").Tap("Temu Alumni Jambi").Tap(say("btn.cancel_yes"))
	if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
		t.Fatal(err)
	}
	vita.Tap(say("btn.claim")).Tap(say("btn.location")).Tap(say("btn.back_meetup")).Tap(say("btn.share"))
	vita.Tap(say("btn.my_tickets")).Tap("🎫 Temu Alumni Jambi") // the list, then the ticket's own button

	checkGolden(t, golden, "== Hujaipah ==\n"+hujaipah.Transcript()+"\n== Vita ==\n"+vita.Transcript())
	checkShape(t, hujaipah, nil)
	// The seat offered to Vita is sent on its own, after her last tap.
	offer, _, _ := strings.Cut(c.Catalog.Render(l, locales.Msg("notice.offer", "Title", "\x00")), "\x00")
	checkShape(t, vita, func(m bottest.Message) bool { return strings.HasPrefix(m.Text, offer) })
}
