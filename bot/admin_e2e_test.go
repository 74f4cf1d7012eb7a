package bot_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/ticket"
)

// deskBot is a running bot with the organizer desk wired as cmd/alumnibot wires it, the demo meetups
// loaded, and the given users as super-admins. It must be called before any traffic.
func deskBot(t *testing.T, super ...*e2eUser) *ticket.Signer {
	t.Helper()
	c := super[0].c
	signer, err := ticket.NewSigner([]byte("e2e desk check-in secret, 32 bytes"))
	if err != nil {
		t.Fatal(err)
	}
	c.App.Grants, c.App.Desk, c.App.Tickets = c.Store, c.Store, signer
	for _, u := range super {
		c.App.SuperAdmins[u.ID] = true
	}
	_, demo := demoMeetups(t)
	for _, m := range demo {
		if err := c.Store.SaveMeetup(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	return signer
}

// A super-admin appoints an organizer for Jambi, who checks alumni in at the door: by typed code
// (lower case with a space), the same code again, an unknown code, and a scanned ticket. An alumnus
// trying /checkin is refused.
func TestGoldenCheckinID(t *testing.T) { goldenCheckin(t, "id", "checkin_id.txt") }
func TestGoldenCheckinEN(t *testing.T) { goldenCheckin(t, "en", "checkin_en.txt") }

func goldenCheckin(t *testing.T, lang, golden string) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	l := locales.LangFromCode(lang)
	say := func(id string, kv ...any) string {
		tx := locales.Text{ID: id, Args: map[string]any{}}
		for i := 0; i+1 < len(kv); i += 2 {
			tx.Args[kv[i].(string)] = kv[i+1]
		}
		return c.Catalog.Render(l, tx)
	}
	rina := c.Alumnus("Rina", lang) // super-admin
	joko := c.Alumnus("Joko", lang) // becomes an organizer for Jambi
	signer := deskBot(t, rina)
	hujaipah := c.Alumnus("Hujaipah", lang).Onboard()
	vita := c.Alumnus("Vita", lang).Onboard()
	for _, a := range []*e2eUser{hujaipah, vita} {
		a.Send("/start ev_jambi-2027").Tap(say("btn.rsvp"))
	}
	seat := func(u *e2eUser) flows.Seat {
		s, err := c.Store.SeatOf(ctx, "jambi-2027", u.ID)
		if err != nil || s.Status != flows.SeatConfirmed {
			t.Fatalf("seat of %s: %+v %v", u.FirstName, s, err)
		}
		return s
	}
	code := seat(hujaipah).Code

	hujaipah.Send("/checkin " + code).Expect(say("admin.refused"))
	joko.Send("/checkin " + code).Expect(say("admin.refused_new")).Expect(say("onboard.ask_name")) // no profile yet: the way on is onboarding

	rina.Send("/admin").Tap(say("btn.admin_grant")).
		Send(strconv.FormatInt(joko.ID, 10)).
		Send("Jambi").
		Tap(say("btn.admin_grant_yes")).Expect(strconv.FormatInt(joko.ID, 10))

	typed := strings.ToLower(code[:3]) + " " + strings.ToLower(code[3:])
	joko.Send("/checkin").Expect(say("checkin.ask_code")).
		Send(typed).Expect("Hujaipah").
		Send(code).Expect("⚠️").
		Send("ZZZZZZ").Expect("ZZZZZZ").
		Tap(say("btn.checkin_done")).Expect(say("checkin.finished"))
	joko.Send("/start ci_" + signer.Token("jambi-2027", vita.ID, seat(vita).Code)).Expect("Vita").
		Tap(say("btn.checkin_yes")).Expect("Vita")

	for _, a := range []*e2eUser{hujaipah, vita} {
		if _, ok, err := c.Store.CheckedInAt(ctx, "jambi-2027", a.ID); err != nil || !ok {
			t.Errorf("%s is not checked in (%v)", a.FirstName, err)
		}
	}
	checkGolden(t, golden, "== Rina (super-admin) ==\n"+rina.Transcript()+"\n== Joko (organizer) ==\n"+joko.Transcript())
	checkShape(t, rina, nil)
	checkShape(t, joko, nil)
}

// A cancelled meetup: everyone who RSVPd hears it once, in their language, however often the
// organizer's cancellation runs and the notices are sent.
func TestCancelledMeetupIsToldOnce(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	rina := c.Alumnus("Rina", "id")
	deskBot(t, rina)
	vita := c.Alumnus("Vita", "id").Onboard()
	dewi := c.Alumnus("Dewi", "en").Onboard()
	m, err := c.Store.Meetup(ctx, "jambi-2027")
	if err != nil {
		t.Fatal(err)
	}
	m.Capacity = 1 // Vita takes the seat, Dewi waits
	if err := c.Store.SaveMeetup(ctx, *m); err != nil {
		t.Fatal(err)
	}
	vita.Send("/start ev_jambi-2027").Tap("🙋 Aku ikut")
	dewi.Send("/start ev_jambi-2027").Tap(c.Catalog.Render(locales.EN, locales.Text{ID: "btn.join_waitlist"}))

	rina.Send("/admin").Tap("❌ Batalkan acara").Tap("Temu Alumni Jambi").
		Expect("mengabari 2 alumni yang sudah ikut").
		Tap("Ya, batalkan acara").Expect("Temu Alumni Jambi sudah dibatalkan")
	if m, err = c.Store.Meetup(ctx, "jambi-2027"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Store.CancelMeetup(ctx, *m); !errors.Is(err, flows.ErrCancelledBefore) { // a retry
		t.Fatal(err)
	}
	// Vita gives up her seat afterwards: the cancellation withdrew the waiting list, so no seat of a
	// cancelled meetup passes to Dewi, and she hears only of the cancellation.
	if _, offered, err := c.Store.CancelRSVP(ctx, "jambi-2027", vita.ID, m.Start); err != nil || len(offered) != 0 {
		t.Fatalf("cancel RSVP: offered %v, %v", offered, err)
	}
	atlas, _ := demoMeetups(t)
	before := [2]int{vita.Messages(), dewi.Messages()}
	for range 2 {
		if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
			t.Fatal(err)
		}
	}
	vita.Expect("Maaf, Temu Alumni Jambi (Kamis, 18 Maret 2027 pukul 09.00–15.00 WIB) dibatalkan")
	dewi.Expect("Sorry, Temu Alumni Jambi (Thursday, 18 March 2027, 09:00–15:00 WIB) has been cancelled")
	if got := [2]int{vita.Messages(), dewi.Messages()}; got != [2]int{before[0] + 1, before[1] + 1} {
		t.Fatalf("messages before %v, after %v: want one notice each", before, got)
	}
	vita.Send("/tiket").Expect("Kamu belum ikut acara apa pun")
	cancelled := func(m bottest.Message) bool {
		return strings.HasPrefix(m.Text, "Maaf, Temu Alumni Jambi") || strings.HasPrefix(m.Text, "Sorry, Temu Alumni Jambi")
	}
	for _, u := range []*e2eUser{rina, vita, dewi} {
		checkShape(t, u, cancelled)
	}
}
