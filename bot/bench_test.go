//go:build unix

package bot_test

// Benchmarks of the whole pipeline against a bare go-telegram/bot handler doing the same Redis work.
//
// Both push b.N text messages (benchText from an onboarded alumnus, spread over many chats) from a bottest
// server over HTTP long polling, through Redis, to one sendMessage each. The updates are injected and
// the profiles seeded before the timer starts; the timer covers starting the bot, taking every update
// and sending every reply. Besides ns/op and allocs/op they report CPU time per update: this process
// (bot, fake Bot API server and Redis client share it) as cpu-ns/update, the redis-server process as
// redis-cpu-ns/update (INFO cpu; absent on miniredis), and their sum as total-cpu-ns/update.
//
//	go test -run '^$' -bench . -benchtime 5000x -count 6 ./bot/ | tee /tmp/bench.txt
//	benchstat -col /name /tmp/bench.txt   # or: benchstat /tmp/bench.txt

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

const (
	benchWorkers   = 64      // both bots handle this many updates at once (WORKERS' default)
	benchFirstUser = 300_000 // user ids of the benchmark's alumni start here
	benchSeedID    = 1 << 40 // update id of the seeding commits, far from the fake server's ids
	benchPerChat   = 10      // updates per chat at most: well under the flood limit of 20 in 10 s
)

// benchText is what every benchmarked alumnus writes: text the bot answers with its "not understood"
// reply (and the buttons that lead on).
const benchText = "kapan acaranya?"

// benchSetup is a Redis with onboarded alumni and a fake Bot API holding b.N "kapan acaranya?" updates from them.
type benchSetup struct {
	rs     *redistest.Server
	rdb    redis.UniversalClient
	st     *store.Store
	srv    *bottest.Server
	counts map[int64]int // updates per chat
}

// newBenchSetupEmpty is a fresh Redis and a fake Bot API with nothing queued.
func newBenchSetupEmpty(b *testing.B) *benchSetup {
	b.Helper()
	s := &benchSetup{rs: redistest.Start(b), srv: bottest.New(b), counts: map[int64]int{}}
	var err error
	if s.rdb, err = store.Open(s.rs.URL, benchWorkers+16); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.rdb.Close() })
	s.st = store.New(s.rdb, "")
	s.srv.SetRecordCalls(false)
	return s
}

func newBenchSetup(b *testing.B) *benchSetup {
	b.Helper()
	ctx := context.Background()
	s := newBenchSetupEmpty(b)

	chats := (b.N + benchPerChat - 1) / benchPerChat
	now := time.Now().UTC().Truncate(time.Second)
	for i := range chats {
		user := int64(benchFirstUser + i)
		p := &flows.Profile{Name: "Vita", Province: "15", Regency: "15.71", Wave: 27, Lang: locales.ID,
			ConsentAt: now, CreatedAt: now, Active: true}
		if err := s.st.Commit(ctx, flows.Commit{User: user, Update: benchSeedID, Next: flows.Session{Profile: p}, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range b.N {
		u := bottest.User{ID: int64(benchFirstUser + i%chats), FirstName: "Vita", LanguageCode: "id"}
		s.srv.SendText(u, benchText)
		s.counts[u.ID]++
	}
	return s
}

// measure runs start (which starts a bot taking the queued updates) under the timer, waits for every
// reply, and reports CPU per update.
func (s *benchSetup) measure(b *testing.B, start func()) {
	b.Helper()
	ctx := context.Background()
	runtime.GC() // the setup's garbage is not the bot's
	redis0, redisErr := benchRedisCPU(ctx, s.rdb)
	cpu0 := benchProcessCPU(b)
	b.ReportAllocs()
	b.ResetTimer()
	start()
	for chat, n := range s.counts {
		if err := s.srv.WaitEvents(ctx, chat, n); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := benchProcessCPU(b) - cpu0
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/update")
	if redisErr == nil {
		redis1, err := benchRedisCPU(ctx, s.rdb)
		if err == nil {
			rc := redis1 - redis0
			b.ReportMetric(float64(rc.Nanoseconds())/float64(b.N), "redis-cpu-ns/update")
			b.ReportMetric(float64((cpu+rc).Nanoseconds())/float64(b.N), "total-cpu-ns/update")
		}
	}
	// Every reply arrived once: nothing more, nothing else.
	for chat, n := range s.counts {
		if got := s.srv.BotEvents(chat); got != n {
			b.Fatalf("chat %d: %d bot actions for %d updates", chat, got, n)
		}
	}
}

// BenchmarkPipeline is the real bot: our poller, per-chat queues, flows.Engine over store.Store with
// de-duplication, flood control and metrics, the sender with retries.
func BenchmarkPipeline(b *testing.B) {
	s := newBenchSetup(b)
	atlas, err := area.Load()
	if err != nil {
		b.Fatal(err)
	}
	cat := locales.MustLoad()
	bt, err := bot.New(bot.Config{
		Token: s.srv.Token, APIURL: s.srv.URL, Workers: benchWorkers,
		Engine: &flows.Engine{App: &flows.App{Atlas: atlas}, Sessions: s.st}, Users: s.st, Catalog: cat,
		Log: benchLog(),
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	s.measure(b, func() { go func() { done <- bt.Run(ctx) }() })
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	want := cat.Render(locales.ID, locales.Msg("unknown.text"))
	if m, _ := s.srv.LastMessage(benchFirstUser); m.Text != want {
		b.Fatalf("reply %q, want %q", m.Text, want)
	}
}

// BenchmarkBaseline is a bare go-telegram/bot bot: its own poller and worker pool, and a handler that
// does the Redis work of one engine step — the same pipelined reads (HGETALL conv, HGETALL profile,
// INCR+EXPIRE flood counter) and the same commit script (store/commit.lua) with the same arguments —
// and sends the same reply. No per-chat ordering, de-duplication check, state
// decoding, flows, metrics or retries.
func BenchmarkBaseline(b *testing.B) {
	s := newBenchSetup(b)
	ctx := context.Background()
	src, err := os.ReadFile("../store/commit.lua")
	if err != nil {
		b.Fatal(err)
	}
	commit := redis.NewScript(string(src))
	if err := commit.Load(ctx, s.rdb).Err(); err != nil {
		b.Fatal(err)
	}
	cat := locales.MustLoad()
	// The same reply as the pipeline's, buttons included: what the flows answer an onboarded alumnus.
	atlas, err := area.Load()
	if err != nil {
		b.Fatal(err)
	}
	_, res, err := (&flows.App{Atlas: atlas}).Step(ctx, flows.Session{Profile: &flows.Profile{Name: "Vita", Lang: locales.ID, Active: true}},
		flows.Input{UserID: benchFirstUser, Kind: flows.KindText, Text: benchText, Now: time.Now()})
	if err != nil || len(res.Replies) != 1 || res.Replies[0].Text.ID != "unknown.text" {
		b.Fatalf("the flows' answer: %+v, %v", res, err)
	}
	text := cat.Render(locales.ID, res.Replies[0].Text)
	var markup models.ReplyMarkup
	if rows := res.Replies[0].Buttons; len(rows) > 0 {
		kb := make([][]models.InlineKeyboardButton, len(rows))
		for i, row := range rows {
			for _, btn := range row {
				kb[i] = append(kb[i], models.InlineKeyboardButton{Text: cat.Render(locales.ID, btn.Text), CallbackData: btn.Data, URL: btn.URL})
			}
		}
		markup = &models.InlineKeyboardMarkup{InlineKeyboard: kb}
	}
	result, err := json.Marshal(res)
	if err != nil {
		b.Fatal(err)
	}
	conv, err := json.Marshal(flows.Conv{})
	if err != nil {
		b.Fatal(err)
	}
	rdb := s.rdb
	key := func(user int64, suffix string) string {
		return fmt.Sprintf("%s{u:%d}:%s", store.DefaultPrefix, user, suffix)
	}
	handler := func(ctx context.Context, api *tg.Bot, u *models.Update) {
		if u.Message == nil || u.Message.From == nil {
			return
		}
		user := u.Message.From.ID
		flood := key(user, "flood:"+strconv.FormatInt(time.Now().Unix()/10, 10))
		pipe := rdb.Pipeline()
		c := pipe.HGetAll(ctx, key(user, "conv"))
		pipe.HGetAll(ctx, key(user, "profile"))
		pipe.Incr(ctx, flood)
		pipe.Expire(ctx, flood, 20*time.Second)
		if _, err := pipe.Exec(ctx); err != nil && ctx.Err() == nil {
			b.Error(err)
			return
		}
		version, _ := strconv.ParseInt(c.Val()["v"], 10, 64)
		now := time.Now()
		keys := []string{key(user, "conv"), key(user, "profile")}
		args := []any{version, conv, store.ConvTTL.Milliseconds(), u.ID, result, now.UnixMilli(),
			now.Add(store.ClaimTTL).UnixMilli(), store.RecentUpdates, "", "keep"}
		if err := commit.Run(ctx, rdb, keys, args...).Err(); err != nil && ctx.Err() == nil {
			b.Error(err)
			return
		}
		// The fake server counts a reply before its answer is back: the last ones may see the
		// cancellation that ends the benchmark.
		if _, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: text, ReplyMarkup: markup}); err != nil && ctx.Err() == nil {
			b.Error(err)
		}
	}
	pollTimeout := 50 * time.Second
	client := &http.Client{
		Timeout: pollTimeout + 15*time.Second,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        benchWorkers + 8,
			MaxIdleConnsPerHost: benchWorkers + 8,
			IdleConnTimeout:     90 * time.Second,
		},
	}
	api, err := tg.New(s.srv.Token,
		tg.WithServerURL(s.srv.URL),
		tg.WithHTTPClient(pollTimeout, client),
		tg.WithSkipGetMe(),
		tg.WithWorkers(benchWorkers),
		tg.WithNotAsyncHandlers(),
		tg.WithDefaultHandler(handler),
		tg.WithErrorsHandler(func(err error) {
			if !strings.Contains(err.Error(), "context canceled") {
				b.Log(err)
			}
		}),
	)
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.measure(b, func() {
		go func() {
			defer close(done)
			api.Start(runCtx)
		}()
	})
	cancel()
	<-done
}

func benchLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// benchProcessCPU is this process's user + system CPU time so far.
func benchProcessCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchRedisCPU is the Redis server's CPU time so far, from INFO cpu.
func benchRedisCPU(ctx context.Context, rdb redis.UniversalClient) (time.Duration, error) {
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, err
	}
	var secs float64
	n := 0
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, err
			}
			secs += f
			n++
		}
	}
	if n != 2 {
		return 0, fmt.Errorf("no CPU figures in INFO cpu")
	}
	return time.Duration(secs * float64(time.Second)), nil
}
