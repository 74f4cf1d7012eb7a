package flows

import (
	"time"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/locales"
)

// The questions of /buatacara as organizers see them: a typed question with its current answer to
// keep, the area keyboards, the agenda and the preview.

// mkAsk asks a typed question. When the step already has an answer (a change, or a second round)
// it is shown with a "Tetap" button to keep it; an optional answer gets a button to leave it empty.
func (k create) mkAsk(t *Turn, q locales.Text, optional bool) {
	c := &t.s.Conv
	st := state[createState](t)
	var row []Button
	if v := k.mkShow(t, c.Step); v != "" {
		q = locales.Lines(q, locales.Msg("create.keep_hint", "Value", v))
		row = append(row, t.button(locales.Msg("btn.create_keep"), "keep"))
	}
	if optional {
		label := locales.Msg("btn.create_skip")
		if f, ok := mkField[c.Step]; ok && f.get(st) != "" {
			label = locales.Msg("btn.create_clear")
		}
		row = append(row, t.button(label, "skip"))
	}
	if len(row) == 0 {
		t.say(q)
		return
	}
	t.say(q, row)
}

// mkShow is a step's current answer as the organizer would read it; "" when there is none to keep.
func (k create) mkShow(t *Turn, step string) string {
	st := state[createState](t)
	f, ok := mkField[step]
	if !ok || f.get(st) == "" {
		return ""
	}
	v := f.get(st)
	switch step {
	case stepMkProvince:
		p, _ := t.app.Atlas.Province(v)
		return p.Name
	case stepMkRegency:
		g, ok := t.app.Atlas.Regency(v)
		if !ok || g.Province != st.Province {
			return ""
		}
		return g.Name
	case stepMkDate:
		day, err := time.Parse("2006-01-02", v)
		if err != nil {
			return ""
		}
		return locales.FormatDate(day, t.res.Lang)
	case stepMkStart, stepMkEnd:
		return mkClock(t, v) + " " + k.mkZone(t).ZoneName
	case stepMkDesc:
		if utf8.RuneCountInString(v) > 60 {
			return string([]rune(v)[:60]) + "…"
		}
	}
	return v
}

func (k create) mkProvinceKeyboard(t *Turn, q locales.Text) {
	st := state[createState](t)
	if v := k.mkShow(t, stepMkProvince); v != "" {
		q = locales.Lines(q, locales.Msg("create.keep_hint", "Value", v))
	}
	rep := provinceKeyboard(t, q, st.Page)
	if st.Province != "" {
		rep.Buttons = append(rep.Buttons, []Button{t.button(locales.Msg("btn.create_keep"), "keep")})
	}
	t.add(rep)
}

// mkRegencyKeyboard is the paginated list of the province's regencies. Only an organizer of every
// province gets the button to change the province.
func (k create) mkRegencyKeyboard(t *Turn, q locales.Text) {
	st := state[createState](t)
	var last []Button
	if v := k.mkShow(t, stepMkRegency); v != "" {
		q = locales.Lines(q, locales.Msg("create.keep_hint", "Value", v))
		last = append(last, t.button(locales.Msg("btn.create_keep"), "keep"))
	}
	if t.userRole().Province == "" {
		last = append(last, t.button(locales.Msg("btn.change_province"), "back"))
	}
	t.add(regencyKeyboard(t, q, st.Province, st.Page, last))
}

// mkWorkshopsPrompt shows the agenda so far and offers to add a workshop. Workshops that no longer fit
// the meetup's hours (its times were changed) are dropped, and the organizer is told.
func (k create) mkWorkshopsPrompt(t *Turn) {
	st := state[createState](t)
	zone := k.mkZone(t)
	for _, w := range st.fitWorkshops() {
		t.say(locales.Msg("create.ws_dropped", "Title", w.Title))
	}
	kept := st.Workshops
	var lines []locales.Text
	if len(kept) > 0 {
		lines = append(lines, locales.Msg("event.agenda"))
		for _, w := range kept {
			lines = append(lines, locales.Msg("event.workshop", "From", mkClock(t, w.Start), "To", mkClock(t, w.End),
				"Zone", zone.ZoneName, "Title", w.Title, "Trainer", w.Trainer))
		}
		lines = append(lines, locales.Text{})
	}
	lines = append(lines, locales.Msg("create.ask_workshops"))
	var row []Button
	if len(kept) < mkWorkshopsMax {
		row = append(row, t.button(locales.Msg("btn.create_add_workshop"), "add"))
	}
	row = append(row, t.button(locales.Msg("btn.create_done"), "done"))
	kb := [][]Button{row}
	if len(kept) > 0 {
		kb = append(kb, []Button{t.button(locales.Msg("btn.create_clear_workshops"), "clear")})
	}
	t.say(locales.Lines(lines...), kb...)
}

// mkPreview shows the meetup's page as alumni will see it, with the buttons to save it.
func (k create) mkPreview(t *Turn) {
	st := state[createState](t)
	m, ok := k.mkMeetup(t)
	if !ok {
		t.organizerDone(locales.Msg("create.start_over"))
		return
	}
	if st.Mode != "edit" && (st.ID == "" || st.IDTitle != m.Title) {
		id, err := k.mkFreeID(t, m.Title)
		if err != nil {
			t.fail(err)
			return
		}
		st.ID = id
		st.IDTitle = m.Title
	}
	taken, holders := k.mkTaken(t)
	if t.err != nil {
		return
	}
	m.ID, m.Status = st.ID, MeetupPublished
	lines := append(pageLines(t, &m), locales.Text{},
		locales.Msg("event.seats_left", "Left", max(0, m.Capacity-taken), "Capacity", m.Capacity), locales.Text{})
	lines = append(lines, mkRemindersLines(m.Reminders)...)
	publish := locales.Msg("btn.create_publish")
	if st.OStatus == MeetupPublished {
		publish = locales.Msg("btn.create_save_changes")
	}
	row := []Button{t.button(publish, "pub")}
	if holders == 0 { // a meetup alumni already signed up for stays visible to them
		row = append(row, t.button(locales.Msg("btn.create_save_draft"), "draft"))
	}
	t.say(locales.Msg("create.preview_intro"))
	t.say(locales.Lines(lines...), row, []Button{t.button(locales.Msg("btn.create_reminders"), "rem")}, []Button{k.mkFeedbackButton(t)},
		[]Button{t.button(locales.Msg("btn.create_again"), "again"), t.button(locales.Msg("btn.create_cancel"), "cancel")})
}
