package bot_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot"
)

// runBulk runs lanes until every chat got its message, then stops them.
func runBulk(t *testing.T, w *bulkWorld, chats []int64, lanes ...*bot.Bulk) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, l := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.Run(ctx, 50*time.Millisecond)
		}()
	}
	defer func() {
		cancel()
		wg.Wait()
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for w.API.SendStats().Sent < len(chats) {
		if time.Now().After(deadline) {
			t.Fatalf("after 2 minutes %d of %d sent", w.API.SendStats().Sent, len(chats))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func checkOnce(t *testing.T, w *bulkWorld, chats []int64) {
	t.Helper()
	if h := w.got(chats); h[1] != len(chats) {
		t.Errorf("messages per chat → chats: %v, want every chat once", h)
	}
}

// The server allows 10 messages in any second while BROADCAST_RATE is 15: after a few 429s the
// shared rate settles just under 10, every message is delivered once, and 429s stay few.
func TestBulkRateConvergesUnderTheServerLimit(t *testing.T) {
	parallel(t)
	w := newBulkWorld(t)
	w.API.SetWindowLimit(10)
	b, st, m := w.replica()
	chats := chatRange(710_001, 120)
	w.queue(chats...)
	lane := b.BulkLane(st, map[string]bot.BulkKind{"t": newTestKind()}, b.NewBulkRate(st, 15), bot.BulkConfig{Senders: 2})
	runBulk(t, w, chats, lane)
	checkOnce(t, w, chats)
	stats := w.API.SendStats()
	state, err := w.Store.BulkRateState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sent in %v (%.1f/s), %d refused; shared rate now %.2f/s (ceiling %.2f), %d lowering 429s; per second %v",
		stats.Sent, stats.Span, stats.Rate(), stats.Refused, state.Rate, state.Ceiling, state.Throttles, w.API.PerSecond())
	if stats.Refused > 7 {
		t.Errorf("%d 429s, want at most 7", stats.Refused)
	}
	if state.Rate < 7 || state.Rate > 10.5 {
		t.Errorf("the shared rate settled at %.2f/s, want from 7 to 10.5 (the server allows 10; slots are spaced for 97 percent)", state.Rate)
	}
	if got := m.Metric("alumnibot_bulk_throttled_total"); got != float64(stats.Refused) {
		t.Errorf("throttled metric %v, want %d", got, stats.Refused)
	}
}

// Three replicas share one rate: in every one-second window of what the server received there are
// at most BROADCAST_RATE+1 messages, and every chat got its message once.
func TestBulkReplicasShareOneRate(t *testing.T) {
	parallel(t)
	w := newBulkWorld(t)
	const rate = 40
	chats := chatRange(720_001, 240)
	w.queue(chats...)
	var lanes []*bot.Bulk
	for i := range 3 {
		b, st, _ := w.replica()
		lanes = append(lanes, b.BulkLane(st, map[string]bot.BulkKind{"t": newTestKind()}, b.NewBulkRate(st, rate),
			bot.BulkConfig{Senders: 2, Lane: bot.LaneConfig{Consumer: "replica-" + string(rune('a'+i)), Batch: 20}}))
	}
	runBulk(t, w, chats, lanes...)
	checkOnce(t, w, chats)
	peak := w.API.MaxInWindow(time.Second, time.Time{}, time.Time{})
	t.Logf("%d sent in %v (%.1f/s); the busiest second held %d; per second %v",
		w.API.SendStats().Sent, w.API.SendStats().Span, w.API.SendStats().Rate(), peak, w.API.PerSecond())
	if peak > rate+1 {
		t.Errorf("a one-second window held %d messages, want at most %d", peak, rate+1)
	}
}

// A replica dies between sending a message and acknowledging it, holding a batch: another takes
// the batch over after the lease; every chat gets its message, one of them twice (the one in flight).
func TestBulkTakeoverAfterACrash(t *testing.T) {
	parallel(t)
	w := newBulkWorld(t)
	chats := chatRange(730_001, 60)
	w.queue(chats...)
	dying := newTestKind()
	dying.block, dying.ref = make(chan struct{}), "4" // the fifth message is sent, then the process "dies"
	defer close(dying.block)
	ba, sta, _ := w.replica()
	a := ba.BulkLane(sta, map[string]bot.BulkKind{"t": dying}, ba.NewBulkRate(sta, 200),
		bot.BulkConfig{Lane: bot.LaneConfig{Consumer: "dying", Lease: time.Second}})
	ctxA, stopA := context.WithCancel(context.Background())
	defer stopA()
	go func() { _ = a.RunOnce(ctxA) }()
	waitFor(t, "the fifth message", func() bool { return len(w.API.Chat(chats[4])) == 1 })

	bb, stb, _ := w.replica()
	b := bb.BulkLane(stb, map[string]bot.BulkKind{"t": newTestKind()}, bb.NewBulkRate(stb, 200),
		bot.BulkConfig{Lane: bot.LaneConfig{Consumer: "heir", Lease: time.Second}})
	waitFor(t, "the heir to finish", func() bool {
		_ = b.RunOnce(context.Background())
		return w.API.SendStats().Sent >= len(chats)+1
	})
	h := w.got(chats)
	if h[1] != len(chats)-1 || h[2] != 1 {
		t.Errorf("messages per chat → chats: %v, want one chat twice (the one in flight) and the rest once", h)
	}
	if n := len(w.API.Chat(chats[4])); n != 2 {
		t.Errorf("the message in flight at the crash arrived %d times, want 2", n)
	}
}
