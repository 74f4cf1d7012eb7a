package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// The bulk lane end to end: entries queued in Redis (store.QueueBulk), sent by the real bot's bulk
// lane to bottest, at the shared rate kept in the real Redis. Bots here are not Run: the lane needs
// no updates.

// bulkWorld is one fake Telegram and one Redis, shared by the bots (replicas) of a test.
type bulkWorld struct {
	t     *testing.T
	API   *bottest.Server
	Redis *redistest.Server
	Store *store.Store
	rdb   redis.UniversalClient
}

func newBulkWorld(t *testing.T) *bulkWorld {
	api, rs := bottest.New(t), redistest.Start(t)
	api.SetRecordCalls(false)
	rdb := rs.Client(t)
	return &bulkWorld{t: t, API: api, Redis: rs, Store: store.New(rdb, ""), rdb: rdb}
}

// replica is one bot process: its own Bot, Redis client and metrics.
func (w *bulkWorld) replica() (*bot.Bot, *store.Store, *e2eBot) {
	w.t.Helper()
	rdb, err := store.Open(w.Redis.URL, 8)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { _ = rdb.Close() })
	st := store.New(rdb, "")
	reg := prometheus.NewRegistry()
	b, err := bot.New(bot.Config{Token: w.API.Token, APIURL: w.API.URL, Users: st, Catalog: locales.MustLoad(),
		Registry: reg, Log: slog.New(slog.NewTextHandler(w.t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		w.t.Fatal(err)
	}
	return b, st, &e2eBot{t: w.t, Metrics: reg}
}

// queue puts one "t" entry per chat into the bulk stream "test".
func (w *bulkWorld) queue(chats ...int64) {
	w.t.Helper()
	entries := make([]map[string]string, len(chats))
	for i, c := range chats {
		entries[i] = map[string]string{"k": "t", "to": strconv.FormatInt(c, 10), "ref": strconv.Itoa(i)}
	}
	if err := w.Store.QueueBulk(context.Background(), "test", entries); err != nil {
		w.t.Fatal(err)
	}
}

// got counts the test messages each chat received.
func (w *bulkWorld) got(chats []int64) map[int]int {
	hist := map[int]int{} // messages received → chats
	for _, c := range chats {
		n := 0
		for _, m := range w.API.Chat(c) {
			if strings.HasPrefix(m.Text, "Halo ") {
				n++
			}
		}
		hist[n]++
	}
	return hist
}

func chatRange(from int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = from + int64(i)
	}
	return out
}

// testKind sends "Halo <ref>" and records every Done. skip lists chats to skip; fail makes Message
// fail for good for a chat.
type testKind struct {
	mu    sync.Mutex
	done  map[string][]bot.BulkOutcome // entry id → outcomes told
	skip  map[string]bool
	block chan struct{} // if set, Done of entry "ref" == blockRef waits on it
	ref   string
}

func newTestKind() *testKind {
	return &testKind{done: map[string][]bot.BulkOutcome{}, skip: map[string]bool{}}
}

func (k *testKind) Message(_ context.Context, m flows.Outbound) (bot.BulkMessage, error) {
	if k.skip[m.Fields["to"]] {
		return bot.BulkMessage{Skip: true}, nil
	}
	btn := [][]flows.Button{{{Text: locales.Msg("home.menu"), Data: "h"}}}
	return bot.BulkMessage{Lang: locales.ID, Reply: flows.Reply{Text: locales.Text{Raw: "Halo " + m.Fields["ref"]}, Buttons: btn}}, nil
}

func (k *testKind) Done(ctx context.Context, m flows.Outbound, o bot.BulkOutcome) error {
	if k.block != nil && m.Fields["ref"] == k.ref {
		select { // a process that dies between the send and the acknowledgement
		case <-k.block:
			return errors.New("dead")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.done[m.Fields["to"]] = append(k.done[m.Fields["to"]], o)
	return nil
}

func (k *testKind) outcomes() map[bot.BulkOutcome]int {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[bot.BulkOutcome]int{}
	for _, os := range k.done {
		for _, o := range os {
			out[o]++
		}
	}
	return out
}

// Every outcome: sent, skipped, blocked (marked inactive), chat not found, a 400 (failed, dead
// letter), a 5xx (retried, then sent), an unknown kind (dead letter); Done once for each.
func TestBulkOutcomes(t *testing.T) {
	parallel(t)
	w := newBulkWorld(t)
	ctx := context.Background()
	b, st, m := w.replica()
	kind := newTestKind()
	chats := chatRange(700_001, 8)
	// In queue order: chats[0] meets a 500, chats[1] a 400 (bottest's injected faults come first).
	blocked, missing, skipped := chats[2], chats[3], chats[4]
	w.API.BlockUser(blocked)
	w.rdb.HSet(ctx, "ab:{u:700003}:profile", "n", "Budi") // a profile to mark inactive
	w.API.MissingChat(missing)
	kind.skip[strconv.FormatInt(skipped, 10)] = true
	w.queue(chats...)
	if err := w.Store.QueueBulk(ctx, "test", []map[string]string{{"k": "zz", "to": "700100"}}); err != nil {
		t.Fatal(err)
	}
	// The first send answers 500 (retried), the second 400 (failed for good).
	w.API.FailNext("sendMessage", 1, 500, 0)
	w.API.FailNext("sendMessage", 1, 400, 0)
	lane := b.BulkLane(st, map[string]bot.BulkKind{"t": kind}, b.NewBulkRate(st, 100), bot.BulkConfig{Lane: bot.LaneConfig{
		Lease: time.Second, Backoff: func(int64) time.Duration { return time.Second }}})
	if err := lane.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// The 500 one is due again after its backoff (the lease here).
	waitFor(t, "the retried entry", func() bool {
		_ = lane.RunOnce(ctx)
		kind.mu.Lock()
		defer kind.mu.Unlock()
		return len(kind.done["700001"]) > 0
	})
	want := map[bot.BulkOutcome]int{bot.BulkSent: 4, bot.BulkSkipped: 1, bot.BulkBlocked: 1, bot.BulkNotFound: 1, bot.BulkFailed: 1}
	if got := kind.outcomes(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	for chat, os := range kind.done {
		if len(os) != 1 {
			t.Errorf("chat %s: Done told %v, want once", chat, os)
		}
	}
	dl, err := w.Store.DeadLetters(ctx, 10)
	if err != nil || len(dl) != 2 {
		t.Fatalf("dead letters %+v %v: want the 400 and the unknown kind", dl, err)
	}
	reasons := dl[0].Error + " | " + dl[1].Error
	if !strings.Contains(reasons, `unknown kind "zz"`) || !strings.Contains(reasons, "injected failure") {
		t.Errorf("dead-letter reasons %q", reasons)
	}
	if a, _ := w.rdb.HGet(ctx, "ab:{u:700003}:profile", "a").Result(); a != "0" {
		t.Errorf("blocked alumnus not marked inactive: a=%q", a)
	}
	if got := m.Metric("alumnibot_bulk_messages_total", "kind", "t", "outcome", "sent"); got != 4 {
		t.Errorf("sent metric %v, want 4", got)
	}
	if got := m.Metric("alumnibot_bulk_messages_total", "kind", "t", "outcome", "blocked"); got != 1 {
		t.Errorf("blocked metric %v, want 1", got)
	}
	// The buttons went with the text.
	if msg, ok := w.API.LastMessage(chats[5]); !ok || len(msg.Buttons) != 1 {
		t.Errorf("message with buttons: %+v", msg)
	}
}
