package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/locales"
)

// /buatacara: an organizer creates a meetup, or changes one they cover, one question at a time.
//
// Answers are kept in the conversation as typed — local dates and clock times, area codes — and the
// meetup is built from them only for the preview and the save, so changing the province (and with it
// the zone) or going round the questions again never mixes up instants. Nothing is saved before the
// organizer taps "Terbitkan" or "Simpan sebagai draf". The role read by organizer.go for this update
// is checked again wherever a province matters: a forged button or a narrowed role saves nothing
// outside the organizer's province.
//
// Conversation data:
//
//	mode            "new" or "edit"
//	id              the meetup's id: the one being changed, or for a new one the id picked at the preview
//	idt             the title a new meetup's id was made from (a changed title gets a new id)
//	ostart, ostatus edit: the meetup's start (unix s) and status when the edit began
//	title province regency venue addr date start end cap desc ws
//	                the answers: date "2006-01-02", start and end "15:04" in the venue's zone, ws JSON
//	wt wtr wst      the workshop being added: title, trainer, start
//	page            page of the province or regency keyboard

// MeetupWriter is where /buatacara saves meetups; store.Store is one.
type MeetupWriter interface {
	// SaveMeetup creates or replaces a meetup; saving the same meetup again changes nothing.
	SaveMeetup(ctx context.Context, m Meetup) error
	// TellHolders queues a notice for everyone holding a seat, an offer or a waitlist place.
	TellHolders(ctx context.Context, meetup string, kind NoticeKind) (int, error)
}

// Steps of /buatacara, in the order they are asked.
const (
	stepMkMenu      = "mk_menu" // create a new meetup or change one
	stepMkTitle     = "mk_title"
	stepMkProvince  = "mk_prov" // skipped for organizers of one province
	stepMkRegency   = "mk_reg"
	stepMkVenue     = "mk_venue"
	stepMkAddress   = "mk_addr"
	stepMkDate      = "mk_date"
	stepMkStart     = "mk_start"
	stepMkEnd       = "mk_end"
	stepMkCapacity  = "mk_cap"
	stepMkDesc      = "mk_desc"
	stepMkWorkshops = "mk_ws" // the agenda so far: add another or finish
	stepMkWsTitle   = "mk_wt"
	stepMkWsTrainer = "mk_wtr"
	stepMkWsStart   = "mk_wst"
	stepMkWsEnd     = "mk_wen"
	stepMkPreview   = "mk_prev"
)

// Limits of what organizers type. The id and the capacity follow meetupfile, so a meetup made here
// could be written to a meetup file and loaded back.
const (
	mkTitleMin, mkTitleMax = 3, 80
	mkVenueMin, mkVenueMax = 3, 100
	mkAddressMax           = 200
	mkDescMax              = 1000 // a meetup's page must stay well under Telegram's 4,096 characters
	mkTrainerMax           = 100
	mkCapacityMax          = 100000
	mkWorkshopsMax         = 10
	mkIDMax                = 41 // meetupfile: 2–41 characters of a-z, 0-9 and -
	mkSuffixLen            = 4
	mkMenuMax              = 10 // meetups offered for a change
	mkAheadYears           = 2  // a date further out is most likely a typo
)

// mkField is the answer each typed step stores, and the step after it.
var mkField = map[string]struct{ key, next string }{
	stepMkTitle:    {"title", stepMkProvince},
	stepMkProvince: {"province", stepMkRegency},
	stepMkRegency:  {"regency", stepMkVenue},
	stepMkVenue:    {"venue", stepMkAddress},
	stepMkAddress:  {"addr", stepMkDate},
	stepMkDate:     {"date", stepMkStart},
	stepMkStart:    {"start", stepMkEnd},
	stepMkEnd:      {"end", stepMkCapacity},
	stepMkCapacity: {"cap", stepMkDesc},
	stepMkDesc:     {"desc", stepMkWorkshops},
}

// mkWorkshop is a workshop as the organizer typed it: clock times on the meetup's day.
type mkWorkshop struct {
	Title   string `json:"t"`
	Trainer string `json:"r,omitempty"`
	Start   string `json:"s"` // "15:04"
	End     string `json:"e"`
}

func (t *turn) createEnabled() bool { return t.meetupsEnabled() && t.app.Writer != nil }

// createCommand answers /buatacara: the choice between a new meetup and the upcoming ones the
// organizer covers, or straight to the first question when there is nothing to change.
func (t *turn) createCommand(r Role) {
	if !t.createEnabled() {
		t.say(locales.Msg("unknown.command"))
		return
	}
	ms := t.mkEditable(r)
	if t.err != nil {
		return
	}
	if len(ms) == 0 {
		t.mkBeginNew(r)
		return
	}
	t.s.Conv.restart(flowCreate, stepMkMenu)
	t.createPrompt(r)
}

// mkEditable lists the meetups the organizer may change: not ended, not cancelled, in their
// provinces, soonest first.
func (t *turn) mkEditable(r Role) []Meetup {
	out := t.coveredMeetups(r, t.in.Now, func(m Meetup) bool { return m.Status != MeetupCancelled })
	return out[:min(len(out), mkMenuMax)]
}

func (t *turn) mkBeginNew(r Role) {
	c := &t.s.Conv
	c.restart(flowCreate, stepMkTitle)
	c.set("mode", "new")
	t.say(locales.Msg("create.new_intro"))
	t.createPrompt(r)
}

// mkBeginEdit starts walking the questions with a meetup's current answers as defaults.
func (t *turn) mkBeginEdit(r Role, id string) {
	m, err := t.app.Meetups.Meetup(t.ctx, id)
	if err != nil {
		t.fail(err)
		return
	}
	c := &t.s.Conv
	if m == nil || m.Status == MeetupCancelled || !m.End.After(t.in.Now) || !r.Covers(m.Province) {
		c.restart("", "")
		t.say(locales.Msg("create.gone"))
		return
	}
	prov, _ := t.app.Atlas.Province(m.Province)
	start, end := m.Start.In(prov.Zone), m.End.In(prov.Zone)
	ws := make([]mkWorkshop, 0, len(m.Workshops))
	for _, w := range m.Workshops {
		ws = append(ws, mkWorkshop{Title: w.Title, Trainer: w.Trainer,
			Start: w.Start.In(prov.Zone).Format("15:04"), End: w.End.In(prov.Zone).Format("15:04")})
	}
	c.restart(flowCreate, stepMkTitle)
	for k, v := range map[string]string{
		"mode": "edit", "id": m.ID, "ostart": strconv.FormatInt(m.Start.Unix(), 10), "ostatus": string(m.Status),
		"title": m.Title, "province": m.Province, "regency": m.Regency, "venue": m.Venue.Name,
		"addr": m.Venue.Address, "date": start.Format("2006-01-02"), "start": start.Format("15:04"),
		"end": end.Format("15:04"), "cap": strconv.Itoa(m.Capacity), "desc": m.Description,
	} {
		if v != "" {
			c.set(k, v)
		}
	}
	t.mkSetWorkshops(ws)
	t.say(locales.Msg("create.edit_intro", "Title", m.Title))
	t.createPrompt(r)
}

// mkGo moves to a step and asks its question; buttons of the previous question become stale.
func (t *turn) mkGo(r Role, step string) {
	t.s.Conv.Step = step
	t.s.Conv.Nonce++
	t.createPrompt(r)
}

// createPrompt asks the current step's question, with fresh buttons.
func (t *turn) createPrompt(r Role) {
	c := &t.s.Conv
	if !t.createEnabled() {
		c.restart("", "")
		t.say(locales.Msg("unknown.command"))
		return
	}
	zone := t.mkZone()
	switch c.Step {
	case stepMkMenu:
		ms := t.mkEditable(r)
		if t.err != nil {
			return
		}
		if len(ms) == 0 {
			t.mkBeginNew(r)
			return
		}
		kb := [][]Button{{c.button(locales.Msg("btn.create_new"), "new")}}
		for _, m := range ms {
			kb = append(kb, []Button{c.button(locales.Msg("btn.create_edit", "Title", m.Title, "Draft", m.Status == MeetupDraft), "ed", m.ID)})
		}
		t.say(locales.Msg("create.menu"), kb...)
	case stepMkTitle:
		t.mkAsk(locales.Msg("create.ask_title"), false)
	case stepMkProvince:
		if r.Province != "" { // an organizer of one province makes meetups there
			t.mkSetProvince(r, r.Province)
			return
		}
		t.mkProvinceKeyboard(locales.Msg("create.ask_province"))
	case stepMkRegency:
		if r.Province != "" && c.Data["province"] != r.Province {
			t.mkSetProvince(r, r.Province)
			return
		}
		p, ok := t.app.Atlas.Province(c.Data["province"])
		if !ok {
			t.mkGo(r, stepMkProvince)
			return
		}
		t.mkRegencyKeyboard(r, locales.Msg("onboard.ask_regency", "Province", p.Name))
	case stepMkVenue:
		t.mkAsk(locales.Msg("create.ask_venue"), false)
	case stepMkAddress:
		t.mkAsk(locales.Msg("create.ask_address"), true)
	case stepMkDate:
		t.mkAsk(locales.Msg("create.ask_date", "Example", t.mkDateExample()), false)
	case stepMkStart:
		t.mkAsk(locales.Msg("create.ask_start", "Zone", zone.ZoneName), false)
	case stepMkEnd:
		t.mkAsk(locales.Msg("create.ask_end", "Start", mkDots(c.Data["start"]), "Zone", zone.ZoneName), false)
	case stepMkCapacity:
		t.mkAsk(locales.Msg("create.ask_capacity"), false)
	case stepMkDesc:
		t.mkAsk(locales.Msg("create.ask_description"), true)
	case stepMkWorkshops:
		t.mkWorkshopsPrompt()
	case stepMkWsTitle:
		t.say(locales.Msg("create.ask_ws_title"))
	case stepMkWsTrainer:
		t.say(locales.Msg("create.ask_ws_trainer"), []Button{c.button(locales.Msg("btn.create_skip"), "skip")})
	case stepMkWsStart:
		t.say(locales.Msg("create.ask_ws_start", "From", mkDots(c.Data["start"]), "To", mkDots(c.Data["end"]), "Zone", zone.ZoneName))
	case stepMkWsEnd:
		t.say(locales.Msg("create.ask_ws_end", "Start", mkDots(c.Data["wst"]), "To", mkDots(c.Data["end"]), "Zone", zone.ZoneName))
	case stepMkPreview:
		t.mkPreview(r)
	default: // a state from an older version of the bot
		c.restart("", "")
		t.say(locales.Msg("create.start_over"))
	}
}

// mkAsk asks a typed question. When the step already has an answer (a change, or a second round)
// it is shown with a "Tetap" button to keep it; an optional answer gets a button to leave it empty.
func (t *turn) mkAsk(q locales.Text, optional bool) {
	c := &t.s.Conv
	var row []Button
	if v := t.mkShow(c.Step); v != "" {
		q = locales.Lines(q, locales.Msg("create.keep_hint", "Value", v))
		row = append(row, c.button(locales.Msg("btn.create_keep"), "keep"))
	}
	if optional {
		label := locales.Msg("btn.create_skip")
		if c.Data[mkField[c.Step].key] != "" {
			label = locales.Msg("btn.create_clear")
		}
		row = append(row, c.button(label, "skip"))
	}
	if len(row) == 0 {
		t.say(q)
		return
	}
	t.say(q, row)
}

// mkShow is a step's current answer as the organizer would read it; "" when there is none to keep.
func (t *turn) mkShow(step string) string {
	d := t.s.Conv.Data
	f, ok := mkField[step]
	if !ok || d[f.key] == "" {
		return ""
	}
	v := d[f.key]
	switch f.key {
	case "province":
		p, _ := t.app.Atlas.Province(v)
		return p.Name
	case "regency":
		g, ok := t.app.Atlas.Regency(v)
		if !ok || g.Province != d["province"] {
			return ""
		}
		return g.Name
	case "date":
		day, err := time.Parse("2006-01-02", v)
		if err != nil {
			return ""
		}
		return locales.FormatDate(day, t.res.Lang)
	case "start", "end":
		return mkDots(v) + " " + t.mkZone().ZoneName
	case "desc":
		if utf8.RuneCountInString(v) > 60 {
			return string([]rune(v)[:60]) + "…"
		}
	}
	return v
}

func (t *turn) mkProvinceKeyboard(q locales.Text) {
	c := &t.s.Conv
	if v := t.mkShow(stepMkProvince); v != "" {
		q = locales.Lines(q, locales.Msg("create.keep_hint", "Value", v))
	}
	rep := t.provinceKeyboard(q)
	if c.Data["province"] != "" {
		rep.Buttons = append(rep.Buttons, []Button{c.button(locales.Msg("btn.create_keep"), "keep")})
	}
	t.res.Replies = append(t.res.Replies, rep)
}

// mkRegencyKeyboard is the paginated list of the province's regencies. Only an organizer of every
// province gets the button to change the province.
func (t *turn) mkRegencyKeyboard(r Role, q locales.Text) {
	c := &t.s.Conv
	gs := t.app.Atlas.Regencies(c.Data["province"])
	from, to, page := pageBounds(len(gs), c.Data["page"])
	bs := make([]Button, 0, to-from)
	for _, g := range gs[from:to] {
		bs = append(bs, c.button(locales.Raw(g.Name), "r", g.Code))
	}
	var last []Button
	if v := t.mkShow(stepMkRegency); v != "" {
		q = locales.Lines(q, locales.Msg("create.keep_hint", "Value", v))
		last = append(last, c.button(locales.Msg("btn.create_keep"), "keep"))
	}
	if r.Province == "" {
		last = append(last, c.button(locales.Msg("btn.change_province"), "back"))
	}
	kb := append(rows(bs, 2), t.pager(page, len(gs)), last)
	t.res.Replies = append(t.res.Replies, Reply{Text: q, Buttons: trimEmpty(kb)})
}

// createText handles a typed answer.
func (t *turn) createText(r Role, s string) {
	c := &t.s.Conv
	if !t.createEnabled() {
		t.createPrompt(r)
		return
	}
	if s == "-" && t.mkShow(c.Step) != "" {
		t.mkKeep(r)
		return
	}
	zone := t.mkZone()
	switch c.Step {
	case stepMkTitle:
		v := cleanName(s)
		if n := utf8.RuneCountInString(v); n < mkTitleMin || n > mkTitleMax {
			t.mkAsk(locales.Msg("create.title_invalid"), false)
			return
		}
		t.mkSet(r, v)
	case stepMkProvince:
		p, ok := t.app.Atlas.FindProvince(s)
		if !ok {
			t.mkProvinceKeyboard(locales.Msg("onboard.province_unknown"))
			return
		}
		t.mkSetProvince(r, p.Code)
	case stepMkRegency:
		g, ok := t.app.Atlas.FindRegency(c.Data["province"], s)
		if !ok {
			p, _ := t.app.Atlas.Province(c.Data["province"])
			t.mkRegencyKeyboard(r, locales.Msg("onboard.regency_unknown", "Province", p.Name))
			return
		}
		delete(c.Data, "page")
		t.mkSet(r, g.Code)
	case stepMkVenue:
		v := cleanName(s)
		if n := utf8.RuneCountInString(v); n < mkVenueMin || n > mkVenueMax {
			t.mkAsk(locales.Msg("create.venue_invalid"), false)
			return
		}
		t.mkSet(r, v)
	case stepMkAddress:
		if mkSkipWord(s) {
			t.mkSet(r, "")
			return
		}
		v := cleanName(s)
		if utf8.RuneCountInString(v) > mkAddressMax {
			t.mkAsk(locales.Msg("create.address_invalid"), true)
			return
		}
		t.mkSet(r, v)
	case stepMkDate:
		day, ok := mkParseDay(s)
		if !ok {
			t.mkAsk(locales.Msg("create.date_invalid", "Example", t.mkDateExample()), false)
			return
		}
		today := t.in.Now.In(zone.Zone)
		switch {
		case day < today.Format("2006-01-02"):
			t.mkAsk(locales.Msg("create.date_past", "Example", t.mkDateExample()), false)
		case day > today.AddDate(mkAheadYears, 0, 0).Format("2006-01-02"):
			t.mkAsk(locales.Msg("create.date_far", "Example", t.mkDateExample()), false)
		default:
			t.mkSet(r, day)
		}
	case stepMkStart:
		hm, ok := mkParseClock(s, zone.ZoneName)
		if !ok {
			t.mkAsk(locales.Msg("create.time_invalid", "Example", "09.00"), false)
			return
		}
		if !t.mkStartOK(c.Data["date"], hm) {
			t.mkStartPast()
			return
		}
		t.mkSet(r, hm)
	case stepMkEnd:
		hm, ok := mkParseClock(s, zone.ZoneName)
		if !ok {
			t.mkAsk(locales.Msg("create.time_invalid", "Example", "15.00"), false)
			return
		}
		if hm <= c.Data["start"] {
			t.mkAsk(locales.Msg("create.end_before_start", "Start", mkDots(c.Data["start"]), "Zone", zone.ZoneName), false)
			return
		}
		t.mkSet(r, hm)
	case stepMkCapacity:
		n, bad := mkParseCapacity(s)
		if bad.ID != "" {
			t.mkAsk(bad, false)
			return
		}
		if !t.mkCapacityOK(n) {
			return
		}
		t.mkSet(r, strconv.Itoa(n))
	case stepMkDesc:
		if mkSkipWord(s) {
			t.mkSet(r, "")
			return
		}
		if utf8.RuneCountInString(s) > mkDescMax {
			t.mkAsk(locales.Msg("create.description_invalid", "Max", mkDescMax), true)
			return
		}
		t.mkSet(r, s)
	case stepMkWsTitle:
		v := cleanName(s)
		if n := utf8.RuneCountInString(v); n < mkTitleMin || n > mkTitleMax {
			t.say(locales.Msg("create.ws_title_invalid"))
			return
		}
		c.set("wt", v)
		t.mkGo(r, stepMkWsTrainer)
	case stepMkWsTrainer:
		v := ""
		if !mkSkipWord(s) {
			v = cleanName(s)
		}
		if utf8.RuneCountInString(v) > mkTrainerMax {
			t.say(locales.Msg("create.ws_trainer_invalid"), []Button{c.button(locales.Msg("btn.create_skip"), "skip")})
			return
		}
		c.set("wtr", v)
		t.mkGo(r, stepMkWsStart)
	case stepMkWsStart:
		hm, ok := mkParseClock(s, zone.ZoneName)
		if !ok || hm < c.Data["start"] || hm >= c.Data["end"] {
			t.say(locales.Msg("create.ws_start_invalid", "From", mkDots(c.Data["start"]), "To", mkDots(c.Data["end"]), "Zone", zone.ZoneName))
			return
		}
		c.set("wst", hm)
		t.mkGo(r, stepMkWsEnd)
	case stepMkWsEnd:
		hm, ok := mkParseClock(s, zone.ZoneName)
		if !ok || hm <= c.Data["wst"] || hm > c.Data["end"] {
			t.say(locales.Msg("create.ws_end_invalid", "Start", mkDots(c.Data["wst"]), "To", mkDots(c.Data["end"]), "Zone", zone.ZoneName))
			return
		}
		w := mkWorkshop{Title: c.Data["wt"], Trainer: c.Data["wtr"], Start: c.Data["wst"], End: hm}
		t.mkSetWorkshops(append(t.mkWorkshops(), w))
		delete(c.Data, "wt")
		delete(c.Data, "wtr")
		delete(c.Data, "wst")
		t.say(locales.Msg("create.ws_added", "Title", w.Title))
		t.mkGo(r, stepMkWorkshops)
	default: // the menu, the agenda and the preview are answered with buttons
		t.say(locales.Msg("input.use_buttons"))
		t.createPrompt(r)
	}
}

// mkSet stores the current step's answer and asks the next question.
func (t *turn) mkSet(r Role, v string) {
	c := &t.s.Conv
	f := mkField[c.Step]
	if v == "" {
		delete(c.Data, f.key)
	} else {
		c.set(f.key, v)
	}
	t.mkGo(r, f.next)
}

// mkKeep keeps the current step's answer, checking it again where earlier answers may have changed
// what is valid (a new date makes a kept start time past, a new start makes a kept end too early).
func (t *turn) mkKeep(r Role) {
	c := &t.s.Conv
	zone := t.mkZone()
	switch c.Step {
	case stepMkProvince:
		t.mkSetProvince(r, c.Data["province"])
		return
	case stepMkStart:
		if !t.mkStartOK(c.Data["date"], c.Data["start"]) {
			t.mkStartPast()
			return
		}
	case stepMkEnd:
		if c.Data["end"] <= c.Data["start"] {
			t.mkAsk(locales.Msg("create.end_before_start", "Start", mkDots(c.Data["start"]), "Zone", zone.ZoneName), false)
			return
		}
	case stepMkCapacity:
		n, _ := strconv.Atoi(c.Data["cap"])
		if !t.mkCapacityOK(n) {
			return
		}
	}
	t.mkGo(r, mkField[c.Step].next)
}

// mkSetProvince chooses the province, if the organizer covers it; a regency of another province is
// forgotten.
func (t *turn) mkSetProvince(r Role, code string) {
	c := &t.s.Conv
	if !r.Covers(code) {
		t.mkNotYours(r)
		return
	}
	c.set("province", code)
	if g, ok := t.app.Atlas.Regency(c.Data["regency"]); !ok || g.Province != code {
		delete(c.Data, "regency")
	}
	delete(c.Data, "page")
	t.mkGo(r, stepMkRegency)
}

// mkNotYours answers an attempt (a forged button, a role narrowed meanwhile) to use a province the
// organizer does not cover; nothing changes.
func (t *turn) mkNotYours(r Role) {
	t.say(locales.Msg("create.province_not_yours", "Province", t.mkProvinceLabel(r.Province)))
	if r.Province != "" && t.s.Conv.Step == stepMkProvince {
		t.mkSetProvince(r, r.Province)
		return
	}
	t.createPrompt(r)
}

func (t *turn) mkProvinceLabel(code string) string {
	p, _ := t.app.Atlas.Province(code)
	return p.Name
}

// mkStartPast re-asks the start time, with a way back to the date.
func (t *turn) mkStartPast() {
	c := &t.s.Conv
	t.say(locales.Msg("create.start_past"), []Button{c.button(locales.Msg("btn.create_change_date"), "date")})
}

// mkStartOK says whether a meetup may start at hm on day: in the future, unless it is the start a
// meetup being changed already had (a meetup under way can still get a new description).
func (t *turn) mkStartOK(day, hm string) bool {
	start, ok := t.mkAt(day, hm)
	if !ok {
		return false
	}
	if start.After(t.in.Now) {
		return true
	}
	return t.s.Conv.Data["mode"] == "edit" && strconv.FormatInt(start.Unix(), 10) == t.s.Conv.Data["ostart"]
}

// mkCapacityOK checks a capacity against the seats already held of a meetup being changed; it
// re-asks when there are fewer.
func (t *turn) mkCapacityOK(n int) bool {
	taken, _ := t.mkTaken()
	if t.err != nil {
		return false
	}
	if n < taken {
		t.mkAsk(locales.Msg("create.capacity_below_taken", "Taken", taken), false)
		return false
	}
	return true
}

// mkTaken counts the seats held (confirmed or offered) and the alumni holding any place of the
// meetup being changed; zero for a new one.
func (t *turn) mkTaken() (taken, holders int) {
	if t.s.Conv.Data["mode"] != "edit" {
		return 0, 0
	}
	av, err := t.app.Meetups.Availability(t.ctx, t.s.Conv.Data["id"])
	if err != nil {
		t.fail(err)
		return 0, 0
	}
	return av.Confirmed + av.Offered, av.Confirmed + av.Offered + av.Waitlisted
}

// createTap handles a button of the current question.
func (t *turn) createTap(r Role, b tap) {
	c := &t.s.Conv
	if !t.createEnabled() {
		t.createPrompt(r)
		return
	}
	switch {
	case c.Step == stepMkMenu && b.action == "new":
		t.mkBeginNew(r)
	case c.Step == stepMkMenu && b.action == "ed":
		t.mkBeginEdit(r, b.arg)
	case b.action == "keep" && t.mkShow(c.Step) != "":
		t.mkKeep(r)
	case b.action == "skip" && (c.Step == stepMkAddress || c.Step == stepMkDesc):
		t.mkSet(r, "")
	case b.action == "skip" && c.Step == stepMkWsTrainer:
		c.set("wtr", "")
		t.mkGo(r, stepMkWsStart)
	case (c.Step == stepMkProvince || c.Step == stepMkRegency) && b.action == "pg":
		page, err := strconv.Atoi(b.arg)
		if err != nil || page < 0 {
			t.stale()
			return
		}
		c.set("page", strconv.Itoa(page))
		t.createPrompt(r)
		t.res.Replies[len(t.res.Replies)-1].Edit = true
	case b.action == "p":
		p, ok := t.app.Atlas.Province(b.arg)
		switch {
		case ok && !r.Covers(p.Code):
			t.mkNotYours(r)
		case ok && c.Step == stepMkProvince:
			t.mkSetProvince(r, p.Code)
		default:
			t.stale()
		}
	case c.Step == stepMkRegency && b.action == "r":
		g, ok := t.app.Atlas.Regency(b.arg)
		if !ok || g.Province != c.Data["province"] || !r.Covers(g.Province) {
			t.stale()
			return
		}
		delete(c.Data, "page")
		t.mkSet(r, g.Code)
	case c.Step == stepMkRegency && b.action == "back" && r.Province == "":
		delete(c.Data, "page")
		t.mkGo(r, stepMkProvince)
	case c.Step == stepMkStart && b.action == "date":
		t.mkGo(r, stepMkDate)
	case c.Step == stepMkWorkshops && b.action == "add":
		if len(t.mkWorkshops()) >= mkWorkshopsMax {
			t.say(locales.Msg("create.ws_max", "Max", mkWorkshopsMax))
			t.createPrompt(r)
			return
		}
		t.mkGo(r, stepMkWsTitle)
	case c.Step == stepMkWorkshops && b.action == "clear":
		t.mkSetWorkshops(nil)
		t.mkGo(r, stepMkWorkshops)
	case c.Step == stepMkWorkshops && b.action == "done":
		t.mkGo(r, stepMkPreview)
	case c.Step == stepMkPreview && b.action == "pub":
		t.mkSave(r, MeetupPublished)
	case c.Step == stepMkPreview && b.action == "draft":
		t.mkSave(r, MeetupDraft)
	case c.Step == stepMkPreview && b.action == "again":
		t.say(locales.Msg("create.again"))
		t.mkGo(r, stepMkTitle)
	case b.action == "cancel":
		c.restart("", "")
		t.say(locales.Msg("create.cancelled"))
	default:
		t.stale()
	}
}

func (t *turn) mkWorkshops() []mkWorkshop {
	var ws []mkWorkshop
	if raw := t.s.Conv.Data["ws"]; raw != "" {
		_ = json.Unmarshal([]byte(raw), &ws) // written by mkSetWorkshops; unreadable means none
	}
	return ws
}

func (t *turn) mkSetWorkshops(ws []mkWorkshop) {
	if len(ws) == 0 {
		delete(t.s.Conv.Data, "ws")
		return
	}
	raw, _ := json.Marshal(ws) // strings only: cannot fail
	t.s.Conv.set("ws", string(raw))
}

// mkWorkshopsPrompt shows the agenda so far and offers to add a workshop. Workshops that no longer fit
// the meetup's hours (its times were changed) are dropped, and the organizer is told.
func (t *turn) mkWorkshopsPrompt() {
	c := &t.s.Conv
	zone := t.mkZone()
	ws := t.mkWorkshops()
	kept := ws[:0]
	for _, w := range ws {
		if w.Start >= c.Data["start"] && w.End <= c.Data["end"] && w.End > w.Start {
			kept = append(kept, w)
			continue
		}
		t.say(locales.Msg("create.ws_dropped", "Title", w.Title))
	}
	t.mkSetWorkshops(kept)
	var lines []locales.Text
	if len(kept) > 0 {
		lines = append(lines, locales.Msg("event.agenda"))
		for _, w := range kept {
			lines = append(lines, locales.Msg("event.workshop", "From", mkDots(w.Start), "To", mkDots(w.End),
				"Zone", zone.ZoneName, "Title", w.Title, "Trainer", w.Trainer))
		}
		lines = append(lines, locales.Text{})
	}
	lines = append(lines, locales.Msg("create.ask_workshops"))
	var row []Button
	if len(kept) < mkWorkshopsMax {
		row = append(row, c.button(locales.Msg("btn.create_add_workshop"), "add"))
	}
	row = append(row, c.button(locales.Msg("btn.create_done"), "done"))
	kb := [][]Button{row}
	if len(kept) > 0 {
		kb = append(kb, []Button{c.button(locales.Msg("btn.create_clear_workshops"), "clear")})
	}
	t.say(locales.Lines(lines...), kb...)
}

// mkPreview shows the meetup's page as alumni will see it, with the buttons to save it.
func (t *turn) mkPreview(r Role) {
	c := &t.s.Conv
	m, ok := t.mkMeetup()
	if !ok {
		c.restart("", "")
		t.say(locales.Msg("create.start_over"))
		return
	}
	if c.Data["mode"] != "edit" && (c.Data["id"] == "" || c.Data["idt"] != m.Title) {
		id, err := t.mkFreeID(m.Title)
		if err != nil {
			t.fail(err)
			return
		}
		c.set("id", id)
		c.set("idt", m.Title)
	}
	taken, holders := t.mkTaken()
	if t.err != nil {
		return
	}
	m.ID, m.Status = c.Data["id"], MeetupPublished
	lines := append(t.pageLines(&m), locales.Text{},
		locales.Msg("event.seats_left", "Left", max(0, m.Capacity-taken), "Capacity", m.Capacity))
	publish := locales.Msg("btn.create_publish")
	if MeetupStatus(c.Data["ostatus"]) == MeetupPublished {
		publish = locales.Msg("btn.create_save_changes")
	}
	row := []Button{c.button(publish, "pub")}
	if holders == 0 { // a meetup alumni already signed up for stays visible to them
		row = append(row, c.button(locales.Msg("btn.create_save_draft"), "draft"))
	}
	t.say(locales.Msg("create.preview_intro"))
	t.say(locales.Lines(lines...), row,
		[]Button{c.button(locales.Msg("btn.create_again"), "again"), c.button(locales.Msg("btn.create_cancel"), "cancel")})
}

// mkSave saves the meetup with a status. Saving is the only store write of the flow, and it is
// idempotent: the id is fixed before, so a step run again after a failure saves the same meetup.
func (t *turn) mkSave(r Role, status MeetupStatus) {
	c := &t.s.Conv
	m, ok := t.mkMeetup()
	if !ok {
		c.restart("", "")
		t.say(locales.Msg("create.start_over"))
		return
	}
	if !r.Covers(m.Province) {
		c.restart("", "")
		t.say(locales.Msg("create.province_not_yours", "Province", t.mkProvinceLabel(r.Province)))
		return
	}
	m.ID, m.Status = c.Data["id"], status
	edit := c.Data["mode"] == "edit"
	var cur *Meetup
	if edit {
		var err error
		cur, err = t.app.Meetups.Meetup(t.ctx, m.ID)
		if err != nil {
			t.fail(err)
			return
		}
		// Cancelled (from /admin) or over meanwhile: saving would bring it back.
		if cur == nil || cur.Status == MeetupCancelled || !cur.End.After(t.in.Now) || !r.Covers(cur.Province) {
			c.restart("", "")
			t.say(locales.Msg("create.gone"))
			return
		}
		taken, holders := t.mkTaken()
		if t.err != nil {
			return
		}
		if status == MeetupDraft && holders > 0 {
			t.stale() // the button is not offered once alumni hold a place
			return
		}
		if m.Capacity < taken { // seats were taken since the capacity was asked
			c.Step, c.Nonce = stepMkCapacity, c.Nonce+1
			t.mkAsk(locales.Msg("create.capacity_below_taken", "Taken", taken), false)
			return
		}
		m.ClaimWindow = cur.ClaimWindow
		if cur.Venue.Name == m.Venue.Name && cur.Venue.Address == m.Venue.Address {
			m.Venue.Lat, m.Venue.Lon = cur.Venue.Lat, cur.Venue.Lon
		}
	}
	zone := t.mkZone()
	if !t.mkStartOK(c.Data["date"], c.Data["start"]) { // the preview was left open past the start
		c.Step, c.Nonce = stepMkDate, c.Nonce+1
		t.mkAsk(locales.Msg("create.date_past", "Example", t.mkDateExample()), false)
		return
	}
	if !edit {
		// The id was free at the preview. A meetup under it now is this very one when the step runs
		// again after a failure; anything else was made meanwhile by someone else: take another id.
		cur, err := t.app.Meetups.Meetup(t.ctx, m.ID)
		if err != nil {
			t.fail(err)
			return
		}
		if cur != nil && !mkSameMeetup(*cur, m) {
			if m.ID, err = t.mkFreeID(m.Title); err != nil {
				t.fail(err)
				return
			}
		}
	}
	if edit && cur.Status == MeetupPublished && mkMoved(*cur, m) {
		// Told before the save: if the save fails the step runs again and tells them twice, which beats
		// a change nobody hears of.
		if _, err := t.app.Writer.TellHolders(t.ctx, m.ID, NoticeChanged); err != nil {
			t.fail(err)
			return
		}
	}
	if err := t.app.Writer.SaveMeetup(t.ctx, m); err != nil {
		t.fail(err)
		return
	}
	wasPublished := MeetupStatus(c.Data["ostatus"]) == MeetupPublished
	c.restart("", "")
	when := locales.FormatDateTime(m.Start.In(zone.Zone), t.res.Lang, zone.ZoneName)
	switch {
	case status == MeetupDraft:
		t.say(locales.Msg("create.saved_draft", "Title", m.Title))
	case edit && wasPublished:
		t.say(locales.Msg("create.updated", "Title", m.Title, "When", when))
	default:
		t.say(locales.Msg("create.published", "Title", m.Title, "When", when))
	}
	if status == MeetupPublished && t.app.BotUsername != "" {
		t.say(locales.Msg("create.share", "Link", ShareLink(t.app.BotUsername, m.ID)))
	}
}

// mkMoved says whether alumni holding a place must hear of an edit: a new date, time or venue.
func mkMoved(old, m Meetup) bool {
	return !old.Start.Equal(m.Start) || !old.End.Equal(m.End) ||
		old.Venue.Name != m.Venue.Name || old.Venue.Address != m.Venue.Address
}

func mkSameMeetup(a, b Meetup) bool {
	ra, errA := json.Marshal(a)
	rb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ra) == string(rb)
}

// mkMeetup builds the meetup from the answers, checking them all again (as meetupfile checks a file).
// The id and the status are left to the caller.
func (t *turn) mkMeetup() (Meetup, bool) {
	d := t.s.Conv.Data
	prov, ok := t.app.Atlas.Province(d["province"])
	if !ok {
		return Meetup{}, false
	}
	reg, ok := t.app.Atlas.Regency(d["regency"])
	if !ok || reg.Province != prov.Code {
		return Meetup{}, false
	}
	if n := utf8.RuneCountInString(d["title"]); n < mkTitleMin || n > mkTitleMax {
		return Meetup{}, false
	}
	if n := utf8.RuneCountInString(d["venue"]); n < mkVenueMin || n > mkVenueMax {
		return Meetup{}, false
	}
	start, ok1 := t.mkAt(d["date"], d["start"])
	end, ok2 := t.mkAt(d["date"], d["end"])
	capacity, err := strconv.Atoi(d["cap"])
	if !ok1 || !ok2 || !end.After(start) || err != nil || capacity < 1 || capacity > mkCapacityMax {
		return Meetup{}, false
	}
	m := Meetup{
		Title: d["title"], Province: prov.Code, Regency: reg.Code,
		Venue: Venue{Name: d["venue"], Address: d["addr"]},
		Start: start, End: end, Capacity: capacity, Description: d["desc"],
	}
	for _, w := range t.mkWorkshops() {
		ws, ok1 := t.mkAt(d["date"], w.Start)
		we, ok2 := t.mkAt(d["date"], w.End)
		if !ok1 || !ok2 || w.Title == "" || ws.Before(start) || !we.After(ws) || we.After(end) {
			return Meetup{}, false
		}
		m.Workshops = append(m.Workshops, Workshop{Title: w.Title, Trainer: w.Trainer, Start: ws, End: we})
	}
	return m, true
}

// mkZone is the province of the meetup being made, for its zone; UTC with no label before the
// province is known.
func (t *turn) mkZone() area.Province {
	if p, ok := t.app.Atlas.Province(t.s.Conv.Data["province"]); ok {
		return p
	}
	return area.Province{Zone: time.UTC}
}

// mkAt is the instant of a local clock time on a local day in the meetup's zone.
func (t *turn) mkAt(day, hm string) (time.Time, bool) {
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, t.mkZone().Zone)
	return at, err == nil && day != "" && hm != ""
}

// mkDateExample is a date a month from now, written the way the question asks for dates.
func (t *turn) mkDateExample() string {
	return t.in.Now.In(t.mkZone().Zone).AddDate(0, 1, 0).Format("02-01-2006")
}

// mkFreeID makes an id for a new meetup: a slug of the title and a short suffix, free in the store.
// The suffix comes from the organizer and the moment, so two organizers making meetups of the same
// name at once get different ids, and the same step run again gets the same one.
func (t *turn) mkFreeID(title string) (string, error) {
	base := mkSlug(title, mkIDMax-1-mkSuffixLen)
	for i := range 16 {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d/%d/%d", t.in.UserID, t.in.Now.UnixNano(), i)
		suffix := strconv.FormatUint(h.Sum64()%(36*36*36*36), 36)
		id := base + "-" + strings.Repeat("0", mkSuffixLen-len(suffix)) + suffix
		m, err := t.app.Meetups.Meetup(t.ctx, id)
		if err != nil {
			return "", err
		}
		if m == nil {
			return id, nil
		}
	}
	return "", fmt.Errorf("no free meetup id for %q", title)
}

// mkSlug makes a-z, 0-9 and - of a title, at most n characters: "Temu Alumni Gorontalo" →
// "temu-alumni-gorontalo". Accents are dropped ("Café" → "cafe"); a title with nothing left is "acara".
func mkSlug(title string, n int) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r): // a combining accent of the letter before
		default:
			dash = true
		}
		if b.Len() >= n {
			break
		}
	}
	s := strings.Trim(b.String()[:min(b.Len(), n)], "-")
	if s == "" {
		return "acara"
	}
	return s
}

var (
	mkClockRE     = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[.:]([0-5][0-9])$`)
	mkThousandsRE = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})+$`)
	mkDayLayouts  = []string{"2-1-2006", "2/1/2006", "2.1.2006", "2006-1-2"}
)

// mkParseDay reads a date typed as 19-09-2027, 19/09/2027 or 2027-09-19 and returns it as "2006-01-02".
func mkParseDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, l := range mkDayLayouts {
		if d, err := time.Parse(l, s); err == nil {
			return d.Format("2006-01-02"), true
		}
	}
	return "", false
}

// mkParseClock reads a time of day typed as 09.00 or 9:00 (optionally followed by the venue's zone label)
// and returns it as "15:04".
func mkParseClock(s, zoneName string) (string, bool) {
	f := strings.Fields(s)
	if len(f) == 2 && zoneName != "" && strings.EqualFold(f[1], zoneName) {
		f = f[:1]
	}
	if len(f) != 1 {
		return "", false
	}
	m := mkClockRE.FindStringSubmatch(f[0])
	if m == nil {
		return "", false
	}
	h, _ := strconv.Atoi(m[1])
	return fmt.Sprintf("%02d:%s", h, m[2]), true
}

// mkParseCapacity reads a number of seats: 100, or 1.000 written the Indonesian way. On bad input it
// returns the re-prompt.
func mkParseCapacity(s string) (int, locales.Text) {
	s = strings.TrimSpace(s)
	if mkThousandsRE.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, locales.Msg("create.capacity_not_number")
	}
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 6 || n < 1 || n > mkCapacityMax {
		return 0, locales.Msg("create.capacity_range")
	}
	return n, locales.Text{}
}

// mkSkipWord says whether a typed answer means "leave this empty".
func mkSkipWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "-", "lewati", "skip":
		return true
	}
	return false
}

// mkDots writes a "15:04" clock time the Indonesian way: "15.04".
func mkDots(hm string) string { return strings.Replace(hm, ":", ".", 1) }
