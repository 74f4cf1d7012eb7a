package flows

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// Meetup reminders. A meetup's Reminders are specs, each one reminder to every alumnus holding a seat:
//
//	"19:00" (or "19.00")   at that local time (the venue's zone) on the day before the start
//	"2h", "90m", "1d"      that long before the start (also "2 jam", "30 menit", "1 hari")
//	"off"                  no reminders at all (alone)
//
// No Reminders means DefaultReminders: the evening before at 19:00 and two hours before.

// DefaultReminders are a meetup's reminders unless it says otherwise.
var DefaultReminders = []string{"19:00", "2h"}

// RemindersOff is the spec of a meetup without reminders.
const RemindersOff = "off"

// MaxReminders bounds the reminders of one meetup.
const MaxReminders = 5

// ReminderSpec is one parsed reminder: Before the start, or At a local time ("19:00") the day before.
type ReminderSpec struct {
	Before time.Duration
	At     string // "HH:MM"; Before is 0 then
}

// ErrReminder is wrapped by ParseReminder's errors.
var ErrReminder = errors.New("bad reminder")

var (
	clockRE = regexp.MustCompile(`^([01]?\d|2[0-3])[.:]([0-5]\d)$`)
	// reminderTokenRE finds the specs in a list typed as "19.00, 2 jam" or "19:00 2h".
	reminderTokenRE = regexp.MustCompile(`\d{1,2}[.:]\d{2}|\d{1,4}\s*[a-z]+`)
	offsetRE        = regexp.MustCompile(`^(\d{1,4})\s*(m|min|mnt|menit|minutes?|h|j|jam|hours?|d|hr|hari|days?)$`)
)

// ParseReminder reads one reminder spec.
func ParseReminder(s string) (ReminderSpec, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if m := clockRE.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		return ReminderSpec{At: fmt.Sprintf("%02d:%s", h, m[2])}, nil
	}
	m := offsetRE.FindStringSubmatch(s)
	if m == nil {
		return ReminderSpec{}, fmt.Errorf("%w: %q is neither a time like 19:00 nor a length like 2h, 30m or 1d", ErrReminder, s)
	}
	n, _ := strconv.Atoi(m[1])
	unit := time.Minute
	switch m[2] {
	case "h", "j", "jam", "hour", "hours", "hr":
		unit = time.Hour
	case "d", "hari", "day", "days":
		unit = 24 * time.Hour
	}
	d := time.Duration(n) * unit
	if d < 5*time.Minute || d > 14*24*time.Hour {
		return ReminderSpec{}, fmt.Errorf("%w: %q must be between 5 minutes and 14 days before", ErrReminder, s)
	}
	return ReminderSpec{Before: d}, nil
}

// String writes a spec back in the canonical form: "19:00", "2h", "30m", "1d".
func (r ReminderSpec) String() string {
	switch {
	case r.At != "":
		return r.At
	case r.Before%(24*time.Hour) == 0:
		return strconv.Itoa(int(r.Before/(24*time.Hour))) + "d"
	case r.Before%time.Hour == 0:
		return strconv.Itoa(int(r.Before/time.Hour)) + "h"
	}
	return strconv.Itoa(int(r.Before/time.Minute)) + "m"
}

// ParseReminders reads a list of specs (comma or space separated in text, "off" alone for none) into
// canonical specs, without repeats.
func ParseReminders(text string) ([]string, error) {
	text = strings.ToLower(strings.TrimSpace(text))
	switch text {
	case RemindersOff, "tidak", "tidak ada", "none", "no":
		return []string{RemindersOff}, nil
	}
	parts := reminderTokenRE.FindAllString(text, -1)
	if rest := strings.Trim(reminderTokenRE.ReplaceAllString(text, ""), " ,;"); rest != "" || len(parts) == 0 {
		return nil, fmt.Errorf("%w: %q is neither a time like 19:00 nor a length like 2h, 30m or 1d", ErrReminder, text)
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range parts {
		r, err := ParseReminder(p)
		if err != nil {
			return nil, err
		}
		if s := r.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 || len(out) > MaxReminders {
		return nil, fmt.Errorf("%w: give 1 to %d reminders", ErrReminder, MaxReminders)
	}
	return out, nil
}

// reminderSpecs are a meetup's reminders, the defaults when it gives none; nil when they are off.
func (m Meetup) reminderSpecs() []ReminderSpec {
	specs := m.Reminders
	if len(specs) == 0 {
		specs = DefaultReminders
	}
	var out []ReminderSpec
	for _, s := range specs {
		if r, err := ParseReminder(s); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// ReminderTimes are the moments a meetup's reminders are due, in order, in zone (the venue's): "19:00"
// for a meetup at 09:00 is 19:00 the evening before, "2h" is 07:00. Repeated moments count once.
func ReminderTimes(m Meetup, zone *time.Location) []time.Time {
	start := m.Start.In(zone)
	var out []time.Time
	for _, r := range m.reminderSpecs() {
		var t time.Time
		if r.At != "" {
			h, _ := strconv.Atoi(r.At[:2])
			mi, _ := strconv.Atoi(r.At[3:])
			y, mo, d := start.AddDate(0, 0, -1).Date()
			t = time.Date(y, mo, d, h, mi, 0, 0, zone)
		} else {
			t = start.Add(-r.Before)
		}
		if t.Before(start) && !containsTime(out, t) {
			out = append(out, t)
		}
	}
	sortTimes(out)
	return out
}

func containsTime(ts []time.Time, t time.Time) bool {
	for _, x := range ts {
		if x.Equal(t) {
			return true
		}
	}
	return false
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// dayWord says which day start is seen from now, in start's zone: "today", "tomorrow" or "" (later).
func dayWord(start, now time.Time) string {
	now = now.In(start.Location())
	y, m, d := now.Date()
	sy, sm, sd := start.Date()
	switch {
	case y == sy && m == sm && d == sd:
		return "today"
	case time.Date(y, m, d+1, 0, 0, 0, 0, start.Location()).Equal(time.Date(sy, sm, sd, 0, 0, 0, 0, start.Location())):
		return "tomorrow"
	}
	return ""
}

// DueReminder is one reminder as the scheduler holds it: of a meetup ("m") or of a workshop series'
// session ("s"), due At. The store claims and queues it for every alumnus it is for, once.
type DueReminder struct {
	Kind string // ReminderMeetup or ReminderSeries
	ID   string // the meetup's or the series' id
	At   time.Time
	// Session is, for a series, the start of the session it is about (the event that, once started,
	// makes the reminder useless); for a meetup, its start. Not stored: the planner fills it in.
	Session time.Time
}

// Reminder kinds.
const (
	ReminderMeetup = "m"
	ReminderSeries = "s"
)

// MeetupReminder is the reminder of a meetup to a seat holder, in their language: title, time range in
// the venue's zone, venue; the ticket, the map pin when there are coordinates, "Tidak jadi ikut" and the
// reminder settings. Nothing to say (no replies) once the meetup is cancelled or has started.
func (a *App) MeetupReminder(m *Meetup, p *Profile, now time.Time) Result {
	lang := locales.ID
	if p != nil && p.Lang != "" {
		lang = p.Lang
	}
	res := Result{Lang: lang}
	if m == nil || m.Status != MeetupPublished || !now.Before(m.Start) {
		return res
	}
	prov, _ := a.Atlas.Province(m.Province)
	kb := [][]Button{{globalButton(locales.Msg("btn.rm_ticket"), "qr", m.ID)}}
	if hasPin(m) {
		kb[0] = append(kb[0], globalButton(locales.Msg("btn.location"), "pin", m.ID))
	}
	kb = append(kb, []Button{RemindButton(locales.Msg("btn.rm_not_going"), "cx", m.ID)},
		[]Button{RemindButton(locales.Msg("btn.rm_settings"), "prefs", "")})
	res.Replies = []Reply{{
		Text: locales.Msg("rm.meetup", "Title", m.Title,
			"When", locales.FormatDateTimeRange(m.Start.In(prov.Zone), m.End.In(prov.Zone), lang, prov.ZoneName),
			"Place", cut(place(m, a.Atlas), mkVenueMax+2+pageAddressMax), "Day", dayWord(m.Start.In(prov.Zone), now)),
		Buttons: kb,
	}}
	return res
}

// SessionReminder is the reminder of a workshop series' session, in the alumnus's zone when known:
// title, trainer, time, the link as a button, and a way to stop following the series.
func (a *App) SessionReminder(s *Series, session time.Time, p *Profile, now time.Time) Result {
	lang := locales.ID
	if p != nil && p.Lang != "" {
		lang = p.Lang
	}
	res := Result{Lang: lang}
	if s == nil || !now.Before(session) {
		return res
	}
	zone, label := ZoneOf(s.Zone), s.Zone
	if p != nil {
		if prov, ok := a.Atlas.Province(p.Province); ok {
			zone, label = prov.Zone, prov.ZoneName
		}
	}
	res.Replies = []Reply{{
		Text: locales.Msg("ws.session", "Title", s.Title, "Trainer", s.Trainer,
			"When", locales.FormatDateTimeRange(session.In(zone), session.Add(s.Length()).In(zone), lang, label), "Link", s.Link),
		Buttons: [][]Button{
			{{Text: locales.Msg("btn.ws_join"), URL: s.Link}},
			{RemindButton(locales.Msg("btn.ws_stop"), "unsub", s.ID), RemindButton(locales.Msg("btn.rm_settings"), "prefs", "")},
		},
	}}
	return res
}
