package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/locales"
)

// checkin is the organizers' desk at the door: /checkin [<code>] checks in the holder of a typed
// code and waits for the next one; a ticket's QR code scanned with a phone opens /start ci_<token>,
// which shows whose ticket it is and checks them in with one tap.
type checkin struct{}

// Desk is what check-in and meetup cancellation need of the store; store.Store is one.
type Desk interface {
	// FindCode tells which alumnus holds a check-in code at a meetup, without checking anyone in.
	FindCode(ctx context.Context, meetup, code string) (alumnus int64, ok bool, err error)
	// CheckedInAt tells whether and when an alumnus was checked in at a meetup.
	CheckedInAt(ctx context.Context, meetup string, alumnus int64) (at time.Time, ok bool, err error)
	CheckIn(ctx context.Context, meetup string, alumnus int64, code string, now time.Time) (CheckIn, error)
	Profile(ctx context.Context, user int64) (*Profile, error)
	// CancelMeetup marks a meetup cancelled, which closes its RSVPs, and queues one NoticeCancelled
	// for everyone holding a seat, an offer or a waitlist place, told in number. A meetup cancelled
	// before answers ErrCancelledBefore and queues nothing more.
	CancelMeetup(ctx context.Context, m Meetup) (told int, err error)
}

// ErrCancelledBefore is CancelMeetup's answer for a meetup that was cancelled already.
var ErrCancelledBefore = errors.New("meetup cancelled before")

// TicketChecker verifies a scanned ticket's token against the meetups the organizer may check people
// in at; ticket.Signer is one. ok is false for a forged, altered or truncated token and for a token of
// any other meetup.
type TicketChecker interface {
	Check(token string, meetups []string) (meetup string, alumnus int64, code string, ok bool)
}

// Steps of the checkin flow.
const (
	ckCode = "code" // waiting for a typed check-in code
	ckScan = "scan" // a scanned ticket waits for the organizer's tap
)

// checkinState is a scanned ticket, verified: the session keeps it so the token stays out of the
// button.
type checkinState struct {
	Meetup  string `json:"mt,omitempty"`
	Alumnus int64  `json:"al,omitempty"`
	Code    string `json:"code,omitempty"`
}

func (checkin) Name() string { return "ck" }
func (checkin) Entries() []Entry {
	return []Entry{{Command: "checkin"}, {Link: "ci_"}}
}
func (checkin) Role() Need { return NeedOrganizer }
func (checkin) State() any { return new(checkinState) }

func (checkin) enabled(a *App) bool { return a.Meetups != nil && a.Desk != nil }

// Start answers /checkin: with a code it checks its holder in, without one it asks for it. Either
// way the conversation then waits for the next code, so a queue at the door needs no command per
// person. A scanned ticket (ci_<token>) is shown for one tap.
func (k checkin) Start(t *Turn, e Entry, arg string) {
	if e.Link != "" { // the router lets the flow answer a scan, even when switched off
		k.scan(t, arg)
		return
	}
	t.restart(k.Name(), ckCode)
	if strings.TrimSpace(arg) == "" {
		k.Prompt(t)
		return
	}
	k.code(t, arg)
}

func (k checkin) Prompt(t *Turn) {
	st := state[checkinState](t)
	switch t.s.Conv.Step {
	case ckCode:
		t.say(locales.Msg("checkin.ask_code"), []Button{t.button(locales.Msg("btn.checkin_done"), "done")})
	case ckScan:
		k.scanAsk(t, st.Meetup, st.Alumnus, st.Code)
	default: // a state from an older version of the bot: start over cleanly
		t.restart("", "")
		t.say(locales.Msg("help.text"))
	}
}

func (k checkin) Text(t *Turn, s string) {
	if t.s.Conv.Step == ckCode {
		k.code(t, s)
		return
	}
	n := len(t.res.Replies)
	t.say(locales.Msg("input.use_buttons"))
	k.Prompt(t)
	t.joinFrom(n) // one message: the note and the question
}

func (k checkin) Tap(t *Turn, b Tap) {
	switch step := t.s.Conv.Step; {
	case b.Action == "grant" || b.Action == "list": // the admin menu's super-admin buttons, forged
		if t.permit(organizers{}, KindButton) {
			t.stale()
		}
	case b.Action == "menu":
		admin{}.Start(t, Entry{}, "")
	case step == ckCode && b.Action == "done":
		t.organizerDone(locales.Msg("checkin.finished"))
	case step == ckScan && b.Action == "in":
		k.scanCheckIn(t)
	default:
		t.stale()
	}
}

// normalizeCode turns what an organizer typed into a code as tickets show it: " k7m q2p" is K7MQ2P.
func normalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s))
	if len(s) != 6 {
		return "", false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return "", false
		}
	}
	return s, true
}

// code checks in the holder of a typed code at whichever of the organizer's meetups has it.
func (k checkin) code(t *Turn, typed string) {
	code, ok := normalizeCode(typed)
	if !ok {
		t.say(locales.Msg("checkin.code_invalid"), []Button{t.button(locales.Msg("btn.checkin_done"), "done")})
		return
	}
	ms := t.deskMeetups()
	if t.err != nil {
		return
	}
	for i := range ms {
		m := &ms[i]
		who, found, err := t.app.Desk.FindCode(t.ctx, m.ID, code)
		if err != nil {
			t.fail(err)
			return
		}
		if !found {
			continue
		}
		if m.Status == MeetupCancelled {
			k.reply(t, locales.Msg("checkin.meetup_cancelled", "Code", code, "Title", m.Title))
			return
		}
		ci, err := t.app.Desk.CheckIn(t.ctx, m.ID, who, code, t.in.Now)
		if err != nil {
			t.fail(err)
			return
		}
		if text, ok := k.result(t, m, ci, code); ok {
			k.reply(t, text)
		}
		return
	}
	k.reply(t, locales.Msg("checkin.unknown", "Code", code))
}

// reply answers a typed code and invites the next one.
func (checkin) reply(t *Turn, text locales.Text) {
	t.s.Conv.Nonce++
	t.say(locales.Lines(text, locales.Msg("checkin.next")), []Button{t.button(locales.Msg("btn.checkin_done"), "done")})
}

// alumnusArgs are the template arguments that say who an alumnus is: Name, Regency, Wave.
func alumnusArgs(t *Turn, alumnus int64) ([]any, bool) {
	p, err := t.app.Desk.Profile(t.ctx, alumnus)
	if err != nil {
		t.fail(err)
		return nil, false
	}
	if p == nil { // the alumnus deleted their data but kept the seat: name them by id
		return []any{"Name", "#" + strconv.FormatInt(alumnus, 10), "Regency", "", "Wave", 0}, true
	}
	reg, _ := t.app.Atlas.Regency(p.Regency)
	return []any{"Name", p.Name, "Regency", reg.Name, "Wave", p.Wave}, true
}

// result is the answer to a check-in: who came, or when they came before, or that the code
// no longer holds a seat.
func (checkin) result(t *Turn, m *Meetup, ci CheckIn, code string) (locales.Text, bool) {
	prov, _ := t.app.Atlas.Province(m.Province)
	switch ci.Status {
	case CheckInOK, CheckInAlready:
		who, ok := alumnusArgs(t, ci.Alumnus)
		if !ok {
			return locales.Text{}, false
		}
		args := append(who, "Title", m.Title, "Code", code, "Time", checkinTime(t, ci.At, prov))
		if ci.Status == CheckInOK {
			return locales.Msg("checkin.ok", args...), true
		}
		return locales.Msg("checkin.already", args...), true
	default:
		return locales.Msg("checkin.unknown", "Code", code), true
	}
}

// checkinTime shows a check-in time in the venue's zone: "09.14 WITA" ("09:14 WITA" in English) today, with the date otherwise.
func checkinTime(t *Turn, at time.Time, prov area.Province) string {
	at, now := at.In(prov.Zone), t.in.Now.In(prov.Zone)
	if at.YearDay() == now.YearDay() && at.Year() == now.Year() {
		return locales.FormatTime(at, t.res.Lang) + " " + prov.ZoneName
	}
	return locales.FormatDateTime(at, t.res.Lang, prov.ZoneName)
}

// scan handles a ticket's QR code scanned by an organizer: it shows whose ticket it is and
// waits for one tap to check them in. The token stays out of the button: the session keeps the
// verified meetup, alumnus and code.
func (k checkin) scan(t *Turn, token string) {
	if !t.deskEnabled() || t.app.Tickets == nil {
		t.organizerDone(locales.Msg("checkin.scan_invalid"))
		return
	}
	ms := t.deskMeetups()
	if t.err != nil {
		return
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	mt, al, code, ok := t.app.Tickets.Check(token, ids)
	if !ok || al == 0 {
		t.organizerDone(locales.Msg("checkin.scan_invalid"))
		return
	}
	t.restart(k.Name(), ckScan)
	*state[checkinState](t) = checkinState{Meetup: mt, Alumnus: al, Code: code}
	k.scanAsk(t, mt, al, code)
}

// scanAsk shows a scanned ticket's holder with the check-in button, or why there is nothing to do.
func (checkin) scanAsk(t *Turn, id string, alumnus int64, code string) {
	m := t.coveredMeetup(id)
	if m == nil {
		return
	}
	if m.Status == MeetupCancelled {
		t.organizerDone(locales.Msg("checkin.meetup_cancelled", "Code", code, "Title", m.Title))
		return
	}
	who, ok := alumnusArgs(t, alumnus)
	if !ok {
		return
	}
	holder, found, err := t.app.Desk.FindCode(t.ctx, m.ID, code)
	if err != nil {
		t.fail(err)
		return
	}
	if !found || holder != alumnus {
		t.organizerDone(locales.Msg("checkin.scan_cancelled", append(who, "Title", m.Title)...))
		return
	}
	at, in, err := t.app.Desk.CheckedInAt(t.ctx, m.ID, alumnus)
	if err != nil {
		t.fail(err)
		return
	}
	if in {
		prov, _ := t.app.Atlas.Province(m.Province)
		t.organizerDone(locales.Msg("checkin.already", append(who, "Title", m.Title, "Code", code, "Time", checkinTime(t, at, prov))...))
		return
	}
	t.say(locales.Msg("checkin.scan_ask", append(who, "Title", m.Title)...),
		[]Button{t.button(locales.Msg("btn.checkin_yes"), "in")})
}

// scanCheckIn checks in the holder of the scanned ticket the organizer just confirmed.
func (k checkin) scanCheckIn(t *Turn) {
	st := *state[checkinState](t)
	al, code := st.Alumnus, st.Code
	m := t.coveredMeetup(st.Meetup)
	if m == nil {
		return
	}
	if al == 0 || code == "" {
		t.stale()
		return
	}
	if m.Status == MeetupCancelled {
		t.organizerDone(locales.Msg("checkin.meetup_cancelled", "Code", code, "Title", m.Title))
		return
	}
	ci, err := t.app.Desk.CheckIn(t.ctx, m.ID, al, code, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	if ci.Status == CheckInUnknown { // cancelled since the scan
		who, ok := alumnusArgs(t, al)
		if ok {
			t.organizerDone(locales.Msg("checkin.scan_cancelled", append(who, "Title", m.Title)...))
		}
		return
	}
	if text, ok := k.result(t, m, ci, code); ok {
		t.organizerDone(text)
	}
}
