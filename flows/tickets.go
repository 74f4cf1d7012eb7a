package flows

import (
	"cmp"
	"slices"

	"github.com/alumnibot/alumnibot/locales"
)

// tickets is /tiket and /batal: the meetups the alumnus holds a seat or a place for, and giving one
// up (also reached from a meetup's page).
type tickets struct{}

// ticketsShown is how many places /tiket lists in its one message.
const ticketsShown = 4

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
	useButtons(t)
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
		t.restart("", "")
		t.say(locales.Msg("event.cancel_kept"), forward(id)...)
		t.editLast()
	default:
		t.stale()
	}
}

// askCancel asks whether to give up the place at a meetup, in the words of the place held; someone
// holding none (an old or forged button) is told so, not warned about a seat they do not have.
func (k tickets) askCancel(t *Turn, id string) {
	m := loadMeetup(t, id)
	if m == nil {
		return
	}
	seat, err := t.app.Meetups.SeatOf(t.ctx, m.ID, t.in.UserID)
	if err != nil {
		t.fail(err)
		return
	}
	var ask locales.Text
	switch seat.Status {
	case SeatConfirmed:
		ask = locales.Msg("event.cancel_ask", "Title", m.Title)
	case SeatWaitlisted:
		ask = locales.Msg("event.leave_waitlist_ask", "Title", m.Title)
	case SeatOffered:
		ask = locales.Msg("event.decline_offer_ask", "Title", m.Title)
	default:
		t.restart("", "")
		t.say(locales.Msg("event.nothing_to_cancel", "Title", m.Title), forward(m.ID)...)
		return
	}
	t.restart(k.Name(), tkCancel)
	state[ticketsState](t).Meetup = m.ID
	t.say(ask, []Button{t.button(locales.Msg("btn.cancel_yes"), "yes"), t.button(locales.Msg("btn.cancel_no"), "no")})
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
	switch was {
	case SeatNone:
		t.say(locales.Msg("event.nothing_to_cancel", "Title", m.Title), forward(m.ID)...)
	case SeatWaitlisted:
		t.say(locales.Msg("event.left_waitlist", "Title", m.Title), forward(m.ID)...)
	default:
		t.say(locales.Msg("event.cancelled_rsvp", "Title", m.Title), forward(m.ID)...)
	}
	t.editLast()
}

// ticket sends the ticket of a meetup the alumnus holds a seat for: its QR photo with the caption.
func (tickets) ticket(t *Turn, id string) {
	m := loadMeetup(t, id)
	if m == nil {
		return
	}
	seat, err := t.app.Meetups.SeatOf(t.ctx, m.ID, t.in.UserID)
	if err != nil {
		t.fail(err)
		return
	}
	if seat.Status != SeatConfirmed || m.Status == MeetupCancelled {
		meetups{}.showDetail(t, m.ID, false) // no ticket (any more): the page says where they stand
		return
	}
	t.add(ticketReply(t, m, seat.Code, false))
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
		t.say(locales.Msg("event.no_tickets"), []Button{globalButton(locales.Msg("btn.other_meetups"), "list", "")})
		return
	}
	t.restart(k.Name(), tkMine)
	lines := []locales.Text{locales.Msg("event.tickets_title")}
	if forCancel {
		state[ticketsState](t).Cancel = true
		lines[0] = locales.Msg("event.cancel_pick")
	}
	var kb [][]Button
	more := 0
	if len(mine) > ticketsShown { // the soonest first; the message stays short
		more, mine = len(mine)-ticketsShown, mine[:ticketsShown]
	}
	for _, h := range mine {
		when := meetupWhen(t.app, &h.m, t.res.Lang)
		label := locales.Raw(h.m.Title)
		action := "open"
		switch h.seat.Status {
		case SeatConfirmed:
			lines = append(lines, locales.Msg("event.ticket_confirmed", "Title", h.m.Title, "When", when, "Code", h.seat.Code))
			label = locales.Msg("btn.ticket_of", "Title", h.m.Title)
			action = "qr"
		case SeatWaitlisted:
			lines = append(lines, locales.Msg("event.ticket_waitlisted", "Title", h.m.Title, "When", when, "Position", h.seat.Position))
		case SeatOffered:
			lines = append(lines, locales.Msg("event.ticket_offered", "Title", h.m.Title, "When", when))
		}
		switch {
		case forCancel:
			kb = append(kb, []Button{t.button(locales.Raw(h.m.Title), "cx", h.m.ID)})
		case action == "qr":
			kb = append(kb, []Button{globalButton(label, "qr", h.m.ID)})
		default:
			kb = append(kb, []Button{t.button(label, "open", h.m.ID)})
		}
	}
	if more > 0 {
		lines = append(lines, locales.Msg("event.workshops_more", "Count", more))
	}
	kb = append(kb, []Button{globalButton(locales.Msg("btn.other_meetups"), "list", "")})
	t.say(locales.Lines(lines...), kb...)
}
