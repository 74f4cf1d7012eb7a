package bot_test

import (
	"context"
	"strings"
	"testing"
)

// In polling mode one chat whose replies hang (a slow upload, a 429 pause: here bottest holds its
// sendMessage until the test lets it go) holds only itself: the other chats of its batch are answered,
// updates that arrive meanwhile are fetched and answered, the slow chat's own next message waits its
// turn, and the offset confirmed to Telegram never passes the held update until it was applied.
func TestPollingSlowChatHoldsOnlyItself(t *testing.T) {
	parallel(t)
	// A first process, stopped at once: the updates below then wait in Telegram's queue and reach the
	// second process in one getUpdates batch.
	first := e2e.Start(t)
	waitFor(t, "the first process to poll", func() bool { return len(first.API.Offsets()) > 0 })
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	api := first.API
	slow := first.Alumnus("Lambat", "id")
	var others []*e2eUser
	for range 6 {
		others = append(others, first.Alumnus("Cepat", "id"))
	}
	gate := api.Hold("sendMessage", slow.ID)
	defer gate.Release()
	held := api.SendText(slow.User, "/start")
	for _, o := range others {
		api.SendText(o.User, "/start")
	}
	// Two workers: with chats hashed onto shards, some of the six would share the slow chat's.
	c := e2e.Start(t, sharing(first), withWorkers(2))
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	if err := gate.WaitHeld(ctx, 1); err != nil {
		t.Fatalf("the slow chat's reply never started: %v", err)
	}
	for _, o := range others {
		if err := api.WaitEvents(ctx, o.ID, 1); err != nil {
			t.Fatalf("another chat of the batch was not answered while one chat hangs: %v\n%s", err, o.Transcript())
		}
	}
	// New updates while the slow chat hangs: another chat's is answered, the slow chat's next waits.
	late := first.Alumnus("Telat", "id")
	api.SendText(late.User, "/start")
	next := api.SendText(slow.User, "Lambat") // its name, answering the question the held update asks
	if err := api.WaitEvents(ctx, late.ID, 1); err != nil {
		t.Fatalf("an update that came while one chat hangs was not answered: %v\n%s", err, late.Transcript())
	}
	if n := api.BotEvents(slow.ID); n != 0 {
		t.Fatalf("the slow chat got %d answers while its first reply hangs:\n%s", n, slow.Transcript())
	}
	for i, off := range api.Offsets() {
		if off > held {
			t.Fatalf("getUpdates #%d confirmed offset %d past the update %d still being applied", i+1, off, held)
		}
	}

	gate.Release()
	c.Settle()
	var sends []string
	for _, ev := range api.Events(slow.ID) {
		if ev.Kind == "send" {
			sends = append(sends, ev.Msg.Text)
		}
	}
	want := []string{"Siapa nama kamu", "Salam kenal, Lambat"} // each a greeting or acknowledgement and a question
	if len(sends) != len(want) {
		t.Fatalf("the slow chat got %d messages, want %d (each update once, in order):\n%s", len(sends), len(want), slow.Transcript())
	}
	for i, w := range want {
		if !strings.Contains(sends[i], w) {
			t.Fatalf("message %d of the slow chat is %q, want it to contain %q:\n%s", i+1, sends[i], w, slow.Transcript())
		}
	}
	// Every other chat was answered before the slow chat's first reply went out.
	slowFirst, lastOther := -1, -1
	for i, call := range api.CallsTo("sendMessage") {
		switch {
		case call.ChatID == slow.ID && slowFirst < 0:
			slowFirst = i
		case call.ChatID != slow.ID && call.ChatID != late.ID:
			lastOther = i
		}
	}
	if slowFirst < lastOther {
		t.Errorf("the slow chat's reply (send #%d) went out before another chat's (send #%d)", slowFirst+1, lastOther+1)
	}
	offs := api.Offsets()
	if last := offs[len(offs)-1]; last <= next {
		t.Errorf("the last offset confirmed is %d, want past %d", last, next)
	}
	if n := c.Metric("alumnibot_updates_total", "kind", "duplicate"); n != 0 {
		t.Errorf("%v updates were handled twice", n)
	}
}
