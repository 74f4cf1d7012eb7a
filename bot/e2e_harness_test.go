package bot_test

// The end-to-end harness: the real bot (bot.New + Run, long polling or webhook) against the fake Bot API
// of bottest and a real Redis from redistest, with the real flows, area data, locales and store. Tests
// read like conversations:
//
//	c := e2e.Start(t)
//	vita := c.Alumnus("Vita", "id")
//	vita.Send("/start").Expect("Selamat datang").Tap("Vita").Expect("provinsi mana")
//
// Send and Tap inject an update and return once the bot is done with it: in polling mode once bottest
// saw the update confirmed by a later getUpdates (the poller confirms a batch only after its updates were
// applied and answered) and no API call is in flight; in webhook mode once Deliver got its answer. Nothing
// sleeps: every wait is on a condition with a bounded timeout.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/store"
	"github.com/alumnibot/alumnibot/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/ instead of comparing with them")

// Bounds of the harness's waits. They only cap a wait that would otherwise hang; no test asserts them.
const (
	settleTimeout = 20 * time.Second // for the bot to finish what was injected
	stopTimeout   = 30 * time.Second // for Run to return after its context was cancelled
)

// e2e is the harness: e2e.Start(t, options...) runs a bot for one test.
var e2e e2eHarness

type e2eHarness struct{}

// e2eOption changes how Start builds the bot.
type e2eOption func(*e2eConfig)

type e2eConfig struct {
	secret    string // webhook mode when not ""
	wrap      func(bot.Engine) bot.Engine
	clockStep time.Duration
	workers   int
	share     *e2eBot // reuse its fake Telegram and Redis
	modChat   int64   // MODERATION_CHAT_ID; 0: none (story_e2e_test.go)
	renewal   time.Duration
	retries   []time.Duration // HandleRetries
}

// withWebhook runs the bot in webhook mode with this secret token; Send and Tap deliver by POST.
func withWebhook(secret string) e2eOption { return func(c *e2eConfig) { c.secret = secret } }

// withEngine wraps the real engine, e.g. to inject faults.
func withEngine(wrap func(bot.Engine) bot.Engine) e2eOption {
	return func(c *e2eConfig) { c.wrap = wrap }
}

// withClockStep sets how far the bot's clock moves per update (default one second, so that a long
// scripted conversation never trips the flood limit of flows.FloodLimit inputs per flows.FloodWindow).
func withClockStep(d time.Duration) e2eOption { return func(c *e2eConfig) { c.clockStep = d } }

// withHandleRetries sets the pauses before applying an update again after a transient failure.
func withHandleRetries(ds ...time.Duration) e2eOption { return func(c *e2eConfig) { c.retries = ds } }

// withClaimRenewal renews the claims on replies being sent this often (real time).
func withClaimRenewal(d time.Duration) e2eOption { return func(c *e2eConfig) { c.renewal = d } }

// sharing makes the new bot a second process of the same deployment: it talks to prev's fake Telegram
// and Redis (prev should be stopped first: only one process may long-poll).
func sharing(prev *e2eBot) e2eOption { return func(c *e2eConfig) { c.share = prev } }

// withWorkers sets bot.Config.Workers.
func withWorkers(n int) e2eOption { return func(c *e2eConfig) { c.workers = n } }

// e2eBot is one running bot with its fake Telegram and its Redis.
type e2eBot struct {
	t       *testing.T
	API     *bottest.Server
	Redis   *redistest.Server
	Store   *store.Store
	App     *flows.App // the flows' wiring: tests may set SuperAdmins before traffic
	Bot     *bot.Bot
	Metrics *prometheus.Registry
	Catalog *locales.Catalog

	hookURL string // where Deliver posts in webhook mode; "" when polling
	secret  string

	nextUser atomic.Int64
	cancel   context.CancelFunc
	done     chan error // receives Run's result once
	stopOnce sync.Once
	runErr   error
}

// e2eHookPath is the webhook path the bot serves in webhook mode.
const e2eHookPath = "/tg/hook"

// e2eBotClockStart is the bot's clock at its first update: Thursday 19 September 2024, 09:00 WIB.
var e2eBotClockStart = time.Date(2024, 9, 19, 2, 0, 0, 0, time.UTC)

// Start runs a bot until the end of the test; Run must then return nil.
func (e2eHarness) Start(t *testing.T, opts ...e2eOption) *e2eBot {
	t.Helper()
	// Two quick retries after a transient failure: the path is taken, the outage tests stay short.
	cfg := e2eConfig{clockStep: time.Second, workers: 8, retries: []time.Duration{10 * time.Millisecond, 10 * time.Millisecond}}
	for _, o := range opts {
		o(&cfg)
	}
	var api *bottest.Server
	var rs *redistest.Server
	if cfg.share != nil {
		api, rs = cfg.share.API, cfg.share.Redis
	} else {
		api, rs = bottest.New(t), redistest.Start(t)
	}
	// Polling mode: an update leaves bottest's queue only when a getUpdates after its handling confirms
	// it, so "queue empty and no call in flight" is exact; no quiet period is needed.
	api.SetQuietPeriod(0)
	// The bot's Redis client is built as cmd/alumnibot builds it.
	rdb, err := store.Open(rs.URL, cfg.workers+16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	st := store.New(rdb, "")
	var codeSeq atomic.Int64
	st.SetCodeSource(func() string { // predictable check-in codes keep golden transcripts stable
		n := codeSeq.Add(1)
		b := []byte("KMQ2P7")
		b[5] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"[n%31]
		b[4] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"[(n/31)%31]
		return string(b)
	})
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat := locales.MustLoad()
	app := &flows.App{Atlas: atlas, Meetups: st, Roles: st, SuperAdmins: map[int64]bool{}, BotUsername: bottest.BotUsername,
		Grants: st, Desk: st, Writer: st, Reports: st, Privacy: st}
	app.Surveys, app.ButtonKey = st, []byte("e2e button key, 32 bytes long!!")
	app.Stories, app.ModerationChat = st, cfg.modChat
	var engine bot.Engine = &flows.Engine{App: app, Sessions: st}
	if cfg.wrap != nil {
		engine = cfg.wrap(engine)
	}
	var ticks atomic.Int64
	now := func() time.Time {
		return e2eBotClockStart.Add(time.Duration(ticks.Add(1)-1) * cfg.clockStep)
	}
	c := &e2eBot{t: t, API: api, Redis: rs, Store: st, App: app, Metrics: prometheus.NewRegistry(), Catalog: cat, secret: cfg.secret}
	signer, err := ticket.NewSigner([]byte("e2e check-in secret, 32 bytes long!"))
	if err != nil {
		t.Fatal(err)
	}
	files := &attach.Renderer{Meetups: st, Atlas: atlas, Signer: signer, People: st, BotUsername: func() string { return app.BotUsername }}
	bc := bot.Config{
		Token:         api.Token,
		APIURL:        api.URL,
		HTTPAddr:      "127.0.0.1:0",
		Workers:       cfg.workers,
		PollTimeout:   time.Second, // getUpdates counts whole seconds; zero would mean the 50 s default
		Engine:        engine,
		Users:         st,
		Files:         files,
		Catalog:       cat,
		Registry:      c.Metrics,
		Log:           slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:           now,
		ClaimRenewal:  cfg.renewal,
		HandleRetries: cfg.retries,
		Transient:     store.Transient,
	}
	if cfg.modChat != 0 {
		bc.Moderation = &bot.ModerationConfig{Chat: cfg.modChat, Moderator: app, Messages: st}
	}
	if cfg.secret != "" {
		// Telegram posts to the public URL; the bot serves its path on HTTPAddr.
		bc.WebhookURL, bc.WebhookSecret = "https://alumnibot.example"+e2eHookPath, cfg.secret
	}
	b, err := bot.New(bc)
	if err != nil {
		t.Fatal(err)
	}
	c.Bot = b
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan error, 1)
	go func() { c.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
	})
	select {
	case <-b.Ready():
	case err := <-c.done:
		c.stopOnce.Do(func() { c.runErr = err })
		t.Fatalf("Run returned before the bot was ready: %v", err)
	case <-time.After(settleTimeout):
		t.Fatal("the bot did not become ready")
	}
	if cfg.secret != "" {
		c.hookURL = "http://" + b.Addr() + e2eHookPath
	}
	return c
}

// Stop cancels Run's context and returns what Run returned. It may be called more than once.
func (c *e2eBot) Stop() error {
	c.stopOnce.Do(func() {
		c.cancel()
		select {
		case c.runErr = <-c.done:
		case <-time.After(stopTimeout):
			c.runErr = fmt.Errorf("Run did not return within %v of its context being cancelled", stopTimeout)
		}
	})
	return c.runErr
}

// Running reports whether Run has not returned.
func (c *e2eBot) Running() bool {
	select {
	case err := <-c.done:
		c.done <- err // put it back for Stop
		return false
	default:
		return true
	}
}

// Settle waits until the bot is done with everything injected so far (polling mode).
func (c *e2eBot) Settle() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	if err := c.API.WaitIdle(ctx); err != nil {
		c.t.Fatalf("waiting for the bot to finish: %v (%d updates unconfirmed)", err, c.API.PendingUpdates())
	}
}

// handOver gets an injected update to the bot and returns once it was handled: in webhook mode by
// delivering it (which must answer 200), else by waiting for the poller to confirm it.
func (c *e2eBot) handOver(id int64) {
	c.t.Helper()
	if c.hookURL == "" {
		c.Settle()
		return
	}
	if status := c.Deliver(id, c.secret); status != http.StatusOK {
		c.t.Fatalf("webhook answered %d to update %d, want 200", status, id)
	}
}

// Deliver posts an injected update to the bot's webhook with a secret token and returns the status.
func (c *e2eBot) Deliver(id int64, secret string) int {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	status, err := c.API.Deliver(ctx, c.hookURL, secret, id)
	if err != nil {
		c.t.Fatalf("deliver update %d: %v", id, err)
	}
	return status
}

// Get fetches a path of the bot's HTTP server.
func (c *e2eBot) Get(path string) (status int, body string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Bot.Addr()+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(raw)
}

// Profile reads an alumnus's profile from Redis (nil if none).
func (c *e2eBot) Profile(u *e2eUser) *flows.Profile {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	p, err := c.Store.Profile(ctx, u.ID)
	if err != nil {
		c.t.Fatalf("profile of %s: %v", u.FirstName, err)
	}
	return p
}

// Metric returns the value of a counter or gauge of the bot's registry whose labels include the given
// name/value pairs (0 if there is none).
func (c *e2eBot) Metric(name string, labels ...string) float64 {
	c.t.Helper()
	families, err := c.Metrics.Gather()
	if err != nil {
		c.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, l := range m.GetLabel() {
					if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue metrics
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

// Alumnus is a new Telegram user talking to the bot in a private chat; lang is Telegram's
// language_code ("id", "en", ...).
func (c *e2eBot) Alumnus(firstName, lang string) *e2eUser {
	id := 100_000 + c.nextUser.Add(1)
	return &e2eUser{c: c, User: bottest.User{ID: id, FirstName: firstName, LanguageCode: lang, Username: "user" + strconv.FormatInt(id, 10)}}
}

// e2eUser is one alumnus in the conversation DSL. Its methods fail the test (so they must be called
// from the test's goroutine) and return the alumnus, so calls chain.
type e2eUser struct {
	c *e2eBot
	bottest.User
	// Last is the update id of the last injected update.
	Last int64
}

// Send types a text (a command if it starts with "/") and waits until the bot has answered it.
func (u *e2eUser) Send(text string) *e2eUser {
	u.c.t.Helper()
	u.Last = u.c.API.SendText(u.User, text)
	u.c.handOver(u.Last)
	return u
}

// Photo sends a photo with a caption.
func (u *e2eUser) Photo(caption string) *e2eUser {
	u.c.t.Helper()
	u.Last = u.c.API.SendPhoto(u.User, caption)
	u.c.handOver(u.Last)
	return u
}

// Sticker sends a sticker.
func (u *e2eUser) Sticker() *e2eUser {
	u.c.t.Helper()
	u.Last = u.c.API.SendSticker(u.User)
	u.c.handOver(u.Last)
	return u
}

// Tap presses the button labelled label on the newest bot message that has one.
func (u *e2eUser) Tap(label string) *e2eUser {
	u.c.t.Helper()
	m, b := u.Button(label)
	return u.TapData(m.ID, b.Data)
}

// TapData presses a button with callback data data on message id (which may be forged).
func (u *e2eUser) TapData(msgID int, data string) *e2eUser {
	u.c.t.Helper()
	u.Last = u.c.API.SendCallback(u.User, msgID, data)
	u.c.handOver(u.Last)
	return u
}

// Button finds the newest bot message with a button labelled label.
func (u *e2eUser) Button(label string) (bottest.Message, bottest.Button) {
	u.c.t.Helper()
	msgs := u.c.API.Chat(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Text == label {
					return msgs[i], b
				}
			}
		}
	}
	u.c.t.Fatalf("%s: no message has a button %q\n%s", u.FirstName, label, u.Transcript())
	return bottest.Message{}, bottest.Button{}
}

// Expect checks that the bot's newest message in the chat contains want.
func (u *e2eUser) Expect(want string) *e2eUser {
	u.c.t.Helper()
	m, ok := u.c.API.LastMessage(u.ID)
	if !ok || !strings.Contains(m.Text, want) {
		u.c.t.Fatalf("%s: the last bot message is %q, want it to contain %q\n%s", u.FirstName, m.Text, want, u.Transcript())
	}
	return u
}

// ExpectAnswer checks that the last answerCallbackQuery in the chat showed a text containing want
// ("" for an answer without text).
func (u *e2eUser) ExpectAnswer(want string) *e2eUser {
	u.c.t.Helper()
	evs := u.c.API.Events(u.ID)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind != "answer" {
			continue
		}
		if got := evs[i].Msg.Text; (want == "" && got != "") || !strings.Contains(got, want) {
			u.c.t.Fatalf("%s: the last callback answer is %q, want %q\n%s", u.FirstName, got, want, u.Transcript())
		}
		return u
	}
	u.c.t.Fatalf("%s: no callback query was answered\n%s", u.FirstName, u.Transcript())
	return u
}

// Messages is the number of messages the bot sent in the chat.
func (u *e2eUser) Messages() int { return len(u.c.API.Chat(u.ID)) }

// BotEvents is the number of bot actions (send, edit, delete, answer) in the chat.
func (u *e2eUser) BotEvents() int { return u.c.API.BotEvents(u.ID) }

// Transcript is the chat as bottest renders it.
func (u *e2eUser) Transcript() string { return u.c.API.Transcript(u.ID) }

// Onboard takes the alumnus through onboarding with the defaults: own first name, Jambi, Kota Jambi,
// wave 27, consent.
func (u *e2eUser) Onboard() *e2eUser {
	u.c.t.Helper()
	return u.Send("/start").Tap(u.FirstName).Send("Jambi").Send("Kota Jambi").Send("27").
		Tap(u.c.Catalog.Render(locales.LangFromCode(u.LanguageCode), locales.Msg("btn.consent_yes"))).
		Expect(u.FirstName)
}

// longLine is the length above which a user's line in a golden transcript is abbreviated: a
// 4,096-character message would make the file unreadable. The bot's lines are kept whole.
const longLine = 200

// checkGolden compares a transcript with testdata/name, or rewrites the file with -update.
func checkGolden(t *testing.T, name, transcript string) {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.SplitAfter(transcript, "\n") {
		if text, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "user: "); ok && len([]rune(text)) > longLine {
			fmt.Fprintf(&b, "user: %s… [%d characters]\n", string([]rune(text)[:50]), len([]rune(text)))
			continue
		}
		b.WriteString(line)
	}
	got := b.String()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run Golden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("transcript differs from %s (-want +got; go test ./bot -run Golden -update rewrites it):\n%s", path, diff)
	}
}

// parallel runs the test in parallel with others, unless tests share one Redis database
// (REDIS_TEST_URL), which redistest allows to only one test at a time.
func parallel(t *testing.T) {
	if os.Getenv(redistest.EnvURL) == "" {
		t.Parallel()
	}
}

// waitFor polls cond until it holds or the timeout passes, for conditions no event announces (a Redis
// client reconnecting, the webhook registration).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}

// demoMeetups is the area data and the two demo meetups (Gorontalo, Jambi), for tests to adapt and save.
func demoMeetups(t *testing.T) (*area.Atlas, []flows.Meetup) {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := meetupfile.Demo(atlas)
	if err != nil {
		t.Fatal(err)
	}
	return atlas, demo
}
