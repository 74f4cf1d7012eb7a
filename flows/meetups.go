package flows

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/locales"
)

// Meetups is what the meetup conversations need of the store.
type Meetups interface {
	Meetup(ctx context.Context, id string) (*Meetup, error)
	MeetupsEndingAfter(ctx context.Context, t time.Time, limit int) ([]Meetup, error)
	Reserve(ctx context.Context, meetup string, alumnus int64, now time.Time) (Seat, error)
	Claim(ctx context.Context, meetup string, alumnus int64, now time.Time) (Seat, error)
	CancelRSVP(ctx context.Context, meetup string, alumnus int64, offerExpires time.Time) (was SeatStatus, offered []int64, err error)
	SeatOf(ctx context.Context, meetup string, alumnus int64) (Seat, error)
	Availability(ctx context.Context, meetup string) (Availability, error)
}

// Availability counts a meetup's seats.
type Availability struct {
	Capacity, Confirmed, Offered, Waitlisted int
}

// Left is the number of seats nobody holds.
func (a Availability) Left() int { return max(0, a.Capacity-a.Confirmed-a.Offered) }

// Claim windows: how long a freed seat is held for the first waitlisted alumnus.
const (
	DefaultClaimWindow = 12 * time.Hour
	LastDayClaimWindow = 2 * time.Hour // inside the last day before the meetup, seats must move faster
)

// OfferExpiry is when an offer made now for m runs out.
func OfferExpiry(m Meetup, now time.Time) time.Time {
	w := DefaultClaimWindow
	if m.ClaimWindow > 0 {
		w = m.ClaimWindow
	}
	if m.Start.Sub(now) < 24*time.Hour {
		w = min(w, LastDayClaimWindow)
	}
	exp := now.Add(w)
	if exp.After(m.Start) && now.Before(m.Start) {
		exp = m.Start
	}
	return exp
}

// Conversation and steps of the meetup flow.
const (
	flowMeetups   = "ev"
	flowGlobal    = "g" // buttons valid whatever the conversation: checked against the store instead
	stepList      = "list"
	stepDetail    = "detail"
	stepCancelAsk = "cancel"
	stepMine      = "mine" // /tiket and /batal: the alumnus's own meetups
	listPageSize  = 5
	listFetch     = 200 // upcoming meetups considered; a national programme runs a few dozen at a time
)

// globalButton is a button that works outside any conversation, such as the one in an offer
// notification: "g:0:<action>:<meetup>".
func globalButton(label locales.Text, action, meetup string) Button {
	return Button{Text: label, Data: flowGlobal + ":0:" + action + ":" + meetup}
}

// GlobalButton is globalButton for other packages' messages (offer notifications).
func GlobalButton(label locales.Text, action, meetup string) Button {
	return globalButton(label, action, meetup)
}

func (t *turn) meetupsEnabled() bool { return t.app.Meetups != nil }

// upcoming lists published meetups that have not ended, the alumnus's province first, then by start.
func (t *turn) upcoming() []Meetup {
	ms, err := t.app.Meetups.MeetupsEndingAfter(t.ctx, t.in.Now, listFetch)
	if err != nil {
		t.fail(err)
		return nil
	}
	home := ""
	if t.s.Profile != nil {
		home = t.s.Profile.Province
	}
	out := ms[:0]
	for _, m := range ms {
		if m.Status == MeetupPublished {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b Meetup) int {
		if (a.Province == home) != (b.Province == home) {
			if a.Province == home {
				return -1
			}
			return 1
		}
		return a.Start.Compare(b.Start)
	})
	return out
}

// showList answers /acara: one page of upcoming meetups with a button each.
func (t *turn) showList(page int) {
	ms := t.upcoming()
	if t.err != nil {
		return
	}
	c := &t.s.Conv
	c.restart(flowMeetups, stepList)
	if len(ms) == 0 {
		t.s.Conv.restart("", "")
		t.say(locales.Msg("event.none"))
		return
	}
	page = clampPage(page, len(ms), listPageSize)
	c.set("page", strconv.Itoa(page))
	t.res.Replies = append(t.res.Replies, t.listReply(ms, page))
}

func (t *turn) listReply(ms []Meetup, page int) Reply {
	c := &t.s.Conv
	lines := []locales.Text{locales.Msg("event.list_title")}
	var kb [][]Button
	end := min(len(ms), (page+1)*listPageSize)
	for _, m := range ms[page*listPageSize : end] {
		prov, _ := t.app.Atlas.Province(m.Province)
		lines = append(lines, locales.Msg("event.list_item",
			"Title", m.Title, "When", locales.FormatDate(m.Start.In(prov.Zone), t.res.Lang), "Venue", m.Venue.Name))
		kb = append(kb, []Button{c.button(locales.Raw(m.Title), "open", m.ID)})
	}
	var nav []Button
	if page > 0 {
		nav = append(nav, c.button(locales.Msg("btn.prev"), "pg", strconv.Itoa(page-1)))
	}
	if end < len(ms) {
		nav = append(nav, c.button(locales.Msg("btn.next"), "pg", strconv.Itoa(page+1)))
	}
	if len(nav) > 0 {
		kb = append(kb, nav)
	}
	return Reply{Text: locales.Lines(lines...), Buttons: kb}
}

// loadMeetup reads a meetup alumni may see; nil (and a message) when it is gone or not published.
func (t *turn) loadMeetup(id string) *Meetup {
	m, err := t.app.Meetups.Meetup(t.ctx, id)
	if err != nil {
		t.fail(err)
		return nil
	}
	if m == nil || m.Status == MeetupDraft {
		t.say(locales.Msg("event.not_found"))
		return nil
	}
	return m
}

// showDetail opens a meetup's page in a new conversation step.
func (t *turn) showDetail(id string, edit bool) {
	m := t.loadMeetup(id)
	if m == nil {
		return
	}
	t.s.Conv.restart(flowMeetups, stepDetail)
	t.s.Conv.set("mt", m.ID)
	if r, ok := t.detailReply(m); ok {
		r.Edit = edit
		t.res.Replies = append(t.res.Replies, r)
	}
}

// detailReply is a meetup's page: when, where, agenda, seats, where the alumnus stands, and buttons.
func (t *turn) detailReply(m *Meetup) (Reply, bool) {
	seat, err := t.app.Meetups.SeatOf(t.ctx, m.ID, t.in.UserID)
	if err != nil {
		t.fail(err)
		return Reply{}, false
	}
	av, err := t.app.Meetups.Availability(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return Reply{}, false
	}
	lang := t.res.Lang
	prov, _ := t.app.Atlas.Province(m.Province)
	lines := append(t.pageLines(m), locales.Text{})
	switch {
	case m.Status == MeetupCancelled:
		lines = append(lines, locales.Msg("event.cancelled"))
	case !m.End.After(t.in.Now):
		lines = append(lines, locales.Msg("event.over"))
	case av.Left() > 0 && av.Waitlisted == 0:
		lines = append(lines, locales.Msg("event.seats_left", "Left", av.Left(), "Capacity", av.Capacity))
	case av.Waitlisted == 0:
		lines = append(lines, locales.Msg("event.full"))
	default:
		lines = append(lines, locales.Msg("event.full_waiting", "Waiting", av.Waitlisted))
	}
	c := &t.s.Conv
	var kb [][]Button
	open := m.Status == MeetupPublished && m.End.After(t.in.Now)
	switch seat.Status {
	case SeatConfirmed:
		lines = append(lines, locales.Msg("event.you_confirmed", "Code", seat.Code))
		kb = append(kb, []Button{c.button(locales.Msg("btn.cancel_rsvp"), "cancel")})
	case SeatWaitlisted:
		lines = append(lines, locales.Msg("event.you_waitlisted", "Position", seat.Position))
		kb = append(kb, []Button{c.button(locales.Msg("btn.leave_waitlist"), "cancel")})
	case SeatOffered:
		lines = append(lines, locales.Msg("event.you_offered", "Until", locales.FormatDateTime(seat.OfferExpires.In(prov.Zone), lang, prov.ZoneName)))
		kb = append(kb, []Button{c.button(locales.Msg("btn.claim"), "claim"), c.button(locales.Msg("btn.decline_offer"), "cancel")})
	default:
		if open {
			kb = append(kb, []Button{c.button(locales.Msg("btn.rsvp"), "rsvp")})
		}
	}
	var row []Button
	if m.Status != MeetupCancelled {
		row = append(row, c.button(locales.Msg("btn.calendar"), "ics"))
	}
	if t.app.BotUsername != "" && open {
		row = append(row, Button{Text: locales.Msg("btn.share"), URL: ShareLink(t.app.BotUsername, m.ID)})
	}
	row = append(row, c.button(locales.Msg("btn.all_meetups"), "list"))
	kb = append(kb, row)
	return Reply{Text: locales.Lines(lines...), Buttons: kb}, true
}

// pageLines is the part of a meetup's page that is the same for every viewer: title, when, where,
// description and agenda. /buatacara's preview shows it too, so organizers see what alumni will see.
func (t *turn) pageLines(m *Meetup) []locales.Text {
	prov, _ := t.app.Atlas.Province(m.Province)
	lines := []locales.Text{
		locales.Raw(m.Title),
		locales.Msg("event.when", "When", locales.FormatDateTime(m.Start.In(prov.Zone), t.res.Lang, prov.ZoneName)),
		locales.Msg("event.where", "Place", place(m, t.app.Atlas)),
	}
	if m.Description != "" {
		lines = append(lines, locales.Text{}, locales.Raw(m.Description))
	}
	if len(m.Workshops) > 0 {
		lines = append(lines, locales.Text{}, locales.Msg("event.agenda"))
		for _, w := range m.Workshops {
			lines = append(lines, locales.Msg("event.workshop", "From", clock(w.Start, prov), "To", clock(w.End, prov),
				"Zone", prov.ZoneName, "Title", w.Title, "Trainer", w.Trainer))
		}
	}
	return lines
}

// ShareLink is the link that opens a meetup in the bot: t.me/<bot>?start=ev_<id>.
func ShareLink(botUsername, meetup string) string {
	return "https://t.me/" + botUsername + "?start=ev_" + meetup
}

func place(m *Meetup, atlas *area.Atlas) string {
	parts := []string{m.Venue.Name}
	if m.Venue.Address != "" {
		parts = append(parts, m.Venue.Address)
	} else if g, ok := atlas.Regency(m.Regency); ok {
		parts = append(parts, g.Name)
	}
	return strings.Join(parts, ", ")
}

func clock(t time.Time, p area.Province) string { return t.In(p.Zone).Format("15.04") }

// meetupTap handles the buttons of the meetup flow.
func (t *turn) meetupTap(b tap) {
	c := &t.s.Conv
	switch {
	case (c.Step == stepList || c.Step == stepMine) && b.action == "open":
		t.showDetail(b.arg, false)
	case c.Step == stepMine && b.action == "cx":
		t.askCancel(b.arg)
	case c.Step == stepList && b.action == "pg":
		page, _ := strconv.Atoi(b.arg)
		ms := t.upcoming()
		if t.err != nil {
			return
		}
		if len(ms) == 0 {
			t.showList(0)
			return
		}
		page = clampPage(page, len(ms), listPageSize)
		c.set("page", strconv.Itoa(page))
		r := t.listReply(ms, page)
		r.Edit = true
		t.res.Replies = append(t.res.Replies, r)
	case c.Step == stepDetail && b.action == "list":
		t.showList(0)
	case c.Step == stepDetail && b.action == "ics":
		t.res.Replies = append(t.res.Replies, Reply{Text: locales.Msg("event.calendar_caption"), File: &Attachment{Kind: FileCalendar, Meetup: c.Data["mt"]}})
	case c.Step == stepDetail && b.action == "rsvp":
		t.rsvp(c.Data["mt"])
	case c.Step == stepDetail && b.action == "claim":
		t.claim(c.Data["mt"], true)
	case c.Step == stepDetail && b.action == "cancel":
		t.askCancel(c.Data["mt"])
	case c.Step == stepCancelAsk && b.action == "yes":
		t.cancel(c.Data["mt"])
	case c.Step == stepCancelAsk && b.action == "no":
		id := c.Data["mt"]
		t.say(locales.Msg("event.cancel_kept"))
		t.showDetail(id, false)
	default:
		t.stale()
	}
}

// globalTap handles buttons that are not tied to a conversation, such as those in notifications.
func (t *turn) globalTap(b tap) {
	switch b.action {
	case "open":
		t.showDetail(b.arg, false)
	case "claim":
		t.claim(b.arg, false)
	default:
		t.stale()
	}
}

func (t *turn) rsvp(id string) {
	m := t.loadMeetup(id)
	if m == nil {
		return
	}
	seat, err := t.app.Meetups.Reserve(t.ctx, m.ID, t.in.UserID, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	t.seatAnswer(m, seat, true)
}

// claim takes an offered seat, from the meetup's page or from the offer notice.
func (t *turn) claim(id string, onPage bool) {
	m := t.loadMeetup(id)
	if m == nil {
		return
	}
	seat, err := t.app.Meetups.Claim(t.ctx, m.ID, t.in.UserID, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	if seat.Status == SeatExpired || seat.Status == SeatNone {
		t.say(locales.Msg("event.offer_gone"))
		t.showDetail(m.ID, false)
		return
	}
	t.seatAnswer(m, seat, onPage)
}

// seatAnswer tells the alumnus where they stand after an RSVP or a claim. The meetup's page is
// updated in place when the button was on it, else shown anew below the answer.
func (t *turn) seatAnswer(m *Meetup, seat Seat, onPage bool) {
	if onPage {
		t.showDetail(m.ID, true)
	}
	prov, _ := t.app.Atlas.Province(m.Province)
	when := locales.FormatDateTime(m.Start.In(prov.Zone), t.res.Lang, prov.ZoneName)
	switch seat.Status {
	case SeatConfirmed:
		// The ticket: its QR code (what an organizer scans at the door) with the confirmation as caption,
		// then the calendar file.
		t.res.Replies = append(t.res.Replies,
			Reply{Text: locales.Msg("event.confirmed", "Title", m.Title, "When", when, "Venue", m.Venue.Name, "Code", seat.Code),
				File: &Attachment{Kind: FileTicketQR, Meetup: m.ID, Alumnus: t.in.UserID, Code: seat.Code}},
			Reply{Text: locales.Msg("event.calendar_caption"), File: &Attachment{Kind: FileCalendar, Meetup: m.ID}})
	case SeatWaitlisted:
		t.say(locales.Msg("event.waitlisted", "Position", seat.Position))
	case SeatOffered:
		t.say(locales.Msg("event.you_offered", "Until", locales.FormatDateTime(seat.OfferExpires.In(prov.Zone), t.res.Lang, prov.ZoneName)))
	default: // closed: cancelled or over since the page was shown
		t.say(locales.Msg("event.closed"))
	}
	if !onPage {
		t.showDetail(m.ID, false)
	}
}

func (t *turn) askCancel(id string) {
	m := t.loadMeetup(id)
	if m == nil {
		return
	}
	c := &t.s.Conv
	c.restart(flowMeetups, stepCancelAsk)
	c.set("mt", m.ID)
	t.say(locales.Msg("event.cancel_ask", "Title", m.Title),
		[]Button{c.button(locales.Msg("btn.cancel_yes"), "yes"), c.button(locales.Msg("btn.cancel_no"), "no")})
}

func (t *turn) cancel(id string) {
	m := t.loadMeetup(id)
	if m == nil {
		return
	}
	was, _, err := t.app.Meetups.CancelRSVP(t.ctx, m.ID, t.in.UserID, OfferExpiry(*m, t.in.Now))
	if err != nil {
		t.fail(err)
		return
	}
	t.s.Conv.restart("", "")
	if was == SeatNone {
		t.say(locales.Msg("event.nothing_to_cancel", "Title", m.Title))
		return
	}
	t.say(locales.Msg("event.cancelled_rsvp", "Title", m.Title))
}

// myMeetups answers /tiket and /batal: the meetups the alumnus holds a seat or a place for.
func (t *turn) myMeetups(forCancel bool) {
	ms := t.upcoming()
	if t.err != nil {
		return
	}
	type held struct {
		m    Meetup
		seat Seat
	}
	var mine []held
	for _, m := range ms {
		seat, err := t.app.Meetups.SeatOf(t.ctx, m.ID, t.in.UserID)
		if err != nil {
			t.fail(err)
			return
		}
		if seat.Status == SeatConfirmed || seat.Status == SeatWaitlisted || seat.Status == SeatOffered {
			mine = append(mine, held{m, seat})
		}
	}
	slices.SortFunc(mine, func(a, b held) int { return cmp.Compare(a.m.Start.Unix(), b.m.Start.Unix()) })
	if len(mine) == 0 {
		t.s.Conv.restart("", "")
		t.say(locales.Msg("event.no_tickets"))
		return
	}
	c := &t.s.Conv
	c.restart(flowMeetups, stepMine)
	lines := []locales.Text{locales.Msg("event.tickets_title")}
	if forCancel {
		c.set("cancel", "1")
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
		kb = append(kb, []Button{c.button(locales.Raw(h.m.Title), action, h.m.ID)})
	}
	t.say(locales.Lines(lines...), kb...)
	for _, h := range mine {
		if h.seat.Status == SeatConfirmed && !forCancel {
			t.res.Replies = append(t.res.Replies, Reply{
				Text: locales.Msg("event.ticket_qr", "Title", h.m.Title, "Code", h.seat.Code),
				File: &Attachment{Kind: FileTicketQR, Meetup: h.m.ID, Alumnus: t.in.UserID, Code: h.seat.Code},
			})
		}
	}
}
