package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// The cancelled-meetup hole, closed: capacity 1, Hujaipah gives up her seat, Vita is offered it, a
// super-admin cancels the meetup, and Vita taps the old "Ambil kursi" button (then a forged one): no
// seat, no ticket, and she is told the meetup is closed.
func TestOldClaimButtonOnACancelledMeetup(t *testing.T) {
	parallel(t)
	c := e2e.Start(t, withClockStep(time.Minute)) // the two taps are not one double tap
	ctx := context.Background()
	atlas, _ := demoMeetups(t)
	rina := c.Alumnus("Rina", "id")
	deskBot(t, rina)
	m, err := c.Store.Meetup(ctx, "jambi-2027")
	if err != nil {
		t.Fatal(err)
	}
	m.Capacity = 1
	if err := c.Store.SaveMeetup(ctx, *m); err != nil {
		t.Fatal(err)
	}
	hujaipah := c.Alumnus("Hujaipah", "id").Onboard()
	vita := c.Alumnus("Vita", "id").Onboard()
	hujaipah.Send("/start ev_jambi-2027").Tap("🙋 Aku ikut")
	vita.Send("/start ev_jambi-2027").Tap("⏳ Masuk daftar tunggu")
	hujaipah.Send("/batal").Tap("Temu Alumni Jambi").Tap("Ya, batalkan")
	sendNotices := func() {
		t.Helper()
		if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
			t.Fatal(err)
		}
	}
	sendNotices()
	vita.Expect("Kabar baik! Ada kursi kosong untukmu di Temu Alumni Jambi")
	offer, claim := vita.Button("🎟 Ambil kursi")

	rina.Send("/admin").Tap("❌ Batalkan acara").Tap("Temu Alumni Jambi").
		Tap("Ya, batalkan acara").Expect("Temu Alumni Jambi sudah dibatalkan")
	sendNotices()
	vita.Expect("Maaf, Temu Alumni Jambi (Kamis, 18 Maret 2027 pukul 09.00–15.00 WIB) dibatalkan")

	for _, tap := range []struct {
		msg  int
		data string
	}{
		{offer.ID, claim.Data}, // the old button
		{1, flows.GlobalButton(locales.Msg("btn.claim"), "claim", "jambi-2027").Data}, // forged on another message
	} {
		before := vita.Messages()
		vita.TapData(tap.msg, tap.data)
		if countMessages(c.API.Chat(vita.ID)[before:], "Acara ini sudah tidak menerima peserta") != 1 {
			t.Fatalf("tap %q: not told the meetup is closed\n%s", tap.data, vita.Transcript())
		}
		if n := countMessages(c.API.Chat(vita.ID), "Kode check-in"); n != 0 {
			t.Fatalf("tap %q: Vita got a ticket\n%s", tap.data, vita.Transcript())
		}
	}
	seat, err := c.Store.SeatOf(ctx, "jambi-2027", vita.ID)
	if err != nil || seat.Status != flows.SeatNone {
		t.Fatalf("Vita holds %+v, %v", seat, err)
	}
	av, err := c.Store.Availability(ctx, "jambi-2027")
	if err != nil || av.Confirmed+av.Offered+av.Waitlisted != 0 {
		t.Fatalf("availability %+v, %v: want nobody going, offered or waiting", av, err)
	}
	sendNotices()
	if n := countMessages(c.API.Chat(vita.ID), "Maaf, Temu Alumni Jambi"); n != 1 {
		t.Fatalf("Vita told of the cancellation %d times", n)
	}
	unprompted := func(m bottest.Message) bool {
		return strings.Contains(m.Text, "Kabar baik") || strings.HasPrefix(m.Text, "Maaf, Temu Alumni Jambi")
	}
	for _, u := range []*e2eUser{rina, hujaipah, vita} {
		checkShape(t, u, unprompted)
	}
}
