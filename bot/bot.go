package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// Engine applies inputs exactly once; flows.Engine is the real one.
type Engine interface {
	Handle(ctx context.Context, in flows.Input) (flows.Outcome, error)
	Undelivered(ctx context.Context, in flows.Input) error
	Delivered(ctx context.Context, ins ...flows.Input) error
}

// Files renders the files replies carry; attach.Renderer is the real one.
type Files interface {
	Render(ctx context.Context, a flows.Attachment, lang locales.Lang) (attach.File, error)
}

// Users is what the transport records about users on its own.
type Users interface {
	MarkInactive(ctx context.Context, user int64) error
	Ping(ctx context.Context) error
}

// Config wires a Bot.
type Config struct {
	Token         string
	APIURL        string // Bot API server; "" means https://api.telegram.org
	WebhookURL    string // "" means long polling
	WebhookSecret string
	HTTPAddr      string // /healthz, /metrics and the webhook; "" serves nothing
	Workers       int    // chats handled at once; default 64
	PollTimeout   time.Duration
	Engine        Engine
	Users         Users
	Files         Files // nil: replies with files are sent as text only
	Catalog       *locales.Catalog
	Registry      *prometheus.Registry // nil: metrics are kept but not served
	Log           *slog.Logger
	Now           func() time.Time
	// Organizers lists the chats that get the organizer command menu at start (super-admins and
	// granted organizers); nil: none.
	Organizers func(ctx context.Context) ([]int64, error)
	// OnConnect is called with the bot's username once the Bot API answered, before any update is
	// handled (share links need it).
	OnConnect func(username string)
}

// Bot is the running transport.
type Bot struct {
	cfg     Config
	api     *tg.Bot
	client  *http.Client
	log     *slog.Logger
	metrics *metrics
	send    *sender
	chats   *chats[job]
	menus   sync.WaitGroup // the command menus being set
	ready   chan struct{}  // closed once the HTTP listener is up (tests wait on it)
	addr    string
}

type job struct {
	ib    inbound
	done  func(in flows.Input, sent bool) // sent: the update's replies went out; its replay can go
	start time.Time
	sent  bool
}

// allowedUpdates are the kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// New builds a Bot; it makes no network call until Run.
func New(cfg Config) (*Bot, error) {
	if cfg.Token == "" {
		return nil, errors.New("TELEGRAM_BOT_TOKEN is required")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = "https://api.telegram.org"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 64
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.WebhookURL != "" && cfg.WebhookSecret == "" {
		return nil, errors.New("WEBHOOK_SECRET is required with WEBHOOK_URL")
	}
	// One idle connection per worker: the default transport keeps two per host, and every other
	// Bot API call would open a new connection.
	client := &http.Client{
		Timeout: cfg.PollTimeout + 15*time.Second,
		Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        cfg.Workers + 8,
			MaxIdleConnsPerHost: cfg.Workers + 8,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
			ForceAttemptHTTP2:   true,
		},
	}
	var reg prometheus.Registerer
	if cfg.Registry != nil {
		reg = cfg.Registry
	}
	m := newMetrics(reg)
	api, err := tg.New(cfg.Token,
		tg.WithServerURL(cfg.APIURL),
		tg.WithHTTPClient(cfg.PollTimeout, client),
		tg.WithSkipGetMe(),
		tg.WithDefaultHandler(func(context.Context, *tg.Bot, *models.Update) {}), // never log updates
		tg.WithErrorsHandler(func(err error) { cfg.Log.Warn("telegram client", "err", err) }),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram client: %w", err)
	}
	b := &Bot{cfg: cfg, api: api, client: client, log: cfg.Log, metrics: m, send: newSender(m), ready: make(chan struct{})}
	return b, nil
}

// Run serves until ctx is cancelled, then stops taking updates, finishes those in flight and returns.
func (b *Bot) Run(ctx context.Context) error {
	me, err := b.api.GetMe(ctx)
	if err != nil {
		return fmt.Errorf("getMe (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL): %w", err)
	}
	b.log.Info("connected to the Bot API", "bot", me.Username, "api", b.cfg.APIURL)
	if b.cfg.OnConnect != nil {
		b.cfg.OnConnect(me.Username)
	}
	b.setCommands(ctx)
	go b.setOrganizerCommands(ctx) // one chat-scoped menu per organizer: not worth delaying the start for

	// Work started before shutdown may finish after it: updates in flight are completed, not cut off.
	work := context.WithoutCancel(ctx)
	b.startWorkers(work)
	defer b.stopWorkers()

	var webhook http.Handler
	if b.cfg.WebhookURL != "" {
		webhook = b.webhookHandler(work)
	}
	srv, err := b.serveHTTP(webhook)
	if err != nil {
		return err
	}
	defer func() {
		shutdown, cancel := context.WithTimeout(work, 30*time.Second)
		defer cancel()
		if srv != nil {
			_ = srv.Shutdown(shutdown) // waits for webhook requests, which wait for their updates
		}
	}()

	if b.cfg.WebhookURL != "" {
		if err := b.send.do(ctx, "setWebhook", func(ctx context.Context) error {
			_, err := b.api.SetWebhook(ctx, &tg.SetWebhookParams{
				URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret, AllowedUpdates: allowedUpdates,
				MaxConnections: b.cfg.Workers,
			})
			return err
		}); err != nil {
			return fmt.Errorf("setWebhook: %w", err)
		}
		b.log.Info("receiving updates by webhook", "url", b.cfg.WebhookURL)
		<-ctx.Done()
		return nil
	}
	if err := b.send.do(ctx, "deleteWebhook", func(ctx context.Context) error {
		_, err := b.api.DeleteWebhook(ctx, &tg.DeleteWebhookParams{})
		return err
	}); err != nil {
		return fmt.Errorf("deleteWebhook: %w", err)
	}
	b.log.Info("receiving updates by long polling")
	b.poll(ctx)
	return nil
}

// Addr is the address the HTTP server listens on, once Ready is closed.
func (b *Bot) Addr() string { return b.addr }

// Ready is closed once the HTTP server listens.
func (b *Bot) Ready() <-chan struct{} { return b.ready }

func (b *Bot) serveHTTP(webhook http.Handler) (*http.Server, error) {
	if b.cfg.HTTPAddr == "" {
		close(b.ready)
		return nil, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.healthz)
	if b.cfg.Registry != nil {
		mux.Handle("GET /metrics", metricsHandler(b.cfg.Registry))
	}
	if webhook != nil {
		u, err := url.Parse(b.cfg.WebhookURL)
		if err != nil {
			return nil, fmt.Errorf("WEBHOOK_URL: %w", err)
		}
		path := u.Path
		if path == "" {
			path = "/"
		}
		mux.Handle("POST "+path, webhook)
	}
	ln, err := net.Listen("tcp", b.cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("HTTP_ADDR %s: %w", b.cfg.HTTPAddr, err)
	}
	b.addr = ln.Addr().String()
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.log.Error("http server", "err", err)
		}
	}()
	close(b.ready)
	b.log.Info("http listening", "addr", b.addr)
	return srv, nil
}

func (b *Bot) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := b.cfg.Users.Ping(ctx); err != nil {
		http.Error(w, "redis unreachable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// setCommands registers the command menu in Indonesian (the default) and English. A failure is
// logged, not fatal: the bot works without a menu.
func (b *Bot) setCommands(ctx context.Context) {
	for _, lang := range []locales.Lang{locales.ID, locales.EN} {
		code := ""
		if lang == locales.EN {
			code = "en"
		}
		var cmds []models.BotCommand
		for _, c := range commandMenu {
			cmds = append(cmds, models.BotCommand{Command: c.command, Description: b.cfg.Catalog.Render(lang, c.text)})
		}
		err := b.send.do(ctx, "setMyCommands", func(ctx context.Context) error {
			_, err := b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, LanguageCode: code})
			return err
		})
		if err != nil {
			b.log.Warn("setMyCommands", "lang", lang, "err", err)
		}
	}
}

// setOrganizerCommands gives each organizer's chat the alumni menu plus the organizer commands. A role
// granted later shows in the menu after the next start; the commands work at once either way.
func (b *Bot) setOrganizerCommands(ctx context.Context) {
	if b.cfg.Organizers == nil {
		return
	}
	chats, err := b.cfg.Organizers(ctx)
	if err != nil {
		b.log.Warn("organizer command menus", "err", err)
		return
	}
	for _, chat := range chats {
		for _, lang := range []locales.Lang{locales.ID, locales.EN} {
			code := ""
			if lang == locales.EN {
				code = "en"
			}
			var cmds []models.BotCommand
			for _, c := range append(commandMenu[:len(commandMenu):len(commandMenu)], organizerMenu...) {
				cmds = append(cmds, models.BotCommand{Command: c.command, Description: b.cfg.Catalog.Render(lang, c.text)})
			}
			err := b.send.do(ctx, "setMyCommands", func(ctx context.Context) error {
				_, err := b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{
					Commands: cmds, LanguageCode: code, Scope: &models.BotCommandScopeChat{ChatID: chat},
				})
				return err
			})
			if err != nil {
				if ctx.Err() == nil {
					b.log.Warn("setMyCommands for an organizer", "chat", chat, "err", err)
				}
				return
			}
		}
	}
}

// organizerMenu is what organizers see in addition to commandMenu.
var organizerMenu = []struct {
	command string
	text    locales.Text
}{
	{"admin", locales.Msg("cmd.admin")},
	{"buatacara", locales.Msg("cmd.buatacara")},
	{"peserta", locales.Msg("cmd.peserta")},
	{"checkin", locales.Msg("cmd.checkin")},
	{"laporan", locales.Msg("cmd.laporan")},
}

// commandMenu is what alumni see in Telegram's command menu.
var commandMenu = []struct {
	command string
	text    locales.Text
}{
	{"start", locales.Msg("cmd.start")},
	{"acara", locales.Msg("cmd.acara")},
	{"tiket", locales.Msg("cmd.tiket")},
	{"batal", locales.Msg("cmd.batal")},
	{"profil", locales.Msg("cmd.profil")},
	{"bantuan", locales.Msg("cmd.bantuan")},
}
