package flows

import (
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// pengingat is /pengingat: the alumnus's reminders — of each meetup they hold a seat at, of each
// series they subscribed to, and all of them at once — each with its next reminder in the alumnus's
// own zone, and a button to turn it off or on. The list is edited in place after each tap.
type pengingat struct{ noState }

const (
	stepPgList     = "list"
	pgMaxItems     = 6 // a list within the 1,000 characters of a message
	pgTitleInLine  = 50
	pgTitleInLabel = 28
)

func (pengingat) Name() string     { return "pg" }
func (pengingat) Entries() []Entry { return []Entry{{Command: "pengingat"}, {Command: "reminders"}} }
func (pengingat) Role() Need       { return NeedAlumnus }
func (pengingat) enabled(a *App) bool {
	return a.Reminders != nil && a.Meetups != nil
}

func (p pengingat) Start(t *Turn, _ Entry, _ string) {
	t.restart(p.Name(), stepPgList)
	p.Prompt(t)
}

func (p pengingat) Prompt(t *Turn) { p.show(t) }

func (pengingat) Text(t *Turn, _ string) {
	t.say(locales.Msg("rm.prefs_use_buttons"))
	pengingat{}.show(t)
}

func (p pengingat) Tap(t *Turn, b Tap) {
	if b.Action != "t" {
		t.stale()
		return
	}
	// The button says the state it sets, so the same update run again sets the same (ops.go).
	parts := strings.Split(b.Arg, "|")
	if len(parts) != 3 || (parts[2] != "0" && parts[2] != "1") {
		t.stale()
		return
	}
	kind, id, on := parts[0], parts[1], parts[2] == "1"
	switch kind {
	case "a":
		kind, id = "", ""
	case ReminderMeetup, ReminderSeries:
	default:
		t.stale()
		return
	}
	if err := t.app.Reminders.SetReminders(t.ctx, kind, id, t.in.UserID, on); err != nil {
		t.fail(err)
		return
	}
	if on {
		t.res.Notice = locales.Msg("rm.prefs_turned_on")
	} else {
		t.res.Notice = locales.Msg("rm.prefs_turned_off")
	}
	t.s.Conv.Nonce++
	p.show(t)
	t.editLast()
}

// pgItem is one line of the list.
type pgItem struct {
	kind, id, title string
	on              bool
	next            time.Time // zero: no reminder left
}

// show lists the reminders with their switches.
func (p pengingat) show(t *Turn) {
	items := p.items(t)
	if t.err != nil {
		return
	}
	all, err := t.app.Reminders.RemindersOn(t.ctx, "", "", t.in.UserID)
	if err != nil {
		t.fail(err)
		return
	}
	zone, label := p.zone(t)
	lines := []locales.Text{locales.Msg("rm.prefs_title", "On", all)}
	var kb [][]Button
	if len(items) == 0 {
		lines = append(lines, locales.Msg("rm.prefs_none"))
	}
	for _, it := range items {
		next := ""
		if !it.next.IsZero() {
			next = locales.FormatDateTime(it.next.In(zone), t.res.Lang, label)
		}
		lines = append(lines, locales.Msg("rm.prefs_item", "Title", cut(it.title, pgTitleInLine), "On", it.on && all, "Next", next))
		if all {
			arg := it.kind + "|" + it.id + "|"
			if it.on {
				kb = append(kb, []Button{t.button(locales.Msg("btn.rm_off", "Title", cut(it.title, pgTitleInLabel)), "t", arg+"0")})
			} else {
				kb = append(kb, []Button{t.button(locales.Msg("btn.rm_on", "Title", cut(it.title, pgTitleInLabel)), "t", arg+"1")})
			}
		}
	}
	if all {
		kb = append(kb, []Button{t.button(locales.Msg("btn.rm_all_off"), "t", "a||0")})
	} else {
		kb = append(kb, []Button{t.button(locales.Msg("btn.rm_all_on"), "t", "a||1")})
	}
	if len(items) == 0 && t.app.Series != nil { // nothing to remind of yet: the workshops are a tap away
		kb = append(kb, []Button{RemindButton(locales.Msg("btn.go_workshops"), "ws", "")})
	}
	kb = append(kb, homeButtons(t)...)
	t.say(locales.Lines(lines...), kb...)
}

// zone is the alumnus's own zone (their province's); WIB when unknown.
func (pengingat) zone(t *Turn) (*time.Location, string) {
	if t.s.Profile != nil {
		if prov, ok := t.app.Atlas.Province(t.s.Profile.Province); ok {
			return prov.Zone, prov.ZoneName
		}
	}
	return ZoneOf("WIB"), "WIB"
}

// items are the upcoming meetups the alumnus holds a seat at and the series they follow.
func (pengingat) items(t *Turn) []pgItem {
	now := t.in.Now
	var out []pgItem
	ids, err := t.app.Meetups.MyMeetups(t.ctx, t.in.UserID)
	if err != nil {
		t.fail(err)
		return nil
	}
	for _, id := range ids {
		m, err := t.app.Meetups.Meetup(t.ctx, id)
		if err != nil {
			t.fail(err)
			return nil
		}
		if m == nil || m.Status != MeetupPublished || !m.Start.After(now) {
			continue
		}
		seat, err := t.app.Meetups.SeatOf(t.ctx, id, t.in.UserID)
		if err != nil {
			t.fail(err)
			return nil
		}
		if seat.Status != SeatConfirmed {
			continue
		}
		on, err := t.app.Reminders.RemindersOn(t.ctx, ReminderMeetup, id, t.in.UserID)
		if err != nil {
			t.fail(err)
			return nil
		}
		it := pgItem{kind: ReminderMeetup, id: id, title: m.Title, on: on}
		prov, _ := t.app.Atlas.Province(m.Province)
		for _, at := range ReminderTimes(*m, prov.Zone) {
			if at.After(now) {
				it.next = at
				break
			}
		}
		out = append(out, it)
	}
	if t.app.Series != nil {
		sids, err := t.app.Series.MySeries(t.ctx, t.in.UserID)
		if err != nil {
			t.fail(err)
			return nil
		}
		for _, id := range sids {
			s, err := t.app.Series.Series(t.ctx, id)
			if err != nil {
				t.fail(err)
				return nil
			}
			if s == nil || !s.End().After(now) {
				continue
			}
			on, err := t.app.Reminders.RemindersOn(t.ctx, ReminderSeries, id, t.in.UserID)
			if err != nil {
				t.fail(err)
				return nil
			}
			it := pgItem{kind: ReminderSeries, id: id, title: s.Title, on: on}
			for _, st := range s.Sessions(now, 3) {
				if at := st.Add(-s.Reminder()); at.After(now) {
					it.next = at
					break
				}
			}
			out = append(out, it)
		}
	}
	if len(out) > pgMaxItems {
		out = out[:pgMaxItems]
	}
	return out
}
