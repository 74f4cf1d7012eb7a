package flows

import (
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
	// MyMeetups lists the meetups at which the alumnus holds (or held) a place, from their own index.
	MyMeetups(ctx context.Context, alumnus int64) ([]string, error)
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

// meetups is /acara and a meetup's page: the list of upcoming meetups, a meetup's details, and taking
// a seat (RSVP) or an offered one. Giving a place up is the tickets flow's; the buttons of notices are
// the offers flow's.
type meetups struct{}

// Steps of the meetups flow.
const (
	evList   = "list"
	evDetail = "detail"
)

const (
	listPageSize = 5
	listFetch    = 200 // upcoming meetups considered; a national programme runs a few dozen at a time
)

// meetupsState is the list's page, or the meetup whose page is shown.
type meetupsState struct {
	Page   int    `json:"page,omitempty"`
	Meetup string `json:"mt,omitempty"`
}

func (meetups) Name() string { return "ev" }

// Entries: /acara, and a meetup's share link /start ev_<id>.
func (meetups) Entries() []Entry {
	return []Entry{{Command: "acara"}, {Link: "ev_"}}
}
func (meetups) Role() Need          { return NeedAlumnus }
func (meetups) State() any          { return new(meetupsState) }
func (meetups) enabled(a *App) bool { return a.Meetups != nil }
func (m meetups) Start(t *Turn, e Entry, arg string) {
	if e.Link != "" {
		m.showDetail(t, arg, false)
		return
	}
	m.showList(t, 0)
}

func (m meetups) Prompt(t *Turn) {
	st := state[meetupsState](t)
	switch t.s.Conv.Step {
	case evList:
		m.showList(t, st.Page)
	case evDetail:
		m.showDetail(t, st.Meetup, false)
	default: // a state from an older version of the bot: start over cleanly
		t.startOver()
	}
}

// Text: the meetups are answered with buttons only.
func (meetups) Text(t *Turn, _ string) {
	t.say(locales.Msg("input.use_buttons"))
	t.prompt()
}

func (m meetups) Tap(t *Turn, b Tap) {
	st := state[meetupsState](t)
	switch step := t.s.Conv.Step; {
	case step == evList && b.Action == "open":
		m.showDetail(t, b.Arg, false)
	case step == evList && b.Action == "pg":
		page, _ := strconv.Atoi(b.Arg)
		ms := upcoming(t)
		if t.err != nil {
			return
		}
		if len(ms) == 0 {
			m.showList(t, 0)
			return
		}
		page = clampPage(page, len(ms), listPageSize)
		st.Page = page
		r := m.listReply(t, ms, page)
		r.Edit = true
		t.add(r)
	case step == evDetail && b.Action == "list":
		m.showList(t, 0)
	case step == evDetail && b.Action == "ics":
		t.add(Reply{Text: locales.Msg("event.calendar_caption"), File: &Attachment{Kind: FileCalendar, Meetup: st.Meetup}})
	case step == evDetail && b.Action == "rsvp":
		m.rsvp(t, st.Meetup)
	case step == evDetail && b.Action == "claim":
		m.claim(t, st.Meetup, true)
	case step == evDetail && b.Action == "cancel":
		tickets{}.askCancel(t, st.Meetup)
	default:
		t.stale()
	}
}

// upcoming lists published meetups that have not ended, the alumnus's province first, then by start.
func upcoming(t *Turn) []Meetup {
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
func (m meetups) showList(t *Turn, page int) {
	ms := upcoming(t)
	if t.err != nil {
		return
	}
	t.restart(m.Name(), evList)
	if len(ms) == 0 {
		t.restart("", "")
		t.say(locales.Msg("event.none"))
		return
	}
	page = clampPage(page, len(ms), listPageSize)
	state[meetupsState](t).Page = page
	t.add(m.listReply(t, ms, page))
}

func (meetups) listReply(t *Turn, ms []Meetup, page int) Reply {
	lines := []locales.Text{locales.Msg("event.list_title")}
	var kb [][]Button
	end := min(len(ms), (page+1)*listPageSize)
	for _, m := range ms[page*listPageSize : end] {
		prov, _ := t.app.Atlas.Province(m.Province)
		lines = append(lines, locales.Msg("event.list_item",
			"Title", m.Title, "When", locales.FormatDate(m.Start.In(prov.Zone), t.res.Lang), "Venue", m.Venue.Name))
		kb = append(kb, []Button{t.button(locales.Raw(m.Title), "open", m.ID)})
	}
	if nav := t.navRow(page, len(ms), listPageSize); len(nav) > 0 {
		kb = append(kb, nav)
	}
	return Reply{Text: locales.Lines(lines...), Buttons: kb}
}

// loadMeetup reads a meetup alumni may see; nil (and a message) when it is gone or not published.
func loadMeetup(t *Turn, id string) *Meetup {
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
func (mf meetups) showDetail(t *Turn, id string, edit bool) {
	m := loadMeetup(t, id)
	if m == nil {
		return
	}
	t.restart(mf.Name(), evDetail)
	state[meetupsState](t).Meetup = m.ID
	if r, ok := mf.detailReply(t, m); ok {
		r.Edit = edit
		t.add(r)
	}
}

// detailReply is a meetup's page: when, where, agenda, seats, where the alumnus stands, and buttons.
func (meetups) detailReply(t *Turn, m *Meetup) (Reply, bool) {
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
	lines := append(pageLines(t, m), locales.Text{})
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
	var kb [][]Button
	open := m.Status == MeetupPublished && m.End.After(t.in.Now)
	switch seat.Status {
	case SeatConfirmed:
		lines = append(lines, locales.Msg("event.you_confirmed", "Code", seat.Code))
		kb = append(kb, []Button{t.button(locales.Msg("btn.cancel_rsvp"), "cancel")})
	case SeatWaitlisted:
		lines = append(lines, locales.Msg("event.you_waitlisted", "Position", seat.Position))
		kb = append(kb, []Button{t.button(locales.Msg("btn.leave_waitlist"), "cancel")})
	case SeatOffered:
		lines = append(lines, locales.Msg("event.you_offered", "Until", locales.FormatDateTime(seat.OfferExpires.In(prov.Zone), lang, prov.ZoneName)))
		kb = append(kb, []Button{t.button(locales.Msg("btn.claim"), "claim"), t.button(locales.Msg("btn.decline_offer"), "cancel")})
	default:
		if open {
			kb = append(kb, []Button{t.button(locales.Msg("btn.rsvp"), "rsvp")})
		}
	}
	var row []Button
	if m.Status != MeetupCancelled {
		row = append(row, t.button(locales.Msg("btn.calendar"), "ics"))
	}
	if t.app.BotUsername != "" && open {
		row = append(row, Button{Text: locales.Msg("btn.share"), URL: ShareLink(t.app.BotUsername, m.ID)})
	}
	row = append(row, t.button(locales.Msg("btn.all_meetups"), "list"))
	kb = append(kb, row)
	return Reply{Text: locales.Lines(lines...), Buttons: kb}, true
}

// pageLines is the part of a meetup's page that is the same for every viewer: title, when, where,
// description and agenda. /buatacara's preview shows it too, so organizers see what alumni will see.
func pageLines(t *Turn, m *Meetup) []locales.Text {
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

func (mf meetups) rsvp(t *Turn, id string) {
	m := loadMeetup(t, id)
	if m == nil {
		return
	}
	seat, err := t.app.Meetups.Reserve(t.ctx, m.ID, t.in.UserID, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	mf.seatAnswer(t, m, seat, true)
}

// claim takes an offered seat, from the meetup's page or from the offer notice.
func (mf meetups) claim(t *Turn, id string, onPage bool) {
	m := loadMeetup(t, id)
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
		mf.showDetail(t, m.ID, false)
		return
	}
	mf.seatAnswer(t, m, seat, onPage)
}

// seatAnswer tells the alumnus where they stand after an RSVP or a claim. The meetup's page is
// updated in place when the button was on it, else shown anew below the answer.
func (mf meetups) seatAnswer(t *Turn, m *Meetup, seat Seat, onPage bool) {
	if onPage {
		mf.showDetail(t, m.ID, true)
	}
	prov, _ := t.app.Atlas.Province(m.Province)
	when := locales.FormatDateTime(m.Start.In(prov.Zone), t.res.Lang, prov.ZoneName)
	switch seat.Status {
	case SeatConfirmed:
		// The ticket: its QR code (what an organizer scans at the door) with the confirmation as caption,
		// then the calendar file.
		t.add(Reply{Text: locales.Msg("event.confirmed", "Title", m.Title, "When", when, "Venue", m.Venue.Name, "Code", seat.Code),
			File: &Attachment{Kind: FileTicketQR, Meetup: m.ID, Alumnus: t.in.UserID, Code: seat.Code}})
		t.add(Reply{Text: locales.Msg("event.calendar_caption"), File: &Attachment{Kind: FileCalendar, Meetup: m.ID}})
	case SeatWaitlisted:
		t.say(locales.Msg("event.waitlisted", "Position", seat.Position))
	case SeatOffered:
		t.say(locales.Msg("event.you_offered", "Until", locales.FormatDateTime(seat.OfferExpires.In(prov.Zone), t.res.Lang, prov.ZoneName)))
	default: // closed: cancelled or over since the page was shown
		t.say(locales.Msg("event.closed"))
	}
	if !onPage {
		mf.showDetail(t, m.ID, false)
	}
}
