package flows

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/ticket/gcal"
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

// Text: the meetups are answered with buttons only; the current view is shown again under a line
// saying so, in one message.
func (meetups) Text(t *Turn, _ string) {
	useButtons(t)
}

// useButtons answers typed text where only buttons work: the current prompt again, under a line
// saying to use the buttons (one message, not two).
func useButtons(t *Turn) {
	n := len(t.res.Replies)
	t.prompt()
	if len(t.res.Replies) == n+1 && t.res.Replies[n].File == nil && t.res.Replies[n].Venue == nil && !t.res.Replies[n].Edit {
		r := &t.res.Replies[n]
		r.Text = locales.Lines(locales.Msg("input.use_buttons"), locales.Text{}, r.Text)
		return
	}
	t.res.Replies = append(t.res.Replies[:n:n], append([]Reply{{Text: locales.Msg("input.use_buttons")}}, t.res.Replies[n:]...)...)
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
	case step == evDetail && b.Action == "ics": // pages sent before the button became global
		offers{}.Tap(t, Tap{Action: "ics", Arg: st.Meetup})
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
		t.say(locales.Msg("event.none"), listFooter(t))
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
		lines = append(lines, locales.Msg("event.list_item", // cut so five fit in a message
			"Title", m.Title, "When", locales.FormatDate(m.Start.In(prov.Zone), t.res.Lang), "Venue", cut(m.Venue.Name, 40)))
		kb = append(kb, []Button{t.button(locales.Raw(m.Title), "open", m.ID)})
	}
	if nav := t.navRow(page, len(ms), listPageSize); len(nav) > 0 {
		kb = append(kb, nav)
	}
	kb = append(kb, listFooter(t))
	return Reply{Text: locales.Lines(lines...), Buttons: kb}
}

// listFooter is the row under the meetups: the alumnus's tickets, and the online workshops when the
// bot runs them (a reminder's button, so it works from any old list).
func listFooter(t *Turn) []Button {
	row := []Button{globalButton(locales.Msg("btn.my_tickets"), "mine", "")}
	if t.app.Series != nil {
		row = append(row, RemindButton(locales.Msg("btn.go_workshops"), "ws", ""))
	}
	return row
}

// loadMeetup reads a meetup alumni may see; nil (and a message) when it is gone or not published.
func loadMeetup(t *Turn, id string) *Meetup {
	m, err := t.app.Meetups.Meetup(t.ctx, id)
	if err != nil {
		t.fail(err)
		return nil
	}
	if m == nil || m.Status == MeetupDraft {
		t.say(locales.Msg("event.not_found"), forward("")...)
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
// It stays within the page budget (pageLines) and says each thing once: "full" only to those without
// a place, a waiting-list position only in the alumnus's own line.
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
	lines := append(pageLines(t, m), locales.Text{})
	open := m.Status == MeetupPublished && m.End.After(t.in.Now)
	full := av.Left() == 0 || av.Waitlisted > 0
	var kb [][]Button
	switch {
	case m.Status == MeetupCancelled:
		lines = append(lines, locales.Msg("event.cancelled"))
	case !open:
		lines = append(lines, locales.Msg("event.over"))
	}
	switch seat.Status {
	case SeatConfirmed:
		lines = append(lines, locales.Msg("event.you_confirmed", "Code", seat.Code))
		if open {
			kb = append(kb, []Button{t.button(locales.Msg("btn.cancel_rsvp"), "cancel")})
		}
	case SeatWaitlisted:
		lines = append(lines, locales.Msg("event.you_waitlisted", "Position", seat.Position))
		kb = append(kb, []Button{t.button(locales.Msg("btn.leave_waitlist"), "cancel")})
	case SeatOffered:
		lines = append(lines, locales.Msg("event.you_offered", "Until", deadline(t.app, m, seat.OfferExpires, t.in.Now, lang)))
		kb = append(kb, []Button{t.button(locales.Msg("btn.claim"), "claim"), t.button(locales.Msg("btn.decline_offer"), "cancel")})
	default:
		switch {
		case !open:
		case full && av.Waitlisted > 0:
			lines = append(lines, locales.Msg("event.full_waiting", "Count", av.Waitlisted))
			kb = append(kb, []Button{t.button(locales.Msg("btn.join_waitlist"), "rsvp")})
		case full:
			lines = append(lines, locales.Msg("event.full"))
			kb = append(kb, []Button{t.button(locales.Msg("btn.join_waitlist"), "rsvp")})
		default:
			lines = append(lines, locales.Msg("event.seats_left", "Left", av.Left(), "Capacity", av.Capacity))
			kb = append(kb, []Button{t.button(locales.Msg("btn.rsvp"), "rsvp")})
		}
	}
	if m.Status != MeetupCancelled {
		kb = append(kb, calendarRow(t.app, m))
	}
	var row []Button
	if hasPin(m) {
		row = append(row, globalButton(locales.Msg("btn.location"), "pin", m.ID))
	}
	if t.app.BotUsername != "" && open {
		row = append(row, globalButton(locales.Msg("btn.share"), "share", m.ID))
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	kb = append(kb, []Button{globalButton(locales.Msg("btn.my_tickets"), "mine", ""), t.button(locales.Msg("btn.all_meetups"), "list")})
	return Reply{Text: locales.Lines(lines...), Buttons: kb}, true
}

// calendarRow is "📅 Kalender", a link that adds the meetup to Google Calendar (it opens in the
// browser or the Calendar app, where an .ics file often opens with nothing on a cheap phone), beside
// the .ics file for other calendars.
func calendarRow(a *App, m *Meetup) []Button {
	prov, _ := a.Atlas.Province(m.Province)
	link := gcal.URL(gcal.Event{Title: m.Title, Start: m.Start, End: m.End, Location: place(m, a.Atlas),
		Details: calendarDetails(m, prov)})
	return []Button{{Text: locales.Msg("btn.calendar"), URL: link}, globalButton(locales.Msg("btn.ics"), "ics", m.ID)}
}

// calendarDetails is the description of the calendar entry: the meetup's description and agenda.
func calendarDetails(m *Meetup, prov area.Province) string {
	var b strings.Builder
	b.WriteString(m.Description)
	for _, w := range m.Workshops {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(clock(w.Start, prov, locales.ID) + "–" + clock(w.End, prov, locales.ID) + " " + prov.ZoneName + " " + w.Title)
	}
	return b.String()
}

// hasPin says whether the meetup's venue has coordinates to send as a map pin.
func hasPin(m *Meetup) bool { return m.Venue.Lat != 0 || m.Venue.Lon != 0 }

// The page budget: a meetup's page stays under 1,000 characters whatever the organizer typed (title
// at most 80, venue 100, address 200, description 1,000, ten workshops of up to 200 each). The fixed
// parts come first; the description (cut with "…") and a few workshops (then "+N lainnya") share the
// rest.
const (
	pageBudget       = 950 // characters of the page's text, leaving room for the longest status line
	pageFixed        = 190 // the date line, the status line, emoji and blank lines, at most
	pageDescMax      = 280 // a longer description is cut with "…"
	pageAddressMax   = 100
	pageWorkshopsMax = 3 // then "+N lainnya"
	pageWorkshopMax  = 110
	pageWorkshopLine = 30 // a workshop line's times, zone and separators
)

// pageLines is the part of a meetup's page that is the same for every viewer: title, when, where,
// description and agenda. /buatacara's preview shows it too, so organizers see what alumni will see.
func pageLines(t *Turn, m *Meetup) []locales.Text {
	prov, _ := t.app.Atlas.Province(m.Province)
	where := cut(place(m, t.app.Atlas), mkVenueMax+2+pageAddressMax)
	lines := []locales.Text{
		locales.Raw(m.Title),
		locales.Msg("event.when", "When", meetupWhen(t.app, m, t.res.Lang)),
		locales.Msg("event.where", "Place", where),
	}
	left := pageBudget - pageFixed - utf8.RuneCountInString(m.Title) - utf8.RuneCountInString(where)
	if m.Description != "" {
		keep := left - 20 // the agenda's heading and its "+N"
		if len(m.Workshops) > 0 {
			keep -= pageWorkshopMax + pageWorkshopLine // room for one workshop at least
		}
		d := cut(m.Description, max(60, min(pageDescMax, keep)))
		left -= utf8.RuneCountInString(d) + 2
		lines = append(lines, locales.Text{}, locales.Raw(d))
	}
	if len(m.Workshops) > 0 {
		lines = append(lines, locales.Text{}, locales.Msg("event.agenda"))
		left -= 20
		for i, w := range m.Workshops {
			title, trainer := w.Title, w.Trainer
			if utf8.RuneCountInString(title)+utf8.RuneCountInString(trainer) > pageWorkshopMax {
				title = cut(title, 60)
				trainer = cut(trainer, pageWorkshopMax-utf8.RuneCountInString(title))
			}
			cost := utf8.RuneCountInString(title) + utf8.RuneCountInString(trainer) + pageWorkshopLine
			if i == pageWorkshopsMax || cost > left {
				n := len(m.Workshops) - i
				lines = append(lines, locales.Msg("event.workshops_more", "Count", n))
				break
			}
			left -= cost
			lines = append(lines, locales.Msg("event.workshop", "From", clock(w.Start, prov, t.res.Lang), "To", clock(w.End, prov, t.res.Lang),
				"Zone", prov.ZoneName, "Title", title, "Trainer", trainer))
		}
	}
	return lines
}

// cut shortens s to at most n characters, ending in "…" when it was cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
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

func clock(t time.Time, p area.Province, lang locales.Lang) string {
	return locales.FormatTime(t.In(p.Zone), lang)
}

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
	switch seat.Status {
	case SeatExpired: // the offer was there and ran out
		t.say(locales.Msg("event.offer_gone", "Title", m.Title), forward(m.ID)...)
		return
	case SeatNone: // no offer at all: an old or forged button, or one already passed on
		t.say(locales.Msg("event.no_offer", "Title", m.Title), forward(m.ID)...)
		return
	}
	mf.seatAnswer(t, m, seat, onPage)
}

// forward is the way on from a message about a meetup: its page, the alumnus's tickets, the other
// meetups. The buttons are global, so they work whatever conversation the chat is in later.
func forward(meetup string) [][]Button {
	kb := [][]Button{{globalButton(locales.Msg("btn.my_tickets"), "mine", ""), globalButton(locales.Msg("btn.other_meetups"), "list", "")}}
	if meetup != "" {
		kb = append([][]Button{{globalButton(locales.Msg("btn.see_meetup"), "open", meetup)}}, kb...)
	}
	return kb
}

// seatAnswer tells the alumnus where they stand after an RSVP or a claim, in one new message: the
// ticket (its QR photo, the caption saying what it is for) for a seat. The meetup's page is updated
// in place when the button was on it.
func (mf meetups) seatAnswer(t *Turn, m *Meetup, seat Seat, onPage bool) {
	if onPage {
		mf.showDetail(t, m.ID, true)
		if t.err != nil {
			return
		}
	}
	switch seat.Status {
	case SeatConfirmed:
		t.add(ticketReply(t, m, seat.Code, true))
	case SeatWaitlisted:
		if onPage { // the page just updated says the position
			t.say(locales.Msg("event.waitlisted", "Title", m.Title), forward("")...)
		} else {
			t.say(locales.Msg("event.still_waitlisted", "Title", m.Title, "Position", seat.Position), forward(m.ID)...)
		}
	case SeatOffered:
		t.say(locales.Msg("event.you_offered", "Until", deadline(t.app, m, seat.OfferExpires, t.in.Now, t.res.Lang)),
			[]Button{globalButton(locales.Msg("btn.claim"), "claim", m.ID)})
	default: // closed: cancelled or over since the page was shown
		t.say(locales.Msg("event.closed"), forward("")...)
	}
}

// ticketReply is the ticket: the QR code an organizer scans at the door, its caption carrying the
// meetup, time, place, code and what to do with it. fresh: the seat was just taken.
func ticketReply(t *Turn, m *Meetup, code string, fresh bool) Reply {
	kb := [][]Button{calendarRow(t.app, m)}
	var row []Button
	if hasPin(m) {
		row = append(row, globalButton(locales.Msg("btn.location"), "pin", m.ID))
	}
	row = append(row, globalButton(locales.Msg("btn.see_meetup"), "open", m.ID))
	kb = append(kb, row, []Button{globalButton(locales.Msg("btn.my_tickets"), "mine", ""), globalButton(locales.Msg("btn.other_meetups"), "list", "")})
	return Reply{
		Text: locales.Msg("event.ticket", "Fresh", fresh, "Title", m.Title, "When", meetupWhen(t.app, m, t.res.Lang),
			"Place", cut(place(m, t.app.Atlas), mkVenueMax+2+pageAddressMax), "Code", code),
		Buttons: kb,
		File:    &Attachment{Kind: FileTicketQR, Meetup: m.ID, Alumnus: t.in.UserID, Code: code},
	}
}

// shareReply is "📤 Ajak teman": a short message made to be forwarded, with the link that opens the
// meetup in the bot. Its one button is a link too, so it still works in the friend's chat.
func shareReply(a *App, m *Meetup, lang locales.Lang) Reply {
	link := ShareLink(a.BotUsername, m.ID)
	return Reply{
		Text:    locales.Msg("event.share", "Title", m.Title, "When", meetupWhen(a, m, lang), "Place", place(m, a.Atlas), "Link", link),
		Buttons: [][]Button{{{Text: locales.Msg("btn.open_meetup"), URL: link}}},
	}
}

// pinReply is the venue as a map pin; Telegram requires an address, the regency stands in for one.
func pinReply(a *App, m *Meetup) Reply {
	addr := m.Venue.Address
	if addr == "" {
		if g, ok := a.Atlas.Regency(m.Regency); ok {
			addr = g.Name
		} else {
			addr = m.Venue.Name
		}
	}
	return Reply{
		Venue:   &VenuePin{Lat: m.Venue.Lat, Lon: m.Venue.Lon, Title: m.Venue.Name, Address: addr},
		Buttons: [][]Button{{globalButton(locales.Msg("btn.back_meetup"), "open", m.ID)}},
	}
}

// meetupWhen is the meetup's date and time range in the venue's zone: "Kamis, 18 Maret 2027 pukul
// 09.00–15.00 WIB".
func meetupWhen(a *App, m *Meetup, lang locales.Lang) string {
	prov, _ := a.Atlas.Province(m.Province)
	return locales.FormatDateTimeRange(m.Start.In(prov.Zone), m.End.In(prov.Zone), lang, prov.ZoneName)
}

// deadline is when an offer runs out, relative when near: "besok pukul 21.00 WITA".
func deadline(a *App, m *Meetup, until, now time.Time, lang locales.Lang) string {
	prov, _ := a.Atlas.Province(m.Province)
	return locales.FormatDeadline(until.In(prov.Zone), now, lang, prov.ZoneName)
}
