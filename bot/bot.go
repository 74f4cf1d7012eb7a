package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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
	Sent(ctx context.Context, in flows.Input, n int) error
	Forget(ctx context.Context, in flows.Input) error
	Hold(ctx context.Context, in flows.Input, now time.Time) error
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

// Menus records the command menus set in Telegram, by scope ("default" or a chat id); store.Store is
// the real one.
type Menus interface {
	Menus(ctx context.Context) (map[string]string, error)
	SetMenu(ctx context.Context, scope, digest string) error
	ForgetMenu(ctx context.Context, scope string) error
}

// DefaultHandleRetries ride out a Redis outage of about 16 seconds (a restart, a failover) before an
// update is given up with an apology.
var DefaultHandleRetries = []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2 * time.Second, 4 * time.Second, 8 * time.Second}

// Config wires a Bot.
type Config struct {
	Token         string
	APIURL        string // Bot API server; "" means https://api.telegram.org
	WebhookURL    string // "" means long polling
	WebhookSecret string
	HTTPAddr      string // /healthz, /metrics and the webhook; "" serves nothing
	Workers       int    // chats handled at once; default 64
	PollTimeout   time.Duration
	// ClaimRenewal is how often the claim on replies still being sent is renewed; 0: flows.ClaimRenewal
	// (tests shorten it).
	ClaimRenewal time.Duration
	// HandleRetries are the pauses before applying an update again after a transient failure (see
	// handleRetrying); nil: DefaultHandleRetries, about 16 s in all. An empty, non-nil list retries
	// nothing.
	HandleRetries []time.Duration
	// Transient says whether an error of the engine may pass if the update is applied again (the
	// store's Redis unreachable or failing over: store.Transient); nil: no error does.
	Transient func(error) bool
	Engine    Engine
	Users     Users
	Files     Files // nil: replies with files are sent as text only
	Catalog   *locales.Catalog
	Registry  *prometheus.Registry // nil: metrics are kept but not served
	Log       *slog.Logger
	Now       func() time.Time
	// Organizers lists the chats that get the organizer command menu at start (super-admins and
	// granted organizers); nil: none.
	Organizers func(ctx context.Context) ([]int64, error)
	// Menus remembers which command menus were set, so each is set once across replicas and restarts;
	// nil: every start sets them all.
	Menus Menus
	// Moderation is the moderation chat, whose presses and replies the bot takes (moderation.go); nil:
	// every group update is ignored.
	Moderation *ModerationConfig
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
	// background: drops of replay records being retried (delivered) under bgCtx; Run waits for them a
	// while, then cancels bgCtx.
	background sync.WaitGroup
	bgCtx      context.Context
	stopBg     context.CancelFunc
	ready      chan struct{} // closed once the HTTP listener is up (tests wait on it)
	addr       string
}

type job struct {
	ib    inbound
	done  func(in flows.Input, h handled)
	start time.Time
	h     handled
}

// handled is how the bot ended with an update, for whoever fed it in (the poller, the webhook).
type handled struct {
	sent bool // replies of an applied update went out: the replies kept for a redelivery can go
	// held: the update was applied before, and another replica holds the sending of its replies. That
	// replica may have died with them, so the update is offered again later (the poller keeps it
	// unconfirmed, the webhook answers 503 so that Telegram retries) until its replies were sent or
	// this replica may claim them.
	held bool
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
	if cfg.HandleRetries == nil {
		cfg.HandleRetries = DefaultHandleRetries
	}
	if cfg.ClaimRenewal <= 0 {
		cfg.ClaimRenewal = flows.ClaimRenewal
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
		tg.WithHTTPClient(cfg.PollTimeout, apiClient{client}),
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

// waitBackground waits for the background retries to end, at most d: a Redis that stays down must
// not hold the shutdown (what is left is only a replay risk, see delivered).
func (b *Bot) waitBackground(d time.Duration) {
	done := make(chan struct{})
	go func() {
		b.background.Wait()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		b.log.Warn("shutdown: replay records still to drop; a redelivery may repeat their replies")
		b.stopBg()
		<-done
	}
	b.stopBg()
}

// Run serves until ctx is cancelled, then stops taking updates, finishes those in flight and returns.
func (b *Bot) Run(ctx context.Context) error {
	me, err := b.api.GetMe(ctx)
	if err != nil {
		return fmt.Errorf("getMe (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL): %w", err)
	}
	b.log.Info("connected to the Bot API", "bot", me.Username, "api", b.cfg.APIURL)
	b.bgCtx, b.stopBg = context.WithCancel(context.WithoutCancel(ctx))
	defer b.waitBackground(10 * time.Second) // last: what the shutdown below still starts
	if b.cfg.OnConnect != nil {
		b.cfg.OnConnect(me.Username)
	}
	// The menus are not worth delaying the start for; shutdown waits for them.
	menus, stopMenus := context.WithCancel(ctx)
	b.menus.Add(1)
	go func() {
		defer b.menus.Done()
		b.setMenus(menus)
	}()
	defer b.menus.Wait()
	defer stopMenus()

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

// setMenus sets the command menus: the alumni menu in Indonesian (the default) and English for
// everyone, and the alumni plus organizer commands in each organizer's chat. With a Menus record only
// what changed since it was last set goes out (a new organizer, a changed text), so replicas and
// restarts do not repeat hundreds of calls; a chat whose role was revoked gets its own menu deleted.
// A failure is logged, not fatal: the commands work without a menu, and the next start tries again.
func (b *Bot) setMenus(ctx context.Context) {
	var set map[string]string
	if b.cfg.Menus != nil {
		var err error
		if set, err = b.cfg.Menus.Menus(ctx); err != nil {
			b.log.Warn("command menus set before", "err", err) // set them all then
		}
	}
	want := map[string][]menuItem{"default": commandMenu}
	organizersKnown := false
	if b.cfg.Organizers != nil {
		chats, err := b.cfg.Organizers(ctx)
		if err != nil {
			if ctx.Err() == nil {
				b.log.Warn("organizer command menus", "err", err)
			}
		} else {
			organizersKnown = true
			full := append(commandMenu[:len(commandMenu):len(commandMenu)], organizerMenu...)
			for _, chat := range chats {
				want[strconv.FormatInt(chat, 10)] = full
			}
		}
	}
	scopes := slices.Sorted(maps.Keys(want))
	for _, scope := range scopes {
		if ctx.Err() != nil {
			return
		}
		digest := b.menuDigest(want[scope])
		if set[scope] == digest {
			continue
		}
		if err := b.setMenu(ctx, scope, want[scope]); err != nil {
			if ctx.Err() == nil {
				b.log.Warn("setMyCommands", "scope", scope, "err", err)
			}
			continue
		}
		if b.cfg.Menus != nil {
			if err := b.cfg.Menus.SetMenu(ctx, scope, digest); err != nil {
				b.log.Warn("record command menu", "scope", scope, "err", err)
			}
		}
	}
	if !organizersKnown || b.cfg.Menus == nil {
		return
	}
	for _, scope := range slices.Sorted(maps.Keys(set)) {
		if _, ok := want[scope]; ok || ctx.Err() != nil {
			continue
		}
		chat, err := strconv.ParseInt(scope, 10, 64)
		if err == nil {
			err = b.deleteMenu(ctx, chat)
		}
		if err != nil && !errors.Is(err, tg.ErrorBadRequest) && !errors.Is(err, ErrBlocked) {
			if ctx.Err() == nil {
				b.log.Warn("deleteMyCommands of a former organizer", "chat", scope, "err", err)
			}
			continue
		}
		if err := b.cfg.Menus.ForgetMenu(ctx, scope); err != nil {
			b.log.Warn("forget command menu", "scope", scope, "err", err)
		}
	}
}

var menuLangs = []locales.Lang{locales.ID, locales.EN}

// menuCode is the language_code a menu is set for: Indonesian is everyone's default.
func menuCode(lang locales.Lang) string {
	if lang == locales.EN {
		return "en"
	}
	return ""
}

func (b *Bot) menuCommands(lang locales.Lang, items []menuItem) []models.BotCommand {
	cmds := make([]models.BotCommand, 0, len(items))
	for _, c := range items {
		cmds = append(cmds, models.BotCommand{Command: c.command, Description: b.cfg.Catalog.Render(lang, c.text)})
	}
	return cmds
}

// menuDigest identifies a menu as Telegram shows it, in every language.
func (b *Bot) menuDigest(items []menuItem) string {
	h := sha256.New()
	for _, lang := range menuLangs {
		raw, _ := json.Marshal(b.menuCommands(lang, items))
		fmt.Fprintf(h, "%s\x00%s\x00", menuCode(lang), raw)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// setMenu sets one scope's menu in every language; scope is "default" or a chat id.
func (b *Bot) setMenu(ctx context.Context, scope string, items []menuItem) error {
	var sc models.BotCommandScope
	if scope != "default" {
		chat, err := strconv.ParseInt(scope, 10, 64)
		if err != nil {
			return err
		}
		sc = &models.BotCommandScopeChat{ChatID: chat}
	}
	for _, lang := range menuLangs {
		cmds := b.menuCommands(lang, items)
		err := b.send.do(ctx, "setMyCommands", func(ctx context.Context) error {
			_, err := b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, LanguageCode: menuCode(lang), Scope: sc})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// deleteMenu removes a chat's own menu in every language; the chat then sees the default one.
func (b *Bot) deleteMenu(ctx context.Context, chat int64) error {
	for _, lang := range menuLangs {
		err := b.send.do(ctx, "deleteMyCommands", func(ctx context.Context) error {
			_, err := b.api.DeleteMyCommands(ctx, &tg.DeleteMyCommandsParams{
				LanguageCode: menuCode(lang), Scope: &models.BotCommandScopeChat{ChatID: chat},
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

type menuItem struct {
	command string
	text    locales.Text
}

// organizerMenu is what organizers see in addition to commandMenu.
var organizerMenu = []menuItem{
	{"admin", locales.Msg("cmd.admin")},
	{"buatacara", locales.Msg("cmd.buatacara")},
	{"peserta", locales.Msg("cmd.peserta")},
	{"checkin", locales.Msg("cmd.checkin")},
	{"laporan", locales.Msg("cmd.laporan")},
	{"buatworkshop", locales.Msg("cmd.buatworkshop")},
	{"moderasi", locales.Msg("cmd.moderasi")},
	{"ekspor", locales.Msg("cmd.ekspor")},
	{"siaran", locales.Msg("cmd.siaran")},
}

// commandMenu is what alumni see in Telegram's command menu.
var commandMenu = []menuItem{
	{"start", locales.Msg("cmd.start")},
	{"acara", locales.Msg("cmd.acara")},
	{"tiket", locales.Msg("cmd.tiket")},
	{"batal", locales.Msg("cmd.batal")},
	{"profil", locales.Msg("cmd.profil")},
	{"workshop", locales.Msg("cmd.workshop")},
	{"pengingat", locales.Msg("cmd.pengingat")},
	{"cerita", locales.Msg("cmd.cerita")},
	{"masukan", locales.Msg("cmd.masukan")},
	{"bantuan", locales.Msg("cmd.bantuan")},
	{"datasaya", locales.Msg("cmd.datasaya")},
	{"hapusdata", locales.Msg("cmd.hapusdata")},
}
