package flows

import (
	"context"
	"maps"
	"regexp"
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/locales"
)

// App routes one input to the conversation it belongs to.
type App struct {
	Atlas       *area.Atlas
	Meetups     Meetups // nil: the meetup commands answer as unknown
	BotUsername string  // for share links; "" leaves them out
	Roles       Roles   // granted organizer roles; nil: only super-admins organize
	SuperAdmins map[int64]bool
	Grants      Grants        // where super-admins grant organizer roles; nil: /admin cannot grant
	Desk        Desk          // check-in and meetup cancellation; nil: /checkin answers as unknown
	Tickets     TicketChecker // verifies scanned tickets; nil: every scan is refused
	Writer      MeetupWriter  // where /buatacara saves meetups; nil: /buatacara answers as unknown
	Reports     Reports       // rosters and tallies for /peserta and /laporan; nil: they answer as unknown
}

// Conversation names, kept short: they travel in callback data.
const (
	flowOnboarding = "ob"
	flowProfile    = "pf"
)

// Step applies one input to a session. Wrong input is answered with a re-prompt; an error means the
// store failed, nothing of the session changed, and the step may be run again (its store calls are
// idempotent).
func (a *App) Step(ctx context.Context, s Session, in Input) (Session, Result, error) {
	s = s.clone()
	if s.Profile != nil && !s.Profile.Active {
		s.Profile.Active = true // they talk to us again, so they have unblocked the bot
	}
	r := &turn{ctx: ctx, app: a, s: s, in: in, res: Result{Lang: s.lang(in)}}
	switch in.Kind {
	case KindCommand:
		r.command()
	case KindButton:
		r.button()
	default:
		r.message()
	}
	if r.err != nil {
		return Session{}, Result{}, r.err
	}
	return r.s, r.res, nil
}

func (s Session) clone() Session {
	if s.Profile != nil {
		p := *s.Profile
		s.Profile = &p
	}
	s.Conv.Data = maps.Clone(s.Conv.Data)
	return s
}

// turn is one Step in progress.
type turn struct {
	ctx context.Context
	app *App
	s   Session
	in  Input
	res Result
	err error // the first store error; the step's outcome is then discarded
}

// fail records a store error; the engine then apologises and applies nothing.
func (t *turn) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

func (t *turn) say(text locales.Text, buttons ...[]Button) {
	t.res.Replies = append(t.res.Replies, Reply{Text: text, Buttons: buttons})
}

func (t *turn) onboarded() bool { return t.s.Profile != nil }

func (t *turn) command() {
	switch t.in.Command {
	case "start":
		t.start()
		return
	case "bantuan", "help":
		t.say(locales.Msg("help.text"))
		if !t.onboarded() && t.s.Conv.Flow == flowOnboarding {
			t.prompt()
		}
		return
	}
	if isOrganizerCommand(t.in.Command) { // organizers need no alumnus profile
		t.organizerCommand()
		return
	}
	if !t.onboarded() {
		t.say(locales.Msg("onboard.finish_first"))
		t.resumeOnboarding()
		return
	}
	switch t.in.Command {
	case "profil":
		t.s.Conv.restart(flowProfile, stepView)
		t.prompt()
	case "acara":
		if !t.meetupsEnabled() {
			t.say(locales.Msg("unknown.command"))
			return
		}
		t.showList(0)
	case "tiket", "batal":
		if !t.meetupsEnabled() {
			t.say(locales.Msg("unknown.command"))
			return
		}
		t.myMeetups(t.in.Command == "batal")
	default:
		t.say(locales.Msg("unknown.command"))
	}
}

// doubleTapWindow is how long (seconds) the same button pressed again counts as one press: clients
// resend a callback query they got no answer for, and fingers bounce.
const doubleTapWindow = 10

var payloadRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (t *turn) start() {
	payload := t.in.Payload
	if !payloadRE.MatchString(payload) {
		payload = ""
	}
	if token, ok := strings.CutPrefix(payload, "ci_"); ok {
		// An organizer scanned a ticket's QR code; their phone opened this link.
		t.checkinScan(token)
		return
	}
	if t.onboarded() {
		t.s.Conv.restart("", "")
		if strings.HasPrefix(payload, "ev_") && t.meetupsEnabled() {
			t.resume(payload, false) // a meetup link opens the meetup, no greeting first
			return
		}
		t.say(locales.Msg("welcome.back", "Name", t.s.Profile.Name))
		t.resume(payload, false)
		return
	}
	if t.s.Conv.Flow == flowOnboarding {
		// Half-way through: carry on where they were, keeping the newest link that brought them.
		if payload != "" {
			t.s.Conv.Payload = payload
		}
		t.say(locales.Msg("onboard.continue"))
		t.prompt()
		return
	}
	t.say(locales.Msg("welcome.new"))
	t.beginOnboarding(payload)
}

func (t *turn) beginOnboarding(payload string) {
	t.s.Conv.restart(flowOnboarding, stepName)
	t.s.Conv.Payload = payload
	t.prompt()
}

// resumeOnboarding shows where the unfinished registration stands, starting it if needed.
func (t *turn) resumeOnboarding() {
	if t.s.Conv.Flow != flowOnboarding {
		t.beginOnboarding("")
		return
	}
	t.prompt()
}

// resume acts on a /start payload once the alumnus is onboarded.
func (t *turn) resume(payload string, newcomer bool) {
	if id, ok := strings.CutPrefix(payload, "ev_"); ok && t.meetupsEnabled() {
		t.showDetail(id, false)
		return
	}
	if ref, ok := strings.CutPrefix(payload, "ref_"); ok && newcomer {
		id, err := strconv.ParseInt(ref, 10, 64)
		if err == nil && id > 0 && id != t.in.UserID {
			t.s.Profile.ReferredBy = id
			t.say(locales.Msg("onboard.referred"))
		}
	}
}

func (t *turn) message() {
	if t.s.Conv.Flow == "" {
		if !t.onboarded() {
			t.say(locales.Msg("welcome.new"))
			t.beginOnboarding("")
			return
		}
		t.say(locales.Msg("unknown.text"))
		return
	}
	if t.in.Kind != KindText {
		t.say(locales.Msg("input.need_text"))
		t.prompt()
		return
	}
	t.text(strings.TrimSpace(t.in.Text))
}

func (t *turn) button() {
	if t.in.Data != "" && t.in.Data == t.s.Conv.LastTap && t.in.Now.Unix()-t.s.Conv.LastTapAt <= doubleTapWindow {
		return // the second of a double tap: already applied and answered
	}
	b, ok := parseTap(t.in.Data)
	if ok && b.flow == flowGlobal && t.onboarded() && t.meetupsEnabled() {
		t.s.Conv.LastTap, t.s.Conv.LastTapAt = t.in.Data, t.in.Now.Unix()
		t.globalTap(b)
		return
	}
	if ok && isOrganizerFlow(b.flow) {
		if _, organizer := t.organizerRole(); !organizer {
			return // refused, whatever the button says: forged organizer data changes nothing
		}
	}
	if !ok || b.flow == "" || b.flow != t.s.Conv.Flow || b.nonce != t.s.Conv.Nonce {
		t.stale()
		return
	}
	t.s.Conv.LastTap, t.s.Conv.LastTapAt = t.in.Data, t.in.Now.Unix()
	t.tap(b)
}

// stale answers a button that no longer belongs to the current prompt: say so and show what is current.
func (t *turn) stale() {
	t.res.Notice = locales.Msg("button.stale_short")
	t.say(locales.Common.Stale)
	switch {
	case t.s.Conv.Flow != "":
		t.prompt()
	case !t.onboarded():
		t.beginOnboarding("")
	default:
		t.say(locales.Msg("help.text"))
	}
}
