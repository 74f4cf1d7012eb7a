package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
)

// rushTimeout bounds waiting for thousands of updates under the race detector; it is a guard against a
// hang, not a speed requirement.
const rushTimeout = 3 * time.Minute

// 5,000 alumni RSVP at once to a meetup with 100 seats, through the real bot: exactly 100 confirmed,
// 4,900 waitlisted with distinct places, each told once; 30 cancellations lead to exactly 30 offers in
// waitlist order, each told once; unclaimed offers expire and pass on, again each told once.
func TestRSVPRushThroughTheBot(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 500
	}
	c := e2e.Start(t, withWorkers(32))
	ctx := context.Background()
	atlas, demo := demoMeetups(t)
	m := demo[1]
	m.ID, m.Capacity = "rush", 100
	if err := c.Store.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	users := make([]bottest.User, n)
	for i := range users {
		users[i] = bottest.User{ID: int64(500000 + i), FirstName: fmt.Sprintf("Alumni %d", i), LanguageCode: "id"}
		p := &flows.Profile{Name: users[i].FirstName, Province: "15", Regency: "15.71", Wave: 1 + i%999, Lang: "id", Active: true}
		if err := c.Store.Commit(ctx, flows.Commit{User: users[i].ID, Update: 0, Next: flows.Session{Profile: p}}); err != nil {
			t.Fatal(err)
		}
	}
	settle := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(ctx, rushTimeout)
		defer cancel()
		if err := c.API.WaitIdle(ctx); err != nil {
			t.Fatalf("waiting for the bot: %v (%d updates unconfirmed)", err, c.API.PendingUpdates())
		}
	}
	for _, u := range users {
		c.API.SendText(u, "/start ev_rush")
	}
	settle()
	// Everyone taps "Aku ikut" at once.
	for _, u := range users {
		msg, ok := c.API.LastMessage(u.ID)
		if !ok || len(msg.Buttons) == 0 {
			t.Fatalf("%d has no meetup page", u.ID)
		}
		c.API.SendCallback(u, msg.ID, msg.Buttons[0][0].Data)
	}
	settle()

	av, err := c.Store.Availability(ctx, "rush")
	if err != nil || av.Confirmed != 100 || av.Waitlisted != n-100 {
		t.Fatalf("availability %+v, %v; want 100 confirmed, %d waitlisted", av, err, n-100)
	}
	byPosition := make([]int64, n-100+1)
	var confirmed []int64
	for _, u := range users {
		seat, err := c.Store.SeatOf(ctx, "rush", u.ID)
		if err != nil {
			t.Fatal(err)
		}
		chat := c.API.Chat(u.ID)
		told := countMessages(chat, "✅ Kursimu sudah aman!", "Oke, kamu masuk daftar tunggu Temu Alumni Jambi")
		if told != 1 {
			t.Fatalf("%d was told %d times about their RSVP", u.ID, told)
		}
		// One tap, one new message: the page (edited in place) and the answer, nothing else.
		if len(chat) != 2 || !chat[0].Edited {
			t.Fatalf("%d: the tap left %d messages (page edited: %t), want the page and one answer", u.ID, len(chat), len(chat) > 0 && chat[0].Edited)
		}
		if seat.Status == flows.SeatConfirmed && chat[1].Media != "photo" {
			t.Fatalf("%d: the ticket is a %q message, want the QR photo", u.ID, chat[1].Media)
		}
		switch seat.Status {
		case flows.SeatConfirmed:
			confirmed = append(confirmed, u.ID)
		case flows.SeatWaitlisted:
			if byPosition[seat.Position] != 0 {
				t.Fatalf("waitlist position %d given twice", seat.Position)
			}
			byPosition[seat.Position] = u.ID
		default:
			t.Fatalf("%d: %+v", u.ID, seat)
		}
	}

	// 30 confirmed alumni cancel through /batal.
	userOf := map[int64]bottest.User{}
	for _, u := range users {
		userOf[u.ID] = u
	}
	for _, id := range confirmed[:30] {
		c.API.SendText(userOf[id], "/batal")
	}
	settle()
	for _, id := range confirmed[:30] {
		tapLabel(t, c, userOf[id], "Temu Alumni Jambi")
	}
	settle()
	for _, id := range confirmed[:30] {
		tapLabel(t, c, userOf[id], "Ya, batalkan")
	}
	settle()
	sendNotices := func() {
		t.Helper()
		if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
			t.Fatal(err)
		}
	}
	sendNotices()
	sendNotices() // a second run sends nothing again
	const offerText = "Kabar baik! Ada kursi kosong untukmu di Temu Alumni Jambi"
	for pos := 1; pos <= n-100; pos++ {
		want := 0
		if pos <= 30 {
			want = 1
		}
		if got := countMessages(c.API.Chat(byPosition[pos]), offerText); got != want {
			t.Fatalf("waitlist position %d got %d offers, want %d", pos, got, want)
		}
	}
	// Nobody claims: the offers run out and pass to positions 31..60.
	later := time.Now().Add(365 * 24 * time.Hour) // past any offer made on the bot's clock
	if _, _, err := c.Store.ExpireOffers(ctx, "rush", later, later.Add(flows.DefaultClaimWindow)); err != nil {
		t.Fatal(err)
	}
	sendNotices()
	for pos := 1; pos <= 60; pos++ {
		offers, expired := 1, 0
		if pos <= 30 {
			expired = 1
		}
		if got := countMessages(c.API.Chat(byPosition[pos]), offerText); got != offers {
			t.Fatalf("position %d: %d offers, want %d", pos, got, offers)
		}
		if got := countMessages(c.API.Chat(byPosition[pos]), "Waktu untuk mengambil kursi"); got != expired {
			t.Fatalf("position %d: %d expiry notices, want %d", pos, got, expired)
		}
	}
}

func countMessages(msgs []bottest.Message, substrings ...string) int {
	n := 0
	for _, m := range msgs {
		for _, s := range substrings {
			if strings.Contains(m.Text, s) {
				n++
				break
			}
		}
	}
	return n
}

// tapLabel presses the button with that label on the newest message that has it.
func tapLabel(t *testing.T, c *e2eBot, u bottest.User, label string) {
	t.Helper()
	msgs := c.API.Chat(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Text == label && b.Data != "" {
					c.API.SendCallback(u, msgs[i].ID, b.Data)
					return
				}
			}
		}
	}
	t.Fatalf("%d: no button %q", u.ID, label)
}
