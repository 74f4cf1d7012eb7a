package flows

import (
	"context"
	"regexp"
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
	Privacy     Privacy       // erases a user's data for /hapusdata; nil: /datasaya and /hapusdata answer as unknown
	Surveys     Surveys       // announcements' surveys: answers and results; nil: survey buttons are stale
	Reminders   ReminderPrefs // reminders on and off (/pengingat); nil: /pengingat answers as unknown
	Series      SeriesStore   // workshop series (/workshop, /buatworkshop); nil: they answer as unknown
	// ButtonKey signs buttons that must not be forged outside a conversation (survey answers). Every
	// replica needs the same key; main derives it like the check-in secret.
	ButtonKey []byte
	// Stories keeps success stories; nil: /cerita, /moderasi and /ekspor answer as unknown.
	Stories Stories
	// ModerationChat is the group where new stories are shown for approval; 0: /moderasi only.
	ModerationChat int64
	// Broadcasts keeps announcements (/siaran) and their audiences; nil: /siaran answers as unknown.
	Broadcasts Broadcasts
	Feedback   Feedback // ratings, comments and /masukan suggestions; nil: those answer as unknown
}

// Step applies one input to a session. Wrong input is answered with a re-prompt; an error means the
// store failed, nothing of the session changed, and the step may be run again (its store calls are
// idempotent).
//
// The router: a command goes to the flow whose entry it is, a /start payload to the flow of its
// prefix, a button to the flow its callback data names, anything else to the chat's current flow.
// Whatever the input, the flow's Role is checked here first (permit).
func (a *App) Step(ctx context.Context, s Session, in Input) (Session, Result, error) {
	s = s.clone()
	in = validUTF8(in)
	if s.Profile != nil && !s.Profile.Active {
		s.Profile.Active = true // they talk to us again, so they have unblocked the bot
	}
	t := &Turn{ctx: ctx, app: a, s: s, in: in, res: Result{Lang: s.lang(in)}}
	t.load()
	switch in.Kind {
	case KindCommand:
		t.command()
	case KindButton:
		t.tap()
	default:
		t.message()
	}
	if t.err != nil {
		return Session{}, Result{}, t.err
	}
	t.res.Replies = joinReplies(t.res.Replies)
	raw, err := encodeState(t.current(), t.st)
	if err != nil {
		return Session{}, Result{}, err
	}
	t.s.Conv.State = raw
	return t.s, t.res, nil
}

// joinReplies makes one message of what a step says in a row: a text without buttons ("Salam kenal,
// Vita! 😊") and the message after it (the next question, with its buttons) become one, an empty line
// between, so a tap or a typed answer is answered by one message. Edits and files stay apart.
func joinReplies(rs []Reply) []Reply {
	if len(rs) < 2 {
		return rs
	}
	out := make([]Reply, 0, len(rs))
	for _, r := range rs {
		if n := len(out); n > 0 && joinable(out[n-1]) && !r.Edit && r.File == nil && r.Copy == nil && r.Photo == "" && r.Venue == nil {
			prev := out[n-1]
			r.Text = locales.Lines(prev.Text, r.Text)
			out[n-1] = r
			continue
		}
		out = append(out, r)
	}
	return out
}

// joinable says whether a reply can take the next one under it.
func joinable(r Reply) bool {
	return len(r.Buttons) == 0 && !r.Edit && r.File == nil && r.Copy == nil && r.Photo == "" && r.Venue == nil
}

// validUTF8 replaces invalid UTF-8 in what an input carries, as JSON does: what the store keeps of
// it (a name, the last tap) is then what the flows saw, so a double tap is still recognised after the
// session's round trip. Updates from the Bot API are valid already (FuzzRouter found this).
func validUTF8(in Input) Input {
	for _, f := range []*string{&in.FirstName, &in.Command, &in.Payload, &in.Text, &in.Data} {
		*f = strings.ToValidUTF8(*f, "\uFFFD")
	}
	return in
}

func (s Session) clone() Session {
	if s.Profile != nil {
		p := *s.Profile
		s.Profile = &p
	}
	return s
}

// load decodes the conversation's state. A conversation of an unknown flow, or whose state does not
// decode, is ended (its buttons become stale) and the input handled as if the chat were idle: nobody
// is locked out by a state an older version of the bot left.
func (t *Turn) load() {
	if t.s.Conv.Flow == "" {
		t.s.Conv.State = nil
		return
	}
	_, st, ok := decodeState(t.s.Conv)
	if !ok {
		t.restart("", "")
		return
	}
	t.st = st
}

// permit says whether the user may use f, answering when they may not. kind is what reached for it:
// an organizer's conversation reached by anyone else ends with a polite refusal (and, for someone
// without a profile, onboarding's question as the way on); an alumnus's
// button pressed before onboarding is stale, a command or answer leads back to onboarding.
func (t *Turn) permit(f Flow, kind Kind) bool {
	switch f.Role() {
	case NeedAlumnus:
		if t.onboarded() {
			return true
		}
		if kind == KindButton {
			t.stale()
			return false
		}
		t.say(locales.Msg("onboard.finish_first"))
		onboarding{}.resume(t)
		return false
	case NeedOrganizer, NeedSuper:
		r := t.userRole()
		if t.err != nil {
			return false
		}
		if !r.Organizer {
			if cur := t.current(); cur != nil && cur.Role() >= NeedOrganizer {
				t.restart("", "")
			}
			if !t.onboarded() {
				// Someone without a profile gets the way an alumnus starts: its question, with its
				// buttons, in the same message.
				t.say(locales.Msg("admin.refused_new"))
				onboarding{}.resume(t)
				return false
			}
			t.say(locales.Msg("admin.refused"), homeButtons(t)...) // a way on for an alumnus
			return false
		}
		// A super-admin's flow that is switched off is refused the same way: it is theirs alone.
		if f.Role() == NeedSuper && (!r.Super || !enabled(t.app, f)) {
			t.notSuper()
			return false
		}
	}
	return true
}

// prompt asks the current flow's question again.
func (t *Turn) prompt() {
	f := t.current()
	if f == nil {
		t.startOver()
		return
	}
	if !t.permit(f, KindText) {
		return
	}
	f.Prompt(t)
}

func (t *Turn) command() {
	if t.in.Command == "start" {
		t.start()
		return
	}
	e, ok := registry.command(t.in.Command)
	if !ok {
		t.unknownCommand()
		return
	}
	if !t.permit(e.flow, KindCommand) {
		return
	}
	if !enabled(t.app, e.flow) { // switched off: its commands are unknown
		t.unknownCommand()
		return
	}
	e.flow.Start(t, e.entry, t.in.Payload)
}

// unknownCommand answers a command the bot does not know (or has switched off) with the way on:
// the home buttons, or onboarding's open question for someone without a profile; a panitia
// without one gets the way to their menu.
func (t *Turn) unknownCommand() {
	switch {
	case t.onboarded():
		t.say(locales.Msg("unknown.command"), homeButtons(t)...)
	case t.userRole().Organizer:
		t.organizerDone(locales.Msg("unknown.command"))
	default:
		t.say(locales.Msg("onboard.finish_first"))
		onboarding{}.resume(t)
	}
}

var payloadRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// start answers /start. A link to an organizer's flow (a scanned ticket) goes to it at once;
// everything else is onboarding's, which opens an alumnus's link once they are onboarded.
func (t *Turn) start() {
	payload := t.in.Payload
	if !payloadRE.MatchString(payload) {
		payload = ""
	}
	if e, arg, ok := registry.link(payload); ok && e.flow.Role() >= NeedOrganizer {
		if t.permit(e.flow, KindCommand) {
			e.flow.Start(t, e.entry, arg)
		}
		return
	}
	onboarding{}.Start(t, Entry{Command: "start"}, payload)
}

// openLink opens the flow an alumnus's /start payload links to; false when it links to none that
// can open (no such prefix, or the flow is switched off).
func (t *Turn) openLink(payload string) bool {
	e, arg, ok := registry.link(payload)
	if !ok || e.flow.Role() != NeedAlumnus || !enabled(t.app, e.flow) {
		return false
	}
	e.flow.Start(t, e.entry, arg)
	return true
}

// enabled says whether the parts of App a flow needs are there. A flow that may be switched off
// (its store interface left nil) says so with an enabled method; the router then answers its
// commands as unknown and opens none of its links.
func enabled(a *App, f Flow) bool {
	if s, ok := f.(interface{ enabled(*App) bool }); ok {
		return s.enabled(a)
	}
	return true
}

func (t *Turn) message() {
	f := t.current()
	text := strings.TrimSpace(t.in.Text)
	if f == nil {
		switch {
		case !t.onboarded():
			t.say(locales.Msg("welcome.new"))
			onboarding{}.begin(t, "")
		case story{}.offer(t, text): // a long message or a captioned photo: offered as a story
		case isGreeting(text):
			t.say(locales.Msg("welcome.back", "Name", t.s.Profile.Name), homeButtons(t)...)
		default:
			t.say(locales.Msg("unknown.text"), homeButtons(t)...)
		}
		return
	}
	if m, ok := f.(mediaFlow); ok && t.in.Kind != KindText {
		if t.permit(f, KindText) {
			m.Media(t)
		}
		return
	}
	// A photo whose caption is the answer is taken as the answer.
	if t.in.Kind != KindText && !(t.in.Kind == KindPhoto && text != "") {
		t.say(locales.Msg("input.need_text"))
		t.prompt()
		return
	}
	if !t.permit(f, KindText) {
		return
	}
	f.Text(t, text)
}

// mediaFlow is implemented by flows that take photos (and answer other media with their own hint):
// every input that is not text goes to Media instead of being refused.
type mediaFlow interface {
	Media(t *Turn)
}

// doubleTapWindow is how long (seconds) the same button pressed again counts as one press: clients
// resend a callback query they got no answer for, and fingers bounce.
const doubleTapWindow = 10

func (t *Turn) tap() {
	c := &t.s.Conv
	if t.in.Data != "" && t.in.Data == c.LastTap && t.in.Now.Unix()-c.LastTapAt <= doubleTapWindow {
		return // the second of a double tap: already applied and answered
	}
	b, ok := parseTap(t.in.Data)
	var f Flow
	if ok {
		f = registry.flow(b.Flow)
	}
	if !t.onboarded() && opensBeforeProfile(f, b) { // "Mulai lagi" once /hapusdata erased the profile
		f.Tap(t, b)
		return
	}
	if _, isGlobal := f.(globalFlow); isGlobal {
		// An organizer's global buttons (an announcement's "Hentikan") work without an alumnus profile.
		if (!t.onboarded() && f.Role() < NeedOrganizer) || !enabled(t.app, f) {
			t.stale()
			return
		}
		if !t.permit(f, KindButton) {
			return
		}
		c.LastTap, c.LastTapAt = t.in.Data, t.in.Now.Unix()
		f.Tap(t, b)
		return
	}
	// The role first: a forged button of an organizer's flow is refused, whatever it says.
	if f != nil && f.Role() >= NeedOrganizer && !t.permit(f, KindButton) {
		return
	}
	if f == nil || b.Flow != c.Flow || b.Nonce != c.Nonce {
		t.stale()
		return
	}
	if !t.permit(f, KindButton) {
		return
	}
	c.LastTap, c.LastTapAt = t.in.Data, t.in.Now.Unix()
	f.Tap(t, b)
}
