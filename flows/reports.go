package flows

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/locales"
)

// Organizer reports: /peserta (counts and the roster as a CSV file) and /laporan (a readable summary
// by regency, one message; when the regencies do not all fit, the caption of a CSV file with every
// one). The organizer picks a meetup from buttons; each pick is checked against the role the
// router read for this update, so a forged button for a meetup of another province is answered like
// an unknown meetup.

// Reports is what the reports need of the store beyond Meetups: App.Reports (store.Store is one).
// Without it, or without App.Meetups, the report commands answer as unknown.
type Reports interface {
	Tally(ctx context.Context, meetup string) (Tally, error)
	Roster(ctx context.Context, meetup string) ([]RosterEntry, error)
}

// Tally counts a meetup's RSVPs as they stand, and what has happened to them.
type Tally struct {
	Capacity   int
	Confirmed  int // holding a seat with a check-in code
	Offered    int // offered a freed seat, not yet claimed
	Waitlisted int
	CheckedIn  int // checked in at the door
	Cancelled  int // RSVPs, offers and waitlist places given up, counted over the meetup's life
	Expired    int // offers that ran out unclaimed, counted over the meetup's life
}

// RosterEntry is one alumnus on a meetup's roster, with what their profile says about them.
type RosterEntry struct {
	Alumnus int64
	// Status is SeatConfirmed, SeatOffered or SeatWaitlisted; SeatNone for an alumnus who was checked
	// in and gave up the seat afterwards (they came, so they stay on the roster).
	Status       SeatStatus
	Position     int       // place on the waitlist, from 1
	Code         string    // check-in code, when confirmed
	OfferExpires time.Time // when an offer runs out
	CheckedIn    time.Time // zero when not checked in

	// From the profile; empty when the alumnus has deleted their data.
	Name       string
	Province   string // area code
	Regency    string // area code
	Wave       int
	ReferredBy int64
}

// FileParticipantsCSV is declared in flows.go with the other attachment kinds.

const (
	stepReportPick = "pick"
	reportPageSize = 6
	// reportWindow is how long after its end a meetup is still offered for reports.
	reportWindow  = 30 * 24 * time.Hour
	maxTitleRunes = 120
)

// Report actions in callback data: "rp:<nonce>:<action>[:<meetup>]".
const (
	actParticipants = "p"
	actSummary      = "l"
	actReportPage   = "pg"
	actReportList   = "list"
)

// reportIDRE is what a meetup id may look like (meetup ids are short slugs).
var reportIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// reports is /peserta (counts and the roster as a CSV file) and /laporan (a readable summary by
// regency, with a CSV file of every regency when they do not all fit) for organizers.
type reports struct{}

// reportsState is the kind of answer last asked for ("peserta" or "laporan") and the picker's page.
type reportsState struct {
	Which string `json:"which,omitempty"`
	Page  int    `json:"page,omitempty"`
}

func (reports) Name() string { return "rp" }
func (reports) Entries() []Entry {
	return []Entry{{Command: "peserta"}, {Command: "laporan"}}
}
func (reports) Role() Need { return NeedOrganizer }
func (reports) State() any { return new(reportsState) }

func (reports) enabled(a *App) bool { return a.Meetups != nil && a.Reports != nil }

// source is where rosters and tallies come from; nil when the reports cannot run (they also read
// meetups).
func (reports) source(t *Turn) Reports {
	if t.app.Meetups == nil {
		return nil
	}
	return t.app.Reports
}

// Start answers /peserta and /laporan (which is the command): the meetups to pick from, or, with a
// meetup id after the command, that meetup's answer at once.
func (rp reports) Start(t *Turn, e Entry, arg string) {
	t.restart(rp.Name(), stepReportPick)
	state[reportsState](t).Which = e.Command
	if id := strings.TrimSpace(arg); id != "" {
		rp.on(t, reportAction(e.Command), id)
		return
	}
	rp.picker(t, 0, false)
}

// Prompt shows the picker again: after a stale button, or when something other than a button
// arrived.
func (rp reports) Prompt(t *Turn) {
	if rp.source(t) == nil || t.s.Conv.Step != stepReportPick {
		t.organizerDone(locales.Msg("help.text")) // with the way back to the organizer menu
		return
	}
	n := len(t.res.Replies)
	if t.in.Kind == KindText { // typed where only buttons make sense
		t.say(locales.Msg("input.use_buttons"))
	}
	rp.picker(t, state[reportsState](t).Page, false)
	t.joinFrom(n) // one message: the note and the picker
}

// Text: the picker is answered with buttons only.
func (rp reports) Text(t *Turn, _ string) { rp.Prompt(t) }

// Tap handles the picker's buttons and those under an answer.
func (rp reports) Tap(t *Turn, b Tap) {
	if rp.source(t) == nil || t.s.Conv.Step != stepReportPick {
		t.stale()
		return
	}
	switch b.Action {
	case actReportPage:
		page, ok := pageArg(b.Arg)
		if !ok {
			t.stale()
			return
		}
		rp.picker(t, page, true)
	case actReportList:
		rp.picker(t, 0, false)
	case actParticipants, actSummary:
		rp.on(t, b.Action, b.Arg)
	case actFeedback:
		rp.feedbackTap(t, b.Arg)
	default:
		t.stale()
	}
}

func reportAction(which string) string {
	if which == "laporan" {
		return actSummary
	}
	return actParticipants
}

// meetups lists the meetups the role covers that are coming up or ended within reportWindow,
// drafts left out, soonest first.
func (reports) meetups(t *Turn) []Meetup {
	return t.coveredMeetups(t.in.Now.Add(-reportWindow), func(m Meetup) bool { return m.Status != MeetupDraft })
}

// picker shows one page of meetups to report on, a button each.
func (rp reports) picker(t *Turn, page int, edit bool) {
	ms := rp.meetups(t)
	if t.err != nil {
		return
	}
	if len(ms) == 0 {
		t.organizerDone(locales.Msg("report.none"))
		return
	}
	page = clampPage(page, len(ms), reportPageSize)
	st := state[reportsState](t)
	st.Page = page
	action := reportAction(st.Which)
	heading := locales.Msg("report.pick_participants")
	if action == actSummary {
		heading = locales.Msg("report.pick_summary")
	}
	lines := []locales.Text{heading}
	var kb [][]Button
	end := min(len(ms), (page+1)*reportPageSize)
	for _, m := range ms[page*reportPageSize : end] {
		prov, _ := t.app.Atlas.Province(m.Province)
		when := locales.FormatDate(m.Start.In(prov.Zone), t.res.Lang)
		title := shorten(m.Title, maxTitleRunes)
		switch {
		case m.Status == MeetupCancelled:
			lines = append(lines, locales.Msg("report.pick_item_cancelled", "Title", title, "When", when))
		case !m.End.After(t.in.Now):
			lines = append(lines, locales.Msg("report.pick_item_over", "Title", title, "When", when))
		default:
			lines = append(lines, locales.Msg("report.pick_item", "Title", title, "When", when))
		}
		kb = append(kb, []Button{t.button(locales.Raw(shorten(m.Title, 60)), action, m.ID)})
	}
	var nav []Button
	if page > 0 {
		nav = append(nav, t.button(locales.Msg("btn.prev"), actReportPage, strconv.Itoa(page-1)))
	}
	if end < len(ms) {
		nav = append(nav, t.button(locales.Msg("btn.next"), actReportPage, strconv.Itoa(page+1)))
	}
	if len(nav) > 0 {
		kb = append(kb, nav)
	}
	t.add(Reply{Text: locales.Lines(lines...), Buttons: kb, Edit: edit})
}

// on answers for one meetup, after checking that the role covers it. A meetup that does not
// exist and one of another province get the same answer, so a forged button learns nothing.
func (rp reports) on(t *Turn, action, id string) {
	var m *Meetup
	if reportIDRE.MatchString(id) { // typed or forged text never reaches a key name unchecked
		var err error
		if m, err = t.app.Meetups.Meetup(t.ctx, id); err != nil {
			t.fail(err)
			return
		}
	}
	if m == nil || !t.userRole().Covers(m.Province) {
		n := len(t.res.Replies)
		t.say(locales.Msg("report.not_found"))
		rp.picker(t, 0, false)
		t.joinFrom(n) // one message: the note and the question
		return
	}
	// The picker's buttons stay valid (same nonce), so another meetup is one tap away; "other
	// meetups" brings back the picker for the kind of answer last shown.
	if action == actSummary {
		state[reportsState](t).Which = "laporan"
		rp.summary(t, m)
		rp.withFeedback(t, m) // reports_feedback.go: the ratings and the way to the chart
		return
	}
	state[reportsState](t).Which = "peserta"
	rp.participants(t, m)
}

// participants answers /peserta: the counts, with the roster as a CSV file.
func (rp reports) participants(t *Turn, m *Meetup) {
	tally, err := rp.source(t).Tally(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	prov, _ := t.app.Atlas.Province(m.Province)
	text := locales.Lines(
		locales.Msg("report.participants_title", "Title", shorten(m.Title, maxTitleRunes),
			"When", locales.FormatDateTimeRange(m.Start.In(prov.Zone), m.End.In(prov.Zone), t.res.Lang, prov.ZoneName)),
		locales.Msg("report.counts", "Confirmed", tally.Confirmed, "Capacity", tally.Capacity,
			"Offered", tally.Offered, "Waitlisted", tally.Waitlisted, "CheckedIn", tally.CheckedIn,
			"Cancelled", tally.Cancelled),
		locales.Msg("report.csv_note"),
	)
	t.add(Reply{
		Text:    text, // a caption: well under Telegram's 1,024 characters
		File:    &Attachment{Kind: FileParticipantsCSV, Meetup: m.ID},
		Buttons: [][]Button{{t.button(locales.Msg("btn.report_summary"), actSummary, m.ID), t.button(locales.Msg("btn.report_other"), actReportList)}},
	})
}

// summary answers /laporan: RSVPs, waitlist, cancellations, attendance and referrals, then the
// regencies with the most alumni, under a headline such as "115 alumni dari 11 kabupaten/kota hadir".
// It is one message within conversation.md's 1,000 characters: when the regencies do not all fit,
// the message is the caption of a CSV file that holds every one of them.
func (rp reports) summary(t *Turn, m *Meetup) {
	rep := rp.source(t)
	tally, err := rep.Tally(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	roster, err := rep.Roster(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	lang := t.res.Lang
	prov, _ := t.app.Atlas.Province(m.Province)
	byRegency := ReportByRegency(t.app.Atlas, m, roster, t.in.Now)
	title := shorten(m.Title, maxTitleRunes)
	when := locales.FormatDateTimeRange(m.Start.In(prov.Zone), m.End.In(prov.Zone), lang, prov.ZoneName)

	lines := []locales.Text{locales.Msg("report.summary_title", "Title", title, "When", when)}
	switch {
	case m.Status == MeetupCancelled:
		lines = append(lines, locales.Msg("report.meetup_cancelled"))
	case byRegency.ByAttendance:
		lines = append(lines, locales.Msg("report.headline_came", "People", byRegency.People, "Regencies", byRegency.Regencies))
	case byRegency.People > 0:
		lines = append(lines, locales.Msg("report.headline_going", "People", byRegency.People, "Regencies", byRegency.Regencies))
	default:
		lines = append(lines, locales.Msg("report.headline_nobody"))
	}
	lines = append(lines, locales.Text{},
		locales.Msg("report.counts", "Confirmed", tally.Confirmed, "Capacity", tally.Capacity,
			"Offered", tally.Offered, "Waitlisted", tally.Waitlisted, "CheckedIn", tally.CheckedIn,
			"Cancelled", tally.Cancelled),
		locales.Msg("report.referrals", "Referred", byRegency.Total.Referred, "Came", byRegency.Total.ReferredCame))

	reply := Reply{Buttons: [][]Button{{
		t.button(locales.Msg("btn.report_participants"), actParticipants, m.ID),
		t.button(locales.Msg("btn.report_other"), actReportList),
	}}}
	if rows := byRegency.Rows; len(rows) > 0 {
		largest := max(len(roster), tally.Capacity, tally.Confirmed, tally.Offered, tally.Waitlisted,
			tally.CheckedIn, tally.Cancelled)
		shown := rows[:summaryRows(rows, title, when, largest)]
		heading := locales.Msg("report.by_regency")
		if len(shown) < len(rows) {
			heading = locales.Msg("report.by_regency_top")
		}
		lines = append(lines, locales.Text{}, heading)
		for _, r := range shown {
			lines = append(lines, regencyLine(r))
		}
		if len(shown) < len(rows) {
			var rest RegencyRow
			for _, r := range rows[len(shown):] {
				rest.Going += r.Going
				rest.Came += r.Came
				rest.Waiting += r.Waiting
			}
			lines = append(lines, locales.Msg("report.regency_more", "Count", len(rows)-len(shown),
				"Going", rest.Going, "Came", rest.Came, "Waiting", rest.Waiting),
				locales.Msg("report.regency_file"))
			reply.File = &Attachment{Kind: FileRegencyCSV, Meetup: m.ID}
		}
	}
	reply.Text = locales.Lines(lines...)
	t.add(reply)
}

const (
	// summaryMaxRows is how many regencies /laporan's message shows at most; the rest, when there
	// are more, are summed up in one line and listed in the CSV file.
	summaryMaxRows = 5
	// summaryBudget is the room, in UTF-16 units as Telegram counts, for /laporan's whole message:
	// conversation.md's 1,000 characters (and under a caption's 1,024).
	summaryBudget = 1000
	// summaryText bounds the UTF-16 length of the summary's words other than the title, the date,
	// the numbers and the regency lines, in either language: the title's and the headline's words,
	// the counts' labels, the referrals line, the heading, the "and N more" line and the file note.
	summaryText = 440
	// regencyRowText bounds the UTF-16 length of a regency line without its name and numbers, in
	// either language ("• : 0 with a seat, 0 came, 0 on the waiting list" less the digits).
	regencyRowText = 45
)

// summaryRows is how many of the rows (most alumni first) /laporan's message can show: at most
// summaryMaxRows, and only as many as fit in summaryBudget with everything else the message says.
// Every number is counted as long as the largest (largest), which bounds them all: the tally's counts
// and the roster's size.
func summaryRows(rows []RegencyRow, title, when string, largest int) int {
	n := min(len(rows), summaryMaxRows)
	for n > 0 && summaryLength(rows[:n], title, when, largest) > summaryBudget {
		n--
	}
	return n
}

// summaryLength bounds the UTF-16 length of /laporan's message showing these rows: fourteen numbers
// outside the rows (counts, headline, referrals, the "and N more" line) and three in each row.
func summaryLength(shown []RegencyRow, title, when string, largest int) int {
	digits := numberLength(largest)
	size := utf16Len(title) + utf16Len(when) + summaryText + 14*digits
	for _, r := range shown {
		size += utf16Len(r.Name) + regencyRowText + 3*digits
	}
	return size
}

// numberLength is the length of n as num writes it, thousands separators included.
func numberLength(n int) int {
	d := len(strconv.Itoa(n))
	return d + (d-1)/3
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func regencyLine(r RegencyRow) locales.Text {
	if r.Regency == "" {
		return locales.Msg("report.regency_unknown_row", "Going", r.Going, "Came", r.Came, "Waiting", r.Waiting)
	}
	return locales.Msg("report.regency_row", "Name", r.Name, "Going", r.Going, "Came", r.Came, "Waiting", r.Waiting)
}

// shorten cuts s to at most n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
