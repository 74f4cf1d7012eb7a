package flows

import (
	"cmp"
	"slices"

	"github.com/alumnibot/alumnibot/locales"
)

// tickets is /tiket and /batal: the meetups the alumnus holds a seat or a place for, and giving one
// up (also reached from a meetup's page).
type tickets struct{}

// Steps of the tickets flow.
const (
	tkMine   = "mine"   // the alumnus's meetups, a button each
	tkCancel = "cancel" // are you sure you want to give up your place?
)

// ticketsState is whether the list is /batal's, or the meetup whose place is being given up.
type ticketsState struct {
	Cancel bool   `json:"cancel,omitempty"`
	Meetup string `json:"mt,omitempty"`
}

func (tickets) Name() string { return "tk" }
func (tickets) Entries() []Entry {
	return []Entry{{Command: "tiket"}, {Command: "batal"}}
}
func (tickets) Role() Need          { return NeedAlumnus }
func (tickets) State() any          { return new(ticketsState) }
func (tickets) enabled(a *App) bool { return a.Meetups != nil }

func (k tickets) Start(t *Turn, e Entry, _ string) {
	k.mine(t, e.Command == "batal")
}

func (k tickets) Prompt(t *Turn) {
	st := state[ticketsState](t)
	switch t.s.Conv.Step {
	case tkMine:
		k.mine(t, st.Cancel)
	case tkCancel:
		k.askCancel(t, st.Meetup)
	default: // a state from an older version of the bot: start over cleanly
		t.startOver()
	}
}

// Text: answered with buttons only.
func (tickets) Text(t *Turn, _ string) {
	t.say(locales.Msg("input.use_buttons"))
	t.prompt()
}

func (k tickets) Tap(t *Turn, b Tap) {
	st := state[ticketsState](t)
	switch step := t.s.Conv.Step; {
	case step == tkMine && b.Action == "open":
		meetups{}.showDetail(t, b.Arg, false)
	case step == tkMine && b.Action == "cx":
		k.askCancel(t, b.Arg)
	case step == tkCancel && b.Action == "yes":
		k.cancel(t, st.Meetup)
	case step == tkCancel && b.Action == "no":
		id := st.Meetup
		t.say(locales.Msg("event.cancel_kept"))
		meetups{}.showDetail(t, id, false)
	default:
		t.stale()
	}
}

// askCancel asks whether to give up the place at a meetup.
func (k tickets) askCancel(t *Turn, id string) {
	m := loadMeetup(t, id)
	if m == nil {
		return
	}
	t.restart(k.Name(), tkCancel)
	state[ticketsState](t).Meetup = m.ID
	t.say(locales.Msg("event.cancel_ask", "Title", m.Title),
		[]Button{t.button(locales.Msg("btn.cancel_yes"), "yes"), t.button(locales.Msg("btn.cancel_no"), "no")})
}

func (tickets) cancel(t *Turn, id string) {
	m := loadMeetup(t, id)
	if m == nil {
		return
	}
	was, _, err := t.app.Meetups.CancelRSVP(t.ctx, m.ID, t.in.UserID, OfferExpiry(*m, t.in.Now))
	if err != nil {
		t.fail(err)
		return
	}
	t.restart("", "")
	if was == SeatNone {
		t.say(locales.Msg("event.nothing_to_cancel", "Title", m.Title))
		return
	}
	t.say(locales.Msg("event.cancelled_rsvp", "Title", m.Title))
}

// mine answers /tiket and /batal: the meetups the alumnus holds a seat or a place for.
func (k tickets) mine(t *Turn, forCancel bool) {
	ids, err := t.app.Meetups.MyMeetups(t.ctx, t.in.UserID)
	if err != nil {
		t.fail(err)
		return
	}
	type held struct {
		m    Meetup
		seat Seat
	}
	var mine []held
	for _, id := range ids {
		m, err := t.app.Meetups.Meetup(t.ctx, id)
		if err != nil {
			t.fail(err)
			return
		}
		if m == nil || m.Status != MeetupPublished || !m.End.After(t.in.Now) {
			continue
		}
		seat, err := t.app.Meetups.SeatOf(t.ctx, m.ID, t.in.UserID)
		if err != nil {
			t.fail(err)
			return
		}
		if seat.Status == SeatConfirmed || seat.Status == SeatWaitlisted || seat.Status == SeatOffered {
			mine = append(mine, held{*m, seat})
		}
	}
	slices.SortFunc(mine, func(a, b held) int { return cmp.Compare(a.m.Start.Unix(), b.m.Start.Unix()) })
	if len(mine) == 0 {
		t.restart("", "")
		t.say(locales.Msg("event.no_tickets"))
		return
	}
	t.restart(k.Name(), tkMine)
	lines := []locales.Text{locales.Msg("event.tickets_title")}
	if forCancel {
		state[ticketsState](t).Cancel = true
		lines[0] = locales.Msg("event.cancel_pick")
	}
	var kb [][]Button
	for _, h := range mine {
		prov, _ := t.app.Atlas.Province(h.m.Province)
		when := locales.FormatDateTime(h.m.Start.In(prov.Zone), t.res.Lang, prov.ZoneName)
		switch h.seat.Status {
		case SeatConfirmed:
			lines = append(lines, locales.Msg("event.ticket_confirmed", "Title", h.m.Title, "When", when, "Code", h.seat.Code))
		case SeatWaitlisted:
			lines = append(lines, locales.Msg("event.ticket_waitlisted", "Title", h.m.Title, "When", when, "Position", h.seat.Position))
		case SeatOffered:
			lines = append(lines, locales.Msg("event.ticket_offered", "Title", h.m.Title, "When", when))
		}
		action := "open"
		if forCancel {
			action = "cx"
		}
		kb = append(kb, []Button{t.button(locales.Raw(h.m.Title), action, h.m.ID)})
	}
	t.say(locales.Lines(lines...), kb...)
	for _, h := range mine {
		if h.seat.Status == SeatConfirmed && !forCancel {
			t.add(Reply{
				Text: locales.Msg("event.ticket_qr", "Title", h.m.Title, "Code", h.seat.Code),
				File: &Attachment{Kind: FileTicketQR, Meetup: h.m.ID, Alumnus: t.in.UserID, Code: h.seat.Code},
			})
		}
	}
}
