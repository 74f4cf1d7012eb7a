package bot_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/store"
)

// The outbound queue end to end: notices queued by the store's scripts, sent by lanes of the real bot
// to bottest. Alumni who never talked to the bot are fine here: bottest opens their chat on the first
// message, and a notice without a profile is in Indonesian.

const changedText = "Ada perubahan untuk Temu Alumni"

// queueWorld saves the demo meetups and gives each of them holders: ids from 500_001 at Jambi (its
// seats are plenty) and from 600_001 at Gorontalo.
func queueWorld(t *testing.T, c *e2eBot, perMeetup int) (jambi, gorontalo []int64) {
	t.Helper()
	ctx := context.Background()
	_, demo := demoMeetups(t)
	for _, m := range demo {
		if err := c.Store.SaveMeetup(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for i := range perMeetup {
		for _, h := range []struct {
			meetup string
			ids    *[]int64
			base   int64
		}{{"jambi-2027", &jambi, 500_001}, {"gorontalo-2027", &gorontalo, 600_001}} {
			id := h.base + int64(i)
			if _, err := c.Store.Reserve(ctx, h.meetup, id, e2eBotClockStart); err != nil {
				t.Fatal(err)
			}
			*h.ids = append(*h.ids, id)
		}
	}
	return jambi, gorontalo
}

func tellChanged(t *testing.T, c *e2eBot, meetups ...string) {
	t.Helper()
	for _, m := range meetups {
		if _, err := c.Store.TellHolders(context.Background(), m, flows.NoticeChanged); err != nil {
			t.Fatal(err)
		}
	}
}

// told counts the change notices each alumnus got.
func told(c *e2eBot, ids ...int64) map[int64]int {
	out := map[int64]int{}
	for _, id := range ids {
		out[id] = countMessages(c.API.Chat(id), changedText)
	}
	return out
}

func xadd(t *testing.T, rdb redis.UniversalClient, meetup string, fields map[string]string) {
	t.Helper()
	vals := make([]any, 0, 2*len(fields))
	for k, v := range fields {
		vals = append(vals, k, v)
	}
	if err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: "ab:{mt:" + meetup + "}:q", Values: vals}).Err(); err != nil {
		t.Fatal(err)
	}
}

// A notice Telegram rejects with 400 for ever, and an entry that does not decode, each first in its
// meetup's queue: every other notice of both meetups goes out in the same run; the two are in the
// dead-letter record with their errors, and counted.
func TestNoticeFailingFor400DoesNotStopTheOthers(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	rdb := c.Redis.Client(t)
	// Chat 0 does not exist: "Bad Request: chat not found", every time.
	xadd(t, rdb, "jambi-2027", flows.Notice{Kind: flows.NoticeChanged, Meetup: "jambi-2027", Alumnus: 0}.Fields())
	xadd(t, rdb, "gorontalo-2027", map[string]string{"v": "9", "kind": "changed", "alumnus": "1"})
	jambi, gorontalo := queueWorld(t, c, 3)
	tellChanged(t, c, "jambi-2027", "gorontalo-2027")

	atlas, _ := demoMeetups(t)
	if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
		t.Fatal(err)
	}
	for id, n := range told(c, append(jambi, gorontalo...)...) {
		if n != 1 {
			t.Errorf("alumnus %d told %d times, want once", id, n)
		}
	}
	dl, err := c.Store.DeadLetters(ctx, 10)
	if err != nil || len(dl) != 2 {
		t.Fatalf("dead letters %+v, %v", dl, err)
	}
	errs := map[string]string{}
	for _, d := range dl {
		errs[d.Fields["v"]+"/"+d.Fields["alumnus"]] = d.Error
		if d.Lane != "notices" || d.Attempts != 1 {
			t.Errorf("dead letter %+v", d)
		}
	}
	if !strings.Contains(errs["1/0"], "chat not found") || !strings.Contains(errs["9/1"], "version") {
		t.Errorf("dead-letter errors %q", errs)
	}
	for name, want := range map[string]float64{
		"alumnibot_queue_dead_lettered_total": 2, "alumnibot_queue_delivered_total": 6,
		"alumnibot_queue_pending": 0, "alumnibot_queue_oldest_seconds": 0,
	} {
		if got := c.Metric(name, "lane", "notices"); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if _, body := c.Get("/metrics"); !strings.Contains(body, `alumnibot_queue_dead_lettered_total{lane="notices"} 2`) {
		t.Errorf("/metrics does not count the dead letters:\n%s", body)
	}
	// Nothing is left: a second run sends nothing.
	if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
		t.Fatal(err)
	}
	if got := c.API.CallsTo("sendMessage"); len(got) != 7 { // 6 sent, 1 rejected
		t.Errorf("%d sendMessage calls, want 7", len(got))
	}
	if qs, _ := c.Store.QueueStreams(ctx, store.NoticesLane); len(qs) != 0 {
		t.Errorf("registry still lists %v", qs)
	}
}

// A 5xx is tried again after a backoff, then dead-lettered after the last attempt.
func TestNoticeRetriedAfterServerErrors(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	jambi, _ := queueWorld(t, c, 1)
	lane := c.Bot.NoticesLane(c.Store, c.App, bot.LaneConfig{MaxAttempts: 3})
	bot.SetLaneLease(lane, 0) // a backoff of 0: due again at the next run

	tellChanged(t, c, "jambi-2027")
	c.API.FailNext("sendMessage", 1, 500, 0)
	if err := lane.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := told(c, jambi...)[jambi[0]]; n != 0 {
		t.Fatalf("told %d times through a 500", n)
	}
	if got := c.Metric("alumnibot_queue_retried_total", "lane", "notices"); got != 1 {
		t.Fatalf("retried %v, want 1", got)
	}
	if got := c.Metric("alumnibot_queue_pending", "lane", "notices"); got != 1 {
		t.Fatalf("pending %v, want 1", got)
	}
	if err := lane.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := told(c, jambi...)[jambi[0]]; n != 1 {
		t.Fatalf("told %d times after the retry, want once", n)
	}

	// Failing every time: three attempts, then the dead-letter record.
	tellChanged(t, c, "jambi-2027")
	c.API.FailNext("sendMessage", 3, 502, 0)
	for range 3 {
		if err := lane.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	dl, err := c.Store.DeadLetters(ctx, 10)
	if err != nil || len(dl) != 1 || dl[0].Attempts != 3 || !strings.Contains(dl[0].Error, "after 3 attempts") ||
		!strings.Contains(dl[0].Error, "Bad Gateway") {
		t.Fatalf("dead letters %+v, %v", dl, err)
	}
	if got := c.Metric("alumnibot_queue_pending", "lane", "notices"); got != 0 {
		t.Fatalf("pending %v, want 0", got)
	}
}

// 403: the alumnus is marked inactive and the notice is done. 429: sending pauses and the notices
// stay queued, untried, and go out once the pause is over.
func TestNoticeBlockedAndFlooded(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	atlas, _ := demoMeetups(t)
	vita := c.Alumnus("Vita", "id").Onboard()
	jambi, _ := queueWorld(t, c, 2)
	if _, err := c.Store.Reserve(ctx, "jambi-2027", vita.ID, e2eBotClockStart); err != nil {
		t.Fatal(err)
	}
	c.API.BlockUser(vita.ID)
	tellChanged(t, c, "jambi-2027")
	before := len(c.API.CallsTo("sendMessage"))
	c.API.FailNext("sendMessage", 1, 429, 30)
	if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
		t.Fatal(err)
	}
	if got := c.Metric("alumnibot_queue_pending", "lane", "notices"); got != 3 {
		t.Fatalf("pending %v after a 429, want all 3", got)
	}
	if dl, _ := c.Store.DeadLetters(ctx, 10); len(dl) != 0 {
		t.Fatalf("dead letters after a 429: %+v", dl)
	}
	if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil { // still paused: nothing tried
		t.Fatal(err)
	}
	if calls := len(c.API.CallsTo("sendMessage")); calls != before+1 {
		t.Fatalf("%d sendMessage calls during the pause", calls)
	}
	bot.EndPause(c.Bot)
	if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
		t.Fatal(err)
	}
	for id, n := range told(c, jambi...) {
		if n != 1 {
			t.Errorf("alumnus %d told %d times, want once", id, n)
		}
	}
	if p := c.Profile(vita); p.Active {
		t.Error("Vita blocked the bot and is still active")
	}
	if got := c.Metric("alumnibot_queue_pending", "lane", "notices"); got != 0 {
		t.Errorf("pending %v, want 0", got)
	}
	if got := c.Metric("alumnibot_updates_total", "kind", "blocked"); got != 1 {
		t.Errorf("blocked %v, want 1", got)
	}
}

// Two replicas' consumers at once: the group hands each notice to one of them.
func TestTwoNotifiersShareTheQueue(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	jambi, gorontalo := queueWorld(t, c, 60)
	tellChanged(t, c, "jambi-2027", "gorontalo-2027")
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b"} {
		lane := c.Bot.NoticesLane(c.Store, c.App, bot.LaneConfig{Consumer: name, Batch: 7})
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := lane.RunOnce(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for id, n := range told(c, append(jambi, gorontalo...)...) {
		if n != 1 {
			t.Errorf("alumnus %d told %d times, want once", id, n)
		}
	}
}

// One notifier is killed in the middle of a notice, after sending it and before acknowledging it,
// holding the rest of its batch. The other takes its notices over once they were idle for the lease
// (0 here): every notice is delivered, and only the one in flight twice.
func TestNotifierKilledMidRunIsTakenOver(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	jambi, gorontalo := queueWorld(t, c, 5)
	tellChanged(t, c, "jambi-2027", "gorontalo-2027")

	a := c.Bot.NoticesLane(c.Store, c.App, bot.LaneConfig{Consumer: "a"})
	var sent int
	bot.WrapLaneDeliver(a, func(next func(context.Context, flows.Outbound) error) func(context.Context, flows.Outbound) error {
		return func(ctx context.Context, m flows.Outbound) error {
			if err := next(ctx, m); err != nil {
				return err
			}
			sent++
			runtime.Goexit() // killed: no acknowledgement, no giving back
			return nil
		}
	})
	done := make(chan struct{})
	go func() { defer close(done); _ = a.RunOnce(ctx) }()
	<-done
	if sent != 1 {
		t.Fatalf("a sent %d before dying", sent)
	}

	b := c.Bot.NoticesLane(c.Store, c.App, bot.LaneConfig{Consumer: "b"})
	bot.SetLaneLease(b, 0)
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	twice := 0
	for id, n := range told(c, append(jambi, gorontalo...)...) {
		switch n {
		case 1:
		case 2:
			twice++
		default:
			t.Errorf("alumnus %d told %d times", id, n)
		}
	}
	if twice != 1 {
		t.Errorf("%d alumni told twice, want only the one in flight", twice)
	}
	st, err := c.Store.QueueStats(ctx, store.NoticesLane)
	if err != nil || st.Pending != 0 {
		t.Fatalf("after the takeover %+v, %v", st, err)
	}
	// The dead consumer's pending list is empty: nothing will come again.
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(c.API.CallsTo("sendMessage")); got != 10+twice {
		t.Errorf("%d sendMessage calls, want %d", got, 10+twice)
	}
}
