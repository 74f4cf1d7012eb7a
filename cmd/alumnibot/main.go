// Command alumnibot runs the Temu Alumni Telegram bot.
//
//	alumnibot serve     run against Telegram (configuration from the environment, see README.md)
//	alumnibot console   chat with the bot in this terminal, on an in-memory Redis
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/schedule"
	"github.com/alumnibot/alumnibot/store"
	"github.com/alumnibot/alumnibot/ticket"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "alumnibot:", err)
		os.Exit(1)
	}
}

const usage = `usage: alumnibot <command>

commands:
  serve     run the bot against Telegram (configuration from the environment, see README.md)
  console   chat with the bot in this terminal on an in-memory Redis (-admin: as an organizer)
  reindex   rebuild the audience indexes of announcements from the alumni's profiles (REDIS_URL)`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, getenv, stderr)
	case "console":
		fs := flag.NewFlagSet("console", flag.ContinueOnError)
		fs.SetOutput(stderr)
		admin := fs.Bool("admin", false, "act as an organizer")
		lang := fs.String("lang", "id", "Telegram language_code of the console user (id or en)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return console(ctx, consoleOptions{Admin: *admin, LangCode: *lang}, stdin, stdout)
	case "reindex":
		return reindex(ctx, getenv, stdout)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// newApp builds the conversation engine over a store.
func newApp(st *store.Store, admins []int64) (*flows.Engine, *locales.Catalog, error) {
	atlas, err := area.Load()
	if err != nil {
		return nil, nil, err
	}
	cat, err := locales.Load()
	if err != nil {
		return nil, nil, err
	}
	super := map[int64]bool{}
	for _, id := range admins {
		super[id] = true
	}
	app := &flows.App{Atlas: atlas, Meetups: st, Roles: st, SuperAdmins: super, Grants: st, Desk: st, Writer: st, Reports: st,
		Privacy: st, Reminders: st, Series: st}
	app.Surveys = st
	app.Stories = st    // success stories, /moderasi, /ekspor
	app.Broadcasts = st // /siaran
	app.Feedback = st   // ratings after a meetup, their comments, /masukan
	return &flows.Engine{App: app, Sessions: st}, cat, nil
}

// buttonKey derives the key that signs buttons (flows.App.ButtonKey) from the check-in secret, so
// every replica has the same one and no new setting is needed.
func buttonKey(secret []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("alumnibot buttons"))
	return h.Sum(nil)
}

// loadMeetups applies the meetups and the workshop series of an EVENTS_FILE (see meetupfile.Apply).
func loadMeetups(ctx context.Context, st *store.Store, atlas *area.Atlas, path string, log *slog.Logger) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("EVENTS_FILE: %w", err)
	}
	ms, err := meetupfile.Parse(bytes.NewReader(raw), atlas)
	if err != nil {
		return 0, fmt.Errorf("EVENTS_FILE %s: %w", path, err)
	}
	ss, err := meetupfile.ParseSeries(bytes.NewReader(raw))
	if err != nil {
		return 0, fmt.Errorf("EVENTS_FILE %s: %w", path, err)
	}
	if err := meetupfile.Apply(ctx, st, ms, time.Now(), log); err != nil {
		return 0, fmt.Errorf("EVENTS_FILE %s: %w", path, err)
	}
	if err := meetupfile.ApplySeries(ctx, st, ss); err != nil {
		return 0, fmt.Errorf("EVENTS_FILE %s: %w", path, err)
	}
	return len(ms) + len(ss), nil
}

func serve(ctx context.Context, getenv func(string) string, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	rdb, err := store.Open(cfg.RedisURL, cfg.Workers+16)
	if err != nil {
		return err
	}
	defer rdb.Close()
	st := store.New(rdb, cfg.RedisPrefix)
	st.SetLogger(log)
	ping, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := st.Ping(ping); err != nil {
		// Not fatal: the bot apologises while Redis is away and /healthz says so.
		log.Warn("redis unreachable at start", "err", err)
	} else if n, err := st.IndexPlaces(ctx); err != nil { // once, for places taken by older versions
		log.Warn("index alumni's places (tried again at the next start)", "err", err)
	} else if n > 0 {
		log.Info("indexed alumni's places", "places", n)
	}
	if n, err := st.IndexReferrals(ctx); err != nil { // once, for referrals made by older versions
		log.Warn("index referrals (tried again at the next start)", "err", err)
	} else if n > 0 {
		log.Info("indexed referrals", "referrals", n)
	}
	go func() { // once per deployment, for alumni onboarded before the audience index existed
		if n, ran, err := st.MigrateAudiences(ctx); err != nil {
			log.Warn("build the audience index (tried again at the next start)", "err", err)
		} else if ran {
			log.Info("audience index built", "alumni", n)
		}
	}()
	engine, cat, err := newApp(st, cfg.AdminIDs)
	if err != nil {
		return err
	}
	if cfg.EventsFile != "" {
		n, err := loadMeetups(ctx, st, engine.App.Atlas, cfg.EventsFile, log)
		if err != nil {
			return err
		}
		log.Info("meetups loaded", "file", cfg.EventsFile, "count", n)
	}
	signer, err := ticket.NewSigner(cfg.CheckinSecret)
	if err != nil {
		return fmt.Errorf("CHECKIN_SECRET: %w", err)
	}
	engine.App.Tickets = signer
	engine.App.ButtonKey = buttonKey(cfg.CheckinSecret)
	engine.App.ModerationChat = cfg.ModerationChat
	var moderation *bot.ModerationConfig
	if cfg.ModerationChat != 0 {
		moderation = &bot.ModerationConfig{Chat: cfg.ModerationChat, Moderator: engine.App, Messages: st}
	}
	files := &attach.Renderer{Meetups: st, Atlas: engine.App.Atlas, Signer: signer, People: st,
		BotUsername: func() string { return engine.App.BotUsername }}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	b, err := bot.New(bot.Config{
		Token: cfg.Token, APIURL: cfg.APIURL, WebhookURL: cfg.WebhookURL, WebhookSecret: cfg.WebhookSecret,
		HTTPAddr: cfg.HTTPAddr, Workers: cfg.Workers, Engine: engine, Users: st, Files: files, Catalog: cat,
		Registry: reg, Log: log, Transient: store.Transient,
		OnConnect:  func(username string) { engine.App.BotUsername = username },
		Menus:      st,
		Moderation: moderation,
		Organizers: func(ctx context.Context) ([]int64, error) {
			chats := slices.Clone(cfg.AdminIDs)
			orgs, err := st.Organizers(ctx)
			for _, o := range orgs {
				chats = append(chats, o.User)
			}
			return chats, err
		},
	})
	if err != nil {
		return err
	}
	reminders := newReminders(st, engine.App.Atlas, log, reg)
	sched := &schedule.Scheduler{Lease: st, Log: log, Jobs: []schedule.Job{
		{Name: "expire-offers", Spec: "@every 1m", TTL: time.Minute, Run: schedule.ExpireOffers(st, log)},
		// The notices lane's registry is written after each change; this finds what a failure left out.
		{Name: "queue-sweep", Spec: "@every 1m", TTL: time.Minute, Run: func(ctx context.Context, _ time.Time) error {
			_, err := st.SweepNoticeQueues(ctx)
			return err
		}},
		// Feedback questions an hour after a meetup, each claimed and queued in the bulk lane in one
		// step (bot.FeedbackKind sends them): a pass that runs twice asks nobody twice.
		{Name: "ask-feedback", Spec: "@every 1m", TTL: time.Minute, Run: func(ctx context.Context, now time.Time) error {
			n, err := st.AskFeedback(ctx, now)
			if n > 0 {
				log.Info("feedback asked", "alumni", n)
			}
			return err
		}},
		reminders.Job(),
		{Name: "story-queue-sweep", Spec: "@every 1m", TTL: time.Minute, Run: func(ctx context.Context, _ time.Time) error {
			return st.SweepStoryQueue(ctx)
		}},
	}}
	// Every replica consumes every lane: a lane's consumer group hands each message to one of them.
	notices := b.NoticesLane(st, engine.App, bot.LaneConfig{})
	stories := b.StoriesLane(st, engine.App, bot.LaneConfig{}) // new stories to the moderation chat, outcomes to authors
	// And the bulk lane, at one rate shared through Redis (BROADCAST_RATE): announcements, reminders,
	// feedback questions. Each kind queues its own entries; "ld" is the broadcast load driver's
	// (cmd/alumnicast).
	bulkKinds := bot.ReminderKinds(st, engine.App, nil)
	bulkKinds[bot.FeedbackKindName] = bot.FeedbackKind{Store: st, App: engine.App}
	bulkKinds[bot.BroadcastKindName] = &bot.BroadcastKind{Store: st, App: engine.App}
	bulkKinds[bot.LoadKind] = bot.LoadBulkKind()
	bulk := b.BulkLane(st, bulkKinds, b.NewBulkRate(st, cfg.BroadcastRate),
		bot.BulkConfig{Paid: cfg.BroadcastPaid, Senders: bulkSenders(cfg.BroadcastRate)})
	// Every replica moves announcements along: builds their lists, feeds the bulk lane, edits progress.
	broadcasts := b.BroadcastRunner(bot.BroadcastRunnerConfig{Store: st, App: engine.App, Rate: cfg.BroadcastRate})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	schedDone := make(chan error, 1)
	go func() { schedDone <- sched.Run(runCtx) }()
	var lanes sync.WaitGroup
	for _, l := range []*bot.Lane{notices, stories} {
		lanes.Go(func() { l.Run(runCtx, 2*time.Second) })
	}
	lanes.Go(func() { bulk.Run(runCtx, time.Second) })
	lanes.Go(func() { broadcasts.Run(runCtx) })
	err = b.Run(runCtx)
	cancel() // Run returns on shutdown or a start-up error: stop the scheduler and the lanes either way
	lanes.Wait()
	if schedErr := <-schedDone; err == nil {
		err = schedErr
	}
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// bulkSenders is how many bulk senders one replica runs: enough to keep up with the rate when a send
// and its Redis calls take ~200 ms. Most of them wait for their slot; only a message between its
// send and its acknowledgement can go twice after a crash.
func bulkSenders(rate float64) int { return min(max(int(rate/5), 2), 200) }
