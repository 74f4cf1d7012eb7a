// Package loaddriver plays many alumni at once against a bot through a bottest fake Bot API server,
// each through the whole onboarding conversation, and checks that every alumnus got exactly the
// replies of their own conversation, in order.
//
// One alumnus sends /start, taps their name, taps a province button, taps a regency button, types
// their wave, taps "Ya, aku setuju" and sends /profil, waiting for the bot's answer to each input
// before the next, as a person would. Afterwards their chat's whole transcript — their inputs and
// the bot's messages, edits and callback answers, with message ids — must equal the expected one,
// which is the same for everyone except the name, province, regency and wave. Expected texts are
// rendered from the locale catalog, not from the flows, so the check does not trust the code it
// measures.
//
// The bot may run in another process (cmd/alumniload against `alumnibot serve`) or in this one
// (StartBot, used by cmd/alumniload -inprocess and by this package's test).
//
// It may import bot, bot/bottest, flows, store, area and locales; nothing imports it but
// cmd/alumniload.
package loaddriver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/locales"
)

// Config says how many alumni to play and how.
type Config struct {
	Alumni      int // alumni to onboard; default 1000
	Concurrency int // alumni in conversation at once; default 100
	// FirstUser is the Telegram user id (= private chat id) of the first alumnus; the others follow.
	// The bot must not know them yet: a rerun against the same Redis needs fresh ids.
	FirstUser int64
	// ReplyTimeout bounds the wait for the bot's answer to one input; 0 waits as long as ctx.
	ReplyTimeout time.Duration
	// Settle is called once every conversation ended and before the transcripts are compared, so
	// that replies arriving late (duplicates) are seen. Nil means the server's WaitIdle.
	Settle func(ctx context.Context) error

	Catalog *locales.Catalog // nil: locales.Load
	Atlas   *area.Atlas      // nil: area.Load
}

// Inputs are the names of the onboarding inputs, in order; Report.Steps follows it.
var Inputs = []string{"/start", "tap name", "tap province", "tap regency", "type wave", "tap consent", "/profil"}

// Report is the outcome of Run.
type Report struct {
	Alumni      int
	Concurrency int
	Completed   int           // alumni whose conversation ran to the end without error or mismatch
	Updates     int           // updates injected
	BotActions  int           // bot messages, edits and callback answers seen in the alumni's chats
	Elapsed     time.Duration // from the first input to the last answer, Settle excluded
	Steps       []StepStats   // per input, in the order of Inputs
	Errors      []string      // one line per alumnus that failed (timeouts, server closed, ...)
	Mismatches  []Mismatch
}

// StepStats is the latency of one input: from injecting it to the bot's last answer to it.
type StepStats struct {
	Input              string
	N                  int
	P50, P95, P99, Max time.Duration
}

// Mismatch is an alumnus whose chat differed from the expected conversation.
type Mismatch struct {
	User  int64
	Index int    // first differing event of the transcript
	Want  string // that event as expected ("" if none was expected)
	Got   string // as seen ("" if it is missing)
}

func (m Mismatch) String() string {
	return fmt.Sprintf("user %d, event %d: want %q, got %q", m.User, m.Index, m.Want, m.Got)
}

// OK reports whether every alumnus completed with the expected replies.
func (r *Report) OK() bool {
	return r.Completed == r.Alumni && len(r.Errors) == 0 && len(r.Mismatches) == 0
}

// Throughput is updates per second over Elapsed.
func (r *Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Updates) / r.Elapsed.Seconds()
}

// Write prints the report for people; at most ten errors and ten mismatches are listed.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "alumni %d (%d at a time): %d completed, %d errors, %d mismatches\n",
		r.Alumni, r.Concurrency, r.Completed, len(r.Errors), len(r.Mismatches))
	fmt.Fprintf(w, "updates %d, bot actions %d, in %s: %.0f updates/s, %.0f bot actions/s\n",
		r.Updates, r.BotActions, r.Elapsed.Round(time.Millisecond), r.Throughput(),
		float64(r.BotActions)/max(r.Elapsed.Seconds(), 1e-9))
	fmt.Fprintf(w, "%-14s %6s %9s %9s %9s %9s\n", "input", "n", "p50", "p95", "p99", "max")
	for _, s := range r.Steps {
		fmt.Fprintf(w, "%-14s %6d %9s %9s %9s %9s\n", s.Input, s.N, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
	}
	for i, e := range r.Errors {
		if i == 10 {
			fmt.Fprintf(w, "... and %d more errors\n", len(r.Errors)-i)
			break
		}
		fmt.Fprintln(w, "error:", e)
	}
	for i, m := range r.Mismatches {
		if i == 10 {
			fmt.Fprintf(w, "... and %d more mismatches\n", len(r.Mismatches)-i)
			break
		}
		fmt.Fprintln(w, "mismatch:", m)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// Run plays cfg.Alumni alumni against the bot behind srv and reports. It returns an error only when
// it could not run at all; errors and mismatches of single alumni are in the Report.
func Run(ctx context.Context, srv *bottest.Server, cfg Config) (*Report, error) {
	if cfg.Alumni <= 0 {
		cfg.Alumni = 1000
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 100
	}
	if cfg.FirstUser <= 0 {
		return nil, errors.New("loaddriver: FirstUser must be a positive user id")
	}
	var err error
	if cfg.Catalog == nil {
		if cfg.Catalog, err = locales.Load(); err != nil {
			return nil, err
		}
	}
	if cfg.Atlas == nil {
		if cfg.Atlas, err = area.Load(); err != nil {
			return nil, err
		}
	}
	if cfg.Settle == nil {
		cfg.Settle = srv.WaitIdle
	}
	d := &driver{srv: srv, cfg: cfg}

	alumni := make([]*alumnus, cfg.Alumni)
	for i := range alumni {
		alumni[i] = d.newAlumnus(i)
	}
	next := make(chan *alumnus)
	var wg sync.WaitGroup
	start := time.Now()
	for range min(cfg.Concurrency, cfg.Alumni) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range next {
				a.err = a.converse(ctx)
			}
		}()
	}
feed:
	for i, a := range alumni {
		select {
		case next <- a:
		case <-ctx.Done():
			for _, a := range alumni[i:] {
				a.err = ctx.Err() // never started
			}
			break feed
		}
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)

	if err := cfg.Settle(ctx); err != nil {
		return nil, fmt.Errorf("loaddriver: waiting for the bot to settle: %w", err)
	}

	r := &Report{Alumni: cfg.Alumni, Concurrency: cfg.Concurrency, Elapsed: elapsed}
	lat := make([][]time.Duration, len(Inputs))
	for _, a := range alumni {
		r.Updates += a.sent
		for i, l := range a.latency {
			lat[i] = append(lat[i], l)
		}
		events := srv.Events(a.user.ID)
		for _, ev := range events {
			if ev.Kind != "user" {
				r.BotActions++
			}
		}
		var mm *Mismatch
		if a.mismatch != nil {
			mm = a.mismatch
		} else if a.err == nil {
			mm = compare(a.user.ID, a.want, events) // late or duplicate replies show up here
		}
		switch {
		case mm != nil:
			r.Mismatches = append(r.Mismatches, *mm)
		case a.err != nil:
			r.Errors = append(r.Errors, fmt.Sprintf("user %d: %v", a.user.ID, a.err))
		default:
			r.Completed++
		}
	}
	for i, l := range lat {
		r.Steps = append(r.Steps, stats(Inputs[i], l))
	}
	return r, nil
}

func stats(input string, l []time.Duration) StepStats {
	s := StepStats{Input: input, N: len(l)}
	if len(l) == 0 {
		return s
	}
	slices.Sort(l)
	q := func(p float64) time.Duration { return l[min(len(l)-1, int(p*float64(len(l))))] }
	s.P50, s.P95, s.P99, s.Max = q(0.50), q(0.95), q(0.99), l[len(l)-1]
	return s
}

type driver struct {
	srv *bottest.Server
	cfg Config
}

// firstNames are common Indonesian given names; each alumnus's name is one with a number, so that
// a reply carrying another alumnus's name cannot pass for one's own.
var firstNames = []string{
	"Vita", "Hujaipah", "Siti", "Ahmad", "Dewi", "Budi", "Rina", "Agus", "Putri", "Wahyu",
	"Nur", "Eko", "Ayu", "Rizki", "Indah", "Fajar", "Sri", "Yusuf", "Lestari", "Hendra",
}

// alumnus is one simulated alumnus and what they expect to see.
type alumnus struct {
	d       *driver
	i       int
	user    bottest.User
	wave    int
	want    []string // expected transcript so far, see describe
	botSeen int      // bot actions expected so far
	nextMsg int      // message id the chat gives next (user messages and bot messages share one counter)

	sent     int
	latency  []time.Duration
	err      error
	mismatch *Mismatch
}

func (d *driver) newAlumnus(i int) *alumnus {
	name := fmt.Sprintf("%s %d", firstNames[i%len(firstNames)], i+1)
	return &alumnus{
		d: d, i: i, nextMsg: 1, wave: 1 + i%999,
		user: bottest.User{ID: d.cfg.FirstUser + int64(i), FirstName: name, LanguageCode: "id"},
	}
}

// describe is one transcript event as compared: who, which message, and its text.
func describe(ev bottest.Event) string {
	return ev.Kind + " #" + strconv.Itoa(ev.Msg.ID) + ": " + ev.Msg.Text
}

func (a *alumnus) render(t locales.Text) string {
	return a.d.cfg.Catalog.Render(locales.ID, t)
}

// expectSend expects a new bot message with text and returns its id.
func (a *alumnus) expectSend(text string) int {
	id := a.nextMsg
	a.nextMsg++
	a.want = append(a.want, describe(bottest.Event{Kind: "send", Msg: bottest.Message{ID: id, Text: text}}))
	a.botSeen++
	return id
}

func (a *alumnus) expectAnswer(msgID int) {
	a.want = append(a.want, describe(bottest.Event{Kind: "answer", Msg: bottest.Message{ID: msgID}}))
	a.botSeen++
}

// converse runs the whole onboarding conversation. It returns an error if the bot did not answer
// (a.mismatch is set instead when it answered wrongly).
func (a *alumnus) converse(ctx context.Context) error {
	// /start → welcome and the name question in one message, the Telegram name as a button.
	start := a.text("/start")
	askName := a.expectSend(a.render(after(locales.Msg("welcome.new"), 1, locales.Msg("onboard.ask_name"))))
	if err := a.await(ctx, 0, start); err != nil {
		return err
	}

	// Tap the name.
	tapped, ok := a.tap(askName, a.user.FirstName, a.buttons(askName))
	if !ok {
		return nil
	}
	a.expectAnswer(askName)
	askProv := a.expectSend(a.render(after(locales.Msg("onboard.nice_to_meet", "Name", a.user.FirstName),
		2, locales.Msg("onboard.ask_province"))))
	if err := a.await(ctx, 1, tapped); err != nil {
		return err
	}

	// Tap one of the provinces offered.
	var provs []area.Province
	offered := a.buttons(askProv)
	for _, p := range a.d.cfg.Atlas.Provinces() {
		if _, ok := offered[p.Name]; ok {
			provs = append(provs, p)
		}
	}
	if len(provs) == 0 {
		a.fail("a province button on message #" + strconv.Itoa(askProv))
		return nil
	}
	prov := provs[a.i%len(provs)]
	if tapped, ok = a.tap(askProv, prov.Name, offered); !ok {
		return nil
	}
	a.expectAnswer(askProv)
	askReg := a.expectSend(a.render(question(3, locales.Msg("onboard.ask_regency", "Province", prov.Name))))
	if err := a.await(ctx, 2, tapped); err != nil {
		return err
	}

	// Tap one of its regencies offered.
	var regs []area.Regency
	offered = a.buttons(askReg)
	for _, g := range a.d.cfg.Atlas.Regencies(prov.Code) {
		if _, ok := offered[g.Name]; ok {
			regs = append(regs, g)
		}
	}
	if len(regs) == 0 {
		a.fail("a regency button on message #" + strconv.Itoa(askReg))
		return nil
	}
	reg := regs[a.i%len(regs)]
	if tapped, ok = a.tap(askReg, reg.Name, offered); !ok {
		return nil
	}
	a.expectAnswer(askReg)
	a.expectSend(a.render(after(locales.Msg("onboard.regency_noted", "Regency", reg.Name),
		4, locales.Msg("onboard.ask_wave"))))
	if err := a.await(ctx, 3, tapped); err != nil {
		return err
	}

	// Type the wave.
	typed := a.text(strconv.Itoa(a.wave))
	askConsent := a.expectSend(a.render(after(locales.Msg("onboard.wave_noted", "Wave", a.wave),
		5, locales.Msg("onboard.ask_consent"))))
	if err := a.await(ctx, 4, typed); err != nil {
		return err
	}

	// Consent.
	if tapped, ok = a.tap(askConsent, a.render(locales.Msg("btn.consent_yes")), a.buttons(askConsent)); !ok {
		return nil
	}
	a.expectAnswer(askConsent)
	a.expectSend(a.render(locales.Msg("onboard.done", "Name", a.user.FirstName)))
	if err := a.await(ctx, 5, tapped); err != nil {
		return err
	}

	// The profile as saved.
	typed = a.text("/profil")
	a.expectSend(a.render(locales.Msg("profile.view", "Name", a.user.FirstName, "Province", prov.Name,
		"Regency", reg.Name, "Wave", a.wave, "Lang", "Bahasa Indonesia")))
	return a.await(ctx, 6, typed)
}

// question is an onboarding question under its progress line ("Pertanyaan 2 dari 5").
func question(n int, q locales.Text) locales.Text {
	return locales.Lines(locales.Msg("onboard.progress", "N", n, "Of", 5), q)
}

// after is a message that acknowledges an answer and asks question n, in one message.
func after(ack locales.Text, n int, q locales.Text) locales.Text {
	return locales.Lines(ack, locales.Lines(locales.Text{}, question(n, q)))
}

// input is an injected input and when it was injected.
type input struct{ at time.Time }

// text sends a message and expects it in the transcript.
func (a *alumnus) text(s string) input {
	id := a.nextMsg
	a.nextMsg++
	a.want = append(a.want, describe(bottest.Event{Kind: "user", Msg: bottest.Message{ID: id, Text: s}}))
	at := time.Now()
	a.d.srv.SendText(a.user, s)
	a.sent++
	return input{at: at}
}

// buttons returns the buttons of the bot's message msgID as the alumnus sees it now.
func (a *alumnus) buttons(msgID int) map[string]string {
	out := map[string]string{}
	for _, m := range a.d.srv.Chat(a.user.ID) {
		if m.ID != msgID {
			continue
		}
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Data != "" {
					out[b.Text] = b.Data
				}
			}
		}
	}
	return out
}

// tap presses the button labelled label on message msgID; if there is none it records a mismatch.
func (a *alumnus) tap(msgID int, label string, buttons map[string]string) (input, bool) {
	data, ok := buttons[label]
	if !ok {
		a.fail(fmt.Sprintf("a button [%s] on message #%d", label, msgID))
		return input{}, false
	}
	a.want = append(a.want, describe(bottest.Event{Kind: "user", Msg: bottest.Message{ID: msgID, Text: "[tap] " + label}}))
	at := time.Now()
	a.d.srv.SendCallback(a.user, msgID, data)
	a.sent++
	return input{at: at}, true
}

// fail records that the chat lacks what the conversation needs next, with the transcript as seen.
func (a *alumnus) fail(want string) {
	if a.mismatch != nil {
		return
	}
	if mm := compare(a.user.ID, a.want, a.d.srv.Events(a.user.ID)); mm != nil {
		a.mismatch = mm
		return
	}
	a.mismatch = &Mismatch{User: a.user.ID, Index: len(a.want), Want: want}
}

// await waits until the bot answered input step (sent at in.at) and checks the transcript so far.
// A wrong answer sets a.mismatch and returns nil; the conversation then stops.
func (a *alumnus) await(ctx context.Context, step int, in input) error {
	if a.mismatch != nil {
		return nil
	}
	wctx := ctx
	if t := a.d.cfg.ReplyTimeout; t > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	if err := a.d.srv.WaitEvents(wctx, a.user.ID, a.botSeen); err != nil {
		events := a.d.srv.Events(a.user.ID)
		if mm := compare(a.user.ID, a.want[:min(len(a.want), len(events))], events); mm != nil {
			a.mismatch = mm // what did arrive was already wrong
			return nil
		}
		return fmt.Errorf("no answer to %q: %w", Inputs[step], err)
	}
	a.latency = append(a.latency, time.Since(in.at))
	// More than expected may have arrived already; that is a mismatch too, found here or at the end.
	if mm := compare(a.user.ID, a.want, a.d.srv.Events(a.user.ID)); mm != nil {
		a.mismatch = mm
	}
	return nil
}

// compare returns the first difference between the expected transcript and the events, or nil.
func compare(user int64, want []string, events []bottest.Event) *Mismatch {
	for i := range max(len(want), len(events)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(events) {
			g = describe(events[i])
		}
		if w != g {
			return &Mismatch{User: user, Index: i, Want: w, Got: g}
		}
	}
	return nil
}

// WaitForBot sends /bantuan from user as update updateID (0: the server's next id) and waits for the
// bot's first answer, so that a run starts once the bot polls. An explicit updateID moves the
// server's update ids up: a bot that kept running across two fake servers polls with an offset past
// the first one's ids, and updates below the offset are dropped unseen.
func WaitForBot(ctx context.Context, srv *bottest.Server, user, updateID int64) error {
	srv.SendRaw(models.Update{ID: updateID, Message: &models.Message{
		From:     &models.User{ID: user, FirstName: "Warm Up", LanguageCode: "id"},
		Chat:     models.Chat{ID: user, Type: models.ChatTypePrivate, FirstName: "Warm Up"},
		Text:     "/bantuan",
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Length: len("/bantuan")}},
	}})
	return srv.WaitEvents(ctx, user, 1)
}
