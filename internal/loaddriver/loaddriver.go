// Package loaddriver plays many alumni at once against a bot through a bottest fake Bot API server,
// each through the whole onboarding conversation (and, if asked, taking a seat at a meetup), and
// checks that every alumnus got exactly the replies of their own conversation, in order: none
// missing, none twice.
//
// One alumnus sends /start, taps their name, taps a province button, taps a regency button, types
// their wave, taps "Ya, aku setuju" and sends /profil, waiting for the bot's answer to each input
// before the next, as a person would. With Config.Meetup they then send /acara, tap the meetup and
// tap "🙋 Aku ikut", and get the page updated and their ticket photo. Afterwards
// their chat's whole transcript — their inputs and the bot's messages, edits and callback answers,
// with message ids — must equal the expected one, which is the same for everyone except the name,
// province, regency and wave (and the seats left and the check-in code, matched by pattern).
// Expected texts are rendered from the locale catalog, not from the flows, so the check does not
// trust the code it measures.
//
// The check aligns the transcript with the expected one ignoring message ids first, so that a reply
// sent twice (a duplicate: it shifts every later message id) and an expected reply that never came
// (lost) are told apart and reported separately from replies that belong to no step (mismatches).
//
// Updates reach the bot by long polling (the default) or, with Config.Deliver, pushed to webhook
// replicas (Webhook does it as Telegram does: a timeout per request, retries on the next replica).
//
// The bot may run in another process (cmd/alumniload against `alumnibot serve`) or in this one
// (StartBot, used by cmd/alumniload -inprocess and by this package's test).
//
// It may import bot, bot/bottest, flows, store, attach, ticket, area and locales; nothing imports it
// but cmd/alumniload.
package loaddriver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
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
	// Meetup, if set, is a published meetup the bot knows (see SeedMeetup) with a seat for every
	// alumnus: after onboarding each alumnus opens /acara, taps it and takes a seat.
	Meetup *flows.Meetup
	// Deliver, if set, pushes each injected update to the bot (a webhook) and returns once the bot
	// accepted it (nil) or delivery was given up (an error). The alumnus's next input waits for it.
	// Nil: the bot polls the server.
	Deliver func(ctx context.Context, updateID int64) error
	// Faults are run once each, in their own goroutine, when the alumni together have sent
	// AfterUpdates updates.
	Faults []Fault
	// Explain, if set, tells what became of an update (its delivery), for the report's lost and
	// duplicate replies.
	Explain func(updateID int64) string

	Catalog *locales.Catalog // nil: locales.Load
	Atlas   *area.Atlas      // nil: area.Load
}

// Fault is something done to the system under test in the middle of a run.
type Fault struct {
	Name         string
	AfterUpdates int
	Do           func(ctx context.Context) error
}

// Inputs are the names of the onboarding inputs, in order; MeetupInputs follow them when the
// alumni take a seat. Report.Steps follows them.
var (
	Inputs       = []string{"/start", "tap name", "tap province", "tap regency", "type wave", "tap consent", "/profil"}
	MeetupInputs = []string{"/acara", "tap meetup", "tap rsvp"}
)

// Report is the outcome of Run.
type Report struct {
	Alumni      int
	Concurrency int
	Completed   int           // alumni whose conversation ran to the end with exactly the expected replies
	Updates     int           // updates injected
	BotActions  int           // bot messages, edits and callback answers seen in the alumni's chats
	Elapsed     time.Duration // from the first input to the last answer, Settle excluded
	Steps       []StepStats   // per input, in the order of Inputs (then MeetupInputs)
	Errors      []string      // one line per alumnus that got stuck (no answer, delivery given up, ...)
	Mismatches  []Mismatch    // replies that belong to no step of the conversation, or wrong message ids
	Duplicates  []Finding     // bot actions seen a second time
	Lost        []Finding     // expected bot actions that never came
	Faults      []string      // what was done mid-run, when, and how it went
	Show        int           // how many of each kind of failure Write lists; 0 means 10
}

// Finding is one bot action sent twice or never, in one alumnus's chat.
type Finding struct {
	User   int64
	Event  string // as described in the transcript, message id as expected (lost) or as seen (duplicate)
	Update int64  // the update (input) it answers
	Input  string // that input, as in the transcript
	Detail string // what became of the update (Config.Explain), if known
}

func (f Finding) String() string {
	s := fmt.Sprintf("user %d, answer to update %d (%s): %s", f.User, f.Update, f.Input, f.Event)
	if f.Detail != "" {
		s += "\n    " + f.Detail
	}
	return s
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
	return r.Completed == r.Alumni && len(r.Errors) == 0 && len(r.Mismatches) == 0 &&
		len(r.Duplicates) == 0 && len(r.Lost) == 0
}

// Throughput is updates per second over Elapsed.
func (r *Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Updates) / r.Elapsed.Seconds()
}

// Write prints the report for people; at most Show (default ten) of each kind of failure are listed.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "alumni %d (%d at a time): %d completed, %d errors, %d mismatches, %d duplicates (%d chats), %d lost (%d chats)\n",
		r.Alumni, r.Concurrency, r.Completed, len(r.Errors), len(r.Mismatches),
		len(r.Duplicates), chats(r.Duplicates), len(r.Lost), chats(r.Lost))
	fmt.Fprintf(w, "updates %d, bot actions %d, in %s: %.0f updates/s, %.0f bot actions/s\n",
		r.Updates, r.BotActions, r.Elapsed.Round(time.Millisecond), r.Throughput(),
		float64(r.BotActions)/max(r.Elapsed.Seconds(), 1e-9))
	fmt.Fprintf(w, "%-14s %6s %9s %9s %9s %9s\n", "input", "n", "p50", "p95", "p99", "max")
	for _, s := range r.Steps {
		fmt.Fprintf(w, "%-14s %6d %9s %9s %9s %9s\n", s.Input, s.N, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
	}
	for _, f := range r.Faults {
		fmt.Fprintln(w, "fault:", f)
	}
	list := func(what string, items []string) {
		for i, e := range items {
			if show := cmp.Or(r.Show, 10); i == show {
				fmt.Fprintf(w, "... and %d more %ss\n", len(items)-i, what)
				break
			}
			fmt.Fprintf(w, "%s: %s\n", what, e)
		}
	}
	list("error", r.Errors)
	list("mismatch", strs(r.Mismatches))
	list("duplicate", strs(r.Duplicates))
	list("lost", strs(r.Lost))
}

func strs[T fmt.Stringer](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String()
	}
	return out
}

func chats(fs []Finding) int {
	seen := map[int64]bool{}
	for _, f := range fs {
		seen[f.User] = true
	}
	return len(seen)
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
	d := &driver{srv: srv, cfg: cfg, ctx: ctx}
	if cfg.Meetup != nil {
		if d.page, err = newMeetupPage(cfg.Catalog, cfg.Atlas, *cfg.Meetup); err != nil {
			return nil, err
		}
	}
	inputs := Inputs
	if cfg.Meetup != nil {
		inputs = append(slices.Clip(Inputs), MeetupInputs...)
	}
	start := time.Now()
	d.startFaults(ctx, start)

	alumni := make([]*alumnus, cfg.Alumni)
	for i := range alumni {
		alumni[i] = d.newAlumnus(i)
	}
	next := make(chan *alumnus)
	var wg sync.WaitGroup
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
	faults := d.stopFaults()

	r := &Report{Alumni: cfg.Alumni, Concurrency: cfg.Concurrency, Elapsed: elapsed, Faults: faults}
	lat := make([][]time.Duration, len(inputs))
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
		al := align(a.want, events)
		for n, i := range al.dups {
			f := Finding{User: a.user.ID, Event: describe(events[i])}
			if in := a.inputOf(al.dupOf[n]); in != nil {
				f.Update, f.Input = in.update, in.text
			}
			r.Duplicates = append(r.Duplicates, d.explain(f))
		}
		for j, i := range al.matched {
			if i < 0 && a.want[j].kind != "user" {
				f := Finding{User: a.user.ID, Event: a.want[j].String()}
				if in := a.inputOf(j); in != nil {
					f.Update, f.Input = in.update, in.text
				}
				r.Lost = append(r.Lost, d.explain(f))
			}
		}
		mm := a.mismatch
		if mm == nil && al.foreign >= 0 {
			mm = &Mismatch{User: a.user.ID, Index: al.foreign, Got: describe(events[al.foreign])}
		}
		if mm == nil && a.err == nil && len(al.dups) == 0 && !al.lost() {
			mm = compare(a.user.ID, a.want, events) // message ids exactly, now that none is missing or twice
		}
		switch {
		case mm != nil:
			r.Mismatches = append(r.Mismatches, *mm)
		case a.err != nil:
			r.Errors = append(r.Errors, fmt.Sprintf("user %d: %v", a.user.ID, a.err))
		case len(al.dups) == 0 && !al.lost():
			r.Completed++
		}
	}
	for i, l := range lat {
		r.Steps = append(r.Steps, stats(inputs[i], l))
	}
	return r, nil
}

func (d *driver) explain(f Finding) Finding {
	if d.cfg.Explain != nil && f.Update != 0 {
		f.Detail = d.cfg.Explain(f.Update)
	}
	return f
}

// inputOf is the user's input that want[j] answers: the last one before it.
func (a *alumnus) inputOf(j int) *expect {
	for ; j >= 0; j-- {
		if j < len(a.want) && a.want[j].kind == "user" {
			return &a.want[j]
		}
	}
	return nil
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
	ctx  context.Context // the run's
	srv  *bottest.Server
	cfg  Config
	page *meetupPage // the meetup's texts as expected, if the alumni take a seat

	sent     atomic.Int64 // updates injected by all alumni
	progress chan struct{}
	faultsWG sync.WaitGroup
	faultsMu sync.Mutex
	faults   []string
	stopOnce sync.Once
	stop     chan struct{}
}

// startFaults runs each fault once the alumni sent its number of updates.
func (d *driver) startFaults(ctx context.Context, start time.Time) {
	d.stop = make(chan struct{})
	d.progress = make(chan struct{}, 1)
	if len(d.cfg.Faults) == 0 {
		return
	}
	d.faultsWG.Add(1)
	go func() {
		defer d.faultsWG.Done()
		todo := slices.Clone(d.cfg.Faults)
		for len(todo) > 0 {
			select {
			case <-d.progress:
			case <-d.stop:
				for _, f := range todo {
					d.noteFault(fmt.Sprintf("%s: not run, the run ended after %d updates", f.Name, d.sent.Load()))
				}
				return
			case <-ctx.Done():
				return
			}
			n := int(d.sent.Load())
			rest := todo[:0]
			for _, f := range todo {
				if n < f.AfterUpdates {
					rest = append(rest, f)
					continue
				}
				d.faultsWG.Add(1)
				go func() {
					defer d.faultsWG.Done()
					at := time.Since(start)
					err := f.Do(ctx)
					msg := fmt.Sprintf("%s at %s (after %d updates): done", f.Name, at.Round(time.Millisecond), n)
					if err != nil {
						msg = fmt.Sprintf("%s at %s (after %d updates): %v", f.Name, at.Round(time.Millisecond), n, err)
					}
					d.noteFault(msg)
				}()
			}
			todo = rest
		}
	}()
}

func (d *driver) noteFault(s string) {
	d.faultsMu.Lock()
	d.faults = append(d.faults, s)
	d.faultsMu.Unlock()
}

func (d *driver) stopFaults() []string {
	d.stopOnce.Do(func() { close(d.stop) })
	d.faultsWG.Wait()
	d.faultsMu.Lock()
	defer d.faultsMu.Unlock()
	return slices.Clone(d.faults)
}

func (d *driver) countSent() {
	d.sent.Add(1)
	select {
	case d.progress <- struct{}{}:
	default:
	}
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
	want    []expect // expected transcript so far
	nextMsg int      // message id the chat gives next (user messages and bot messages share one counter)
	events  []bottest.Event
	al      alignment // of want with events, as of the last await

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

// expect is one expected transcript event: its kind, message id and text, or a pattern its text
// must match (for what varies from run to run: seats left, check-in codes).
type expect struct {
	kind   string // as bottest.Event.Kind
	id     int
	media  string // "" or "photo", "document <name>"
	text   string
	update int64          // the update, for the user's inputs
	re     *regexp.Regexp // if set, matches the whole text instead of text
}

func (e expect) String() string {
	t := e.text
	if e.re != nil {
		t = "~" + e.re.String()
	}
	if e.media != "" {
		t = "[" + e.media + "] " + t
	}
	return e.kind + " #" + strconv.Itoa(e.id) + ": " + t
}

// matches reports whether ev is e; ids are compared for the user's taps and callback answers (their
// ids are the tapped message's, as seen) and, with ids, for everything.
func (e expect) matches(ev bottest.Event, ids bool) bool {
	if e.kind != ev.Kind || e.media != media(ev) {
		return false
	}
	if (ids || e.kind == "answer" || (e.kind == "user" && strings.HasPrefix(e.text, "[tap] "))) && e.id != ev.Msg.ID {
		return false
	}
	return e.matchesText(ev.Msg.Text)
}

func (e expect) matchesText(s string) bool {
	if e.re != nil {
		return e.re.MatchString(s)
	}
	return e.text == s
}

// sameReply reports whether ev repeats the bot's reply e: the same text (a message edited again
// comes back as a new message with the text of the edit, since Telegram refuses an edit that
// changes nothing), or the same callback answer.
func (e expect) sameReply(ev bottest.Event) bool {
	switch {
	case e.kind == "user" || ev.Kind == "user":
		return false
	case e.kind == "answer" || ev.Kind == "answer":
		return e.kind == ev.Kind && e.id == ev.Msg.ID && e.text == ev.Msg.Text
	}
	return e.media == media(ev) && e.matchesText(ev.Msg.Text)
}

func media(ev bottest.Event) string {
	switch {
	case ev.Msg.Document != "":
		return "document " + ev.Msg.Document
	case ev.Kind == "user":
		return ""
	}
	return ev.Msg.Media
}

// describe is one transcript event as compared: who, which message, and its text.
func describe(ev bottest.Event) string {
	t := ev.Msg.Text
	if m := media(ev); m != "" {
		t = "[" + m + "] " + t
	}
	return ev.Kind + " #" + strconv.Itoa(ev.Msg.ID) + ": " + t
}

func (a *alumnus) render(t locales.Text) string {
	return a.d.cfg.Catalog.Render(locales.ID, t)
}

// expectSend expects a new bot message with text (or matching re) and returns its index in want.
func (a *alumnus) expectSend(text string) int { return a.expectMsg(expect{kind: "send", text: text}) }

func (a *alumnus) expectMsg(e expect) int {
	e.id = a.nextMsg
	a.nextMsg++
	a.want = append(a.want, e)
	return len(a.want) - 1
}

// expectAnswer expects the callback answer to a tap on the message of want[w].
func (a *alumnus) expectAnswer(w int) {
	a.want = append(a.want, expect{kind: "answer", id: a.seenID(w)})
}

// seenID is the message id the bot's message want[w] got, as seen (it differs from the expected
// one after a duplicate); 0 if it has not come.
func (a *alumnus) seenID(w int) int {
	if w < len(a.al.matched) && a.al.matched[w] >= 0 {
		return a.events[a.al.matched[w]].Msg.ID
	}
	return 0
}

// converse runs the whole conversation. It returns an error if the bot did not answer (a.mismatch
// is set instead when it answered wrongly).
func (a *alumnus) converse(ctx context.Context) error {
	// /start → welcome and the name question in one message, the Telegram name as a button.
	start := a.text("/start")
	askName := a.expectSend(a.render(after(locales.Msg("welcome.new"), 1, locales.Msg("onboard.ask_name"))))
	if err := a.await(ctx, 0, start); err != nil || a.mismatch != nil {
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
	if err := a.await(ctx, 1, tapped); err != nil || a.mismatch != nil {
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
		a.fail("a province button on message #" + strconv.Itoa(a.seenID(askProv)))
		return nil
	}
	prov := provs[a.i%len(provs)]
	if tapped, ok = a.tap(askProv, prov.Name, offered); !ok {
		return nil
	}
	a.expectAnswer(askProv)
	askReg := a.expectSend(a.render(question(3, locales.Msg("onboard.ask_regency", "Province", prov.Name))))
	if err := a.await(ctx, 2, tapped); err != nil || a.mismatch != nil {
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
		a.fail("a regency button on message #" + strconv.Itoa(a.seenID(askReg)))
		return nil
	}
	reg := regs[a.i%len(regs)]
	if tapped, ok = a.tap(askReg, reg.Name, offered); !ok {
		return nil
	}
	a.expectAnswer(askReg)
	a.expectSend(a.render(after(locales.Msg("onboard.regency_noted", "Regency", reg.Name),
		4, locales.Msg("onboard.ask_wave"))))
	if err := a.await(ctx, 3, tapped); err != nil || a.mismatch != nil {
		return err
	}

	// Type the wave.
	typed := a.text(strconv.Itoa(a.wave))
	askConsent := a.expectSend(a.render(after(locales.Msg("onboard.wave_noted", "Wave", a.wave),
		5, locales.Msg("onboard.ask_consent"))))
	if err := a.await(ctx, 4, typed); err != nil || a.mismatch != nil {
		return err
	}

	// Consent.
	if tapped, ok = a.tap(askConsent, a.render(locales.Msg("btn.consent_yes")), a.buttons(askConsent)); !ok {
		return nil
	}
	a.expectAnswer(askConsent)
	a.expectSend(a.render(locales.Msg("onboard.done", "Name", a.user.FirstName)))
	if err := a.await(ctx, 5, tapped); err != nil || a.mismatch != nil {
		return err
	}

	// The profile as saved.
	typed = a.text("/profil")
	a.expectSend(a.render(locales.Msg("profile.view", "Name", a.user.FirstName, "Province", prov.Name,
		"Regency", reg.Name, "Wave", a.wave, "Lang", "Bahasa Indonesia")))
	if err := a.await(ctx, 6, typed); err != nil || a.mismatch != nil || a.d.page == nil {
		return err
	}
	return a.takeSeat(ctx, len(Inputs))
}

// question is an onboarding question under its progress line ("Pertanyaan 2 dari 5").
func question(n int, q locales.Text) locales.Text {
	return locales.Lines(locales.Msg("onboard.progress", "N", n, "Of", 5), q)
}

// after is a message that acknowledges an answer and asks question n, in one message.
func after(ack locales.Text, n int, q locales.Text) locales.Text {
	return locales.Lines(ack, locales.Lines(locales.Text{}, question(n, q)))
}

// takeSeat opens /acara, taps the meetup and taps the RSVP button: the page is updated in place,
// then comes the ticket (a photo).
func (a *alumnus) takeSeat(ctx context.Context, step int) error {
	p := a.d.page
	typed := a.text("/acara")
	list := a.expectMsg(expect{kind: "send", re: p.list})
	if err := a.await(ctx, step, typed); err != nil || a.mismatch != nil {
		return err
	}
	tapped, ok := a.tap(list, p.m.Title, a.buttons(list))
	if !ok {
		return nil
	}
	a.expectAnswer(list)
	page := a.expectMsg(expect{kind: "send", re: p.detail})
	if err := a.await(ctx, step+1, tapped); err != nil || a.mismatch != nil {
		return err
	}
	if tapped, ok = a.tap(page, p.rsvpLabel, a.buttons(page)); !ok {
		return nil
	}
	a.expectAnswer(page)
	a.want = append(a.want, expect{kind: "edit", id: a.want[page].id, re: p.taken})
	a.expectMsg(expect{kind: "send", media: "photo", re: p.ticket})
	return a.await(ctx, step+2, tapped)
}

// input is an injected input: when, and the outcome of its delivery (webhook mode).
type input struct {
	at        time.Time
	delivered chan error // nil when the bot polls
}

func (a *alumnus) inject(id int64, at time.Time) input {
	a.sent++
	a.d.countSent()
	in := input{at: at}
	if a.d.cfg.Deliver != nil {
		in.delivered = make(chan error, 1)
		go func() { in.delivered <- a.d.cfg.Deliver(a.d.ctx, id) }()
	}
	return in
}

// text sends a message and expects it in the transcript.
func (a *alumnus) text(s string) input {
	id := a.nextMsg
	a.nextMsg++
	a.want = append(a.want, expect{kind: "user", id: id, text: s})
	at := time.Now()
	u := a.d.srv.SendText(a.user, s)
	a.want[len(a.want)-1].update = u
	return a.inject(u, at)
}

// buttons returns the buttons of the bot's message want[w] as the alumnus sees it now.
func (a *alumnus) buttons(w int) map[string]string {
	out := map[string]string{}
	id := a.seenID(w)
	for _, m := range a.d.srv.Chat(a.user.ID) {
		if m.ID != id {
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

// tap presses the button labelled label on the bot's message want[w]; if there is none it records
// a mismatch.
func (a *alumnus) tap(w int, label string, buttons map[string]string) (input, bool) {
	data, ok := buttons[label]
	id := a.seenID(w)
	if !ok {
		a.fail(fmt.Sprintf("a button [%s] on message #%d", label, id))
		return input{}, false
	}
	a.want = append(a.want, expect{kind: "user", id: id, text: "[tap] " + label})
	at := time.Now()
	u := a.d.srv.SendCallback(a.user, id, data)
	a.want[len(a.want)-1].update = u
	return a.inject(u, at), true
}

// fail records that the chat lacks what the conversation needs next.
func (a *alumnus) fail(want string) {
	if a.mismatch == nil {
		a.mismatch = &Mismatch{User: a.user.ID, Index: len(a.want), Want: want}
	}
}

// await waits until the bot answered input step (sent at in.at): until every expected event so far
// was seen, in order, duplicates and lost ones aside (the end of Run counts those). In webhook mode
// it then waits for the update's delivery to end too, so a chat's next update goes out only after
// the previous one was accepted. A reply foreign to the conversation sets a.mismatch and returns nil.
func (a *alumnus) await(ctx context.Context, step int, in input) error {
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if t := a.d.cfg.ReplyTimeout; t > 0 {
		var c2 context.CancelFunc
		wctx, c2 = context.WithTimeoutCause(wctx, t, fmt.Errorf("no answer within %s", t))
		defer c2()
	}
	var deliveryErr atomic.Pointer[error]
	delivered := make(chan struct{})
	if in.delivered != nil {
		go func() {
			defer close(delivered)
			select {
			case err := <-in.delivered:
				if err != nil {
					deliveryErr.Store(&err)
					cancel(err)
				}
			case <-wctx.Done():
			}
		}()
	} else {
		close(delivered)
	}
	for {
		a.events = a.d.srv.Events(a.user.ID)
		a.al = align(a.want, a.events)
		if a.al.foreign >= 0 {
			a.mismatch = &Mismatch{User: a.user.ID, Index: a.al.foreign, Got: describe(a.events[a.al.foreign])}
			return nil
		}
		if a.al.complete() {
			break
		}
		if err := a.d.srv.WaitEvents(wctx, a.user.ID, botActions(a.events)+1); err != nil {
			if c := context.Cause(wctx); c != nil {
				err = c
			}
			return fmt.Errorf("no answer to %q: %w", a.stepName(step), err)
		}
	}
	a.latency = append(a.latency, time.Since(in.at))
	<-delivered
	if p := deliveryErr.Load(); p != nil {
		return fmt.Errorf("%q answered, but its update was not accepted: %w", a.stepName(step), *p)
	}
	if in.delivered != nil && wctx.Err() != nil {
		return fmt.Errorf("%q answered, but its delivery did not end: %w", a.stepName(step), context.Cause(wctx))
	}
	return nil
}

func (a *alumnus) stepName(step int) string {
	if step < len(Inputs) {
		return Inputs[step]
	}
	return MeetupInputs[step-len(Inputs)]
}

func botActions(events []bottest.Event) int {
	n := 0
	for _, ev := range events {
		if ev.Kind != "user" {
			n++
		}
	}
	return n
}

// alignment maps the expected events onto the transcript, message ids aside.
type alignment struct {
	matched []int // per expected event, the index of the transcript event it is, or -1
	dups    []int // transcript events that repeat a reply already seen
	dupOf   []int // per dups, the expected event it repeats
	foreign int   // first transcript event that fits nowhere, or -1
}

// complete reports whether the last expected event was seen (earlier ones may be lost).
func (al alignment) complete() bool {
	return len(al.matched) == 0 || al.matched[len(al.matched)-1] >= 0
}

// lost reports whether an expected event is missing.
func (al alignment) lost() bool {
	return slices.Contains(al.matched, -1)
}

// align walks the transcript in order: an event is the next expected one, or repeats a reply seen
// before (a duplicate), or is a later expected one (those skipped are lost), or fits nowhere.
func align(want []expect, events []bottest.Event) alignment {
	al := alignment{matched: make([]int, len(want)), foreign: -1}
	for j := range al.matched {
		al.matched[j] = -1
	}
	j := 0
next:
	for i, ev := range events {
		if j < len(want) && want[j].matches(ev, false) {
			al.matched[j] = i
			j++
			continue
		}
		for k := range j {
			if al.matched[k] >= 0 && want[k].sameReply(ev) {
				al.dups = append(al.dups, i)
				al.dupOf = append(al.dupOf, k)
				continue next
			}
		}
		for k := j + 1; k < len(want); k++ {
			if want[k].matches(ev, false) {
				al.matched[k] = i
				j = k + 1
				continue next
			}
		}
		if al.foreign < 0 {
			al.foreign = i
		}
	}
	return al
}

// compare returns the first difference between the expected transcript and the events, message ids
// included, or nil.
func compare(user int64, want []expect, events []bottest.Event) *Mismatch {
	for i := range max(len(want), len(events)) {
		var w, g string
		ok := i < len(want) && i < len(events) && want[i].matches(events[i], true)
		if ok {
			continue
		}
		if i < len(want) {
			w = want[i].String()
		}
		if i < len(events) {
			g = describe(events[i])
		}
		return &Mismatch{User: user, Index: i, Want: w, Got: g}
	}
	return nil
}

// WaitForBot sends /bantuan from user as update updateID (0: the server's next id) and waits for the
// bot's first answer, so that a run starts once the bot polls. An explicit updateID moves the
// server's update ids up: a bot that kept running across two fake servers polls with an offset past
// the first one's ids, and updates below the offset are dropped unseen. With deliver (webhook mode)
// the update is pushed with it instead.
func WaitForBot(ctx context.Context, srv *bottest.Server, user, updateID int64, deliver func(ctx context.Context, updateID int64) error) error {
	id := srv.SendRaw(models.Update{ID: updateID, Message: &models.Message{
		From:     &models.User{ID: user, FirstName: "Warm Up", LanguageCode: "id"},
		Chat:     models.Chat{ID: user, Type: models.ChatTypePrivate, FirstName: "Warm Up"},
		Text:     "/bantuan",
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Length: len("/bantuan")}},
	}})
	if deliver != nil {
		if err := deliver(ctx, id); err != nil {
			return err
		}
	}
	return srv.WaitEvents(ctx, user, 1)
}
