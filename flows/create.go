package flows

import (
	"strconv"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/locales"
)

// create is /buatacara: an organizer creates a meetup, or changes one they cover, one question at a
// time. This file is the state machine: its steps, questions and answers. create_input.go reads
// what organizers type, create_meetup.go builds and checks the meetup from the answers, and
// create_save.go saves it.
//
// Answers are kept in the state as typed — local dates and clock times, area codes — and the meetup
// is built from them only for the preview and the save, so changing the province (and with it the
// zone) or going round the questions again never mixes up instants. Nothing is saved before the
// organizer taps "Terbitkan" or "Simpan sebagai draf". The role the router checked for this update
// is checked again wherever a province matters: a forged button or a narrowed role saves nothing
// outside the organizer's province.
type create struct{}

// createState is the answers so far.
type createState struct {
	Mode    string       `json:"mode,omitempty"`    // "new" or "edit"
	ID      string       `json:"id,omitempty"`      // the one being changed, or for a new one the id picked at the preview
	IDTitle string       `json:"idt,omitempty"`     // the title a new meetup's id was made from (a changed title gets a new id)
	OStart  int64        `json:"ostart,omitempty"`  // edit: the meetup's start (unix s) when the edit began
	OStatus MeetupStatus `json:"ostatus,omitempty"` // edit: its status then

	Title     string       `json:"title,omitempty"`
	Province  string       `json:"province,omitempty"`
	Regency   string       `json:"regency,omitempty"`
	Venue     string       `json:"venue,omitempty"`
	Addr      string       `json:"addr,omitempty"`
	Date      string       `json:"date,omitempty"`  // "2006-01-02", the venue's local day
	Start     string       `json:"start,omitempty"` // "15:04" in the venue's zone
	End       string       `json:"end,omitempty"`
	Cap       int          `json:"cap,omitempty"`
	Desc      string       `json:"desc,omitempty"`
	Workshops []mkWorkshop `json:"ws,omitempty"`
	FbAfter   int          `json:"fba,omitempty"` // minutes after the end to ask for feedback; 0: the default (create_feedback.go)

	WsTitle   string `json:"wt,omitempty"` // the workshop being added
	WsTrainer string `json:"wtr,omitempty"`
	WsStart   string `json:"wst,omitempty"`

	Page int `json:"page,omitempty"` // of the province or regency keyboard

	Reminders []string `json:"rm,omitempty"` // create_remind.go: nil for the defaults
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

// mkField is the answer each typed step keeps, and the step after it.
var mkField = map[string]struct {
	get  func(*createState) string
	set  func(*createState, string)
	next string
}{
	stepMkTitle:    {func(s *createState) string { return s.Title }, func(s *createState, v string) { s.Title = v }, stepMkProvince},
	stepMkProvince: {func(s *createState) string { return s.Province }, func(s *createState, v string) { s.Province = v }, stepMkRegency},
	stepMkRegency:  {func(s *createState) string { return s.Regency }, func(s *createState, v string) { s.Regency = v }, stepMkVenue},
	stepMkVenue:    {func(s *createState) string { return s.Venue }, func(s *createState, v string) { s.Venue = v }, stepMkAddress},
	stepMkAddress:  {func(s *createState) string { return s.Addr }, func(s *createState, v string) { s.Addr = v }, stepMkDate},
	stepMkDate:     {func(s *createState) string { return s.Date }, func(s *createState, v string) { s.Date = v }, stepMkStart},
	stepMkStart:    {func(s *createState) string { return s.Start }, func(s *createState, v string) { s.Start = v }, stepMkEnd},
	stepMkEnd:      {func(s *createState) string { return s.End }, func(s *createState, v string) { s.End = v }, stepMkCapacity},
	stepMkCapacity: {func(s *createState) string { return capText(s.Cap) }, func(s *createState, v string) { s.Cap, _ = strconv.Atoi(v) }, stepMkDesc},
	stepMkDesc:     {func(s *createState) string { return s.Desc }, func(s *createState, v string) { s.Desc = v }, stepMkWorkshops},
}

func capText(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// mkWorkshop is a workshop as the organizer typed it: clock times on the meetup's day.
type mkWorkshop struct {
	Title   string `json:"t"`
	Trainer string `json:"r,omitempty"`
	Start   string `json:"s"` // "15:04"
	End     string `json:"e"`
}

func (create) Name() string     { return "mk" }
func (create) Entries() []Entry { return []Entry{{Command: "buatacara"}} }
func (create) Role() Need       { return NeedOrganizer }
func (create) State() any       { return new(createState) }

func (create) enabled(a *App) bool          { return a.Meetups != nil && a.Writer != nil }
func (k create) createEnabled(t *Turn) bool { return k.enabled(t.app) }

// Start answers /buatacara: the choice between a new meetup and the upcoming ones the
// organizer covers, or straight to the first question when there is nothing to change.
func (k create) Start(t *Turn, _ Entry, _ string) {
	ms := k.mkEditable(t)
	if t.err != nil {
		return
	}
	if len(ms) == 0 {
		k.mkBeginNew(t)
		return
	}
	t.restart(k.Name(), stepMkMenu)
	k.Prompt(t)
}

// mkEditable lists the meetups the organizer may change: not ended, not cancelled, in their
// provinces, soonest first.
func (k create) mkEditable(t *Turn) []Meetup {
	out := t.coveredMeetups(t.in.Now, func(m Meetup) bool { return m.Status != MeetupCancelled })
	return out[:min(len(out), mkMenuMax)]
}

func (k create) mkBeginNew(t *Turn) {
	t.restart(k.Name(), stepMkTitle)
	state[createState](t).Mode = "new"
	n := len(t.res.Replies)
	t.say(locales.Msg("create.new_intro"))
	k.Prompt(t)
	t.joinFrom(n) // one message: the note and the question
}

// mkBeginEdit starts walking the questions with a meetup's current answers as defaults.
func (k create) mkBeginEdit(t *Turn, id string) {
	m, err := t.app.Meetups.Meetup(t.ctx, id)
	if err != nil {
		t.fail(err)
		return
	}
	if m == nil || m.Status == MeetupCancelled || !m.End.After(t.in.Now) || !t.userRole().Covers(m.Province) {
		t.organizerDone(locales.Msg("create.gone"))
		return
	}
	prov, _ := t.app.Atlas.Province(m.Province)
	start, end := m.Start.In(prov.Zone), m.End.In(prov.Zone)
	ws := make([]mkWorkshop, 0, len(m.Workshops))
	for _, w := range m.Workshops {
		ws = append(ws, mkWorkshop{Title: w.Title, Trainer: w.Trainer,
			Start: w.Start.In(prov.Zone).Format("15:04"), End: w.End.In(prov.Zone).Format("15:04")})
	}
	t.restart(k.Name(), stepMkTitle)
	*state[createState](t) = createState{
		Mode: "edit", ID: m.ID, OStart: m.Start.Unix(), OStatus: m.Status,
		Title: m.Title, Province: m.Province, Regency: m.Regency, Venue: m.Venue.Name,
		Addr: m.Venue.Address, Date: start.Format("2006-01-02"), Start: start.Format("15:04"),
		End: end.Format("15:04"), Cap: m.Capacity, Desc: m.Description,
	}
	state[createState](t).Workshops = ws
	state[createState](t).Reminders = m.Reminders
	state[createState](t).FbAfter = feedbackChoice(m) // create_feedback.go
	n := len(t.res.Replies)
	t.say(locales.Msg("create.edit_intro", "Title", m.Title))
	k.Prompt(t)
	t.joinFrom(n) // one message: the note and the question
}

// mkGo moves to a step and asks its question; buttons of the previous question become stale.
func (k create) mkGo(t *Turn, step string) {
	t.s.Conv.Step = step
	t.s.Conv.Nonce++
	k.Prompt(t)
}

// Prompt asks the current step's question, with fresh buttons.
func (k create) Prompt(t *Turn) {
	c := &t.s.Conv
	st := state[createState](t)
	r := t.userRole()
	if !k.createEnabled(t) {
		t.restart("", "")
		t.say(locales.Msg("unknown.command"))
		return
	}
	zone := k.mkZone(t)
	switch c.Step {
	case stepMkMenu:
		ms := k.mkEditable(t)
		if t.err != nil {
			return
		}
		if len(ms) == 0 {
			k.mkBeginNew(t)
			return
		}
		kb := [][]Button{{t.button(locales.Msg("btn.create_new"), "new")}}
		for _, m := range ms {
			kb = append(kb, []Button{t.button(locales.Msg("btn.create_edit", "Title", m.Title, "Draft", m.Status == MeetupDraft), "ed", m.ID)})
		}
		t.say(locales.Msg("create.menu"), kb...)
	case stepMkTitle:
		k.mkAsk(t, locales.Msg("create.ask_title"), false)
	case stepMkProvince:
		if r.Province != "" { // an organizer of one province makes meetups there
			k.mkSetProvince(t, r.Province)
			return
		}
		k.mkProvinceKeyboard(t, locales.Msg("create.ask_province"))
	case stepMkRegency:
		if r.Province != "" && st.Province != r.Province {
			k.mkSetProvince(t, r.Province)
			return
		}
		p, ok := t.app.Atlas.Province(st.Province)
		if !ok {
			k.mkGo(t, stepMkProvince)
			return
		}
		k.mkRegencyKeyboard(t, locales.Msg("onboard.ask_regency", "Province", p.Name))
	case stepMkVenue:
		k.mkAsk(t, locales.Msg("create.ask_venue"), false)
	case stepMkAddress:
		k.mkAsk(t, locales.Msg("create.ask_address"), true)
	case stepMkDate:
		k.mkAsk(t, locales.Msg("create.ask_date", "Example", k.mkDateExample(t)), false)
	case stepMkStart:
		k.mkAsk(t, locales.Msg("create.ask_start", "Zone", zone.ZoneName), false)
	case stepMkEnd:
		k.mkAsk(t, locales.Msg("create.ask_end", "Start", mkClock(t, st.Start), "Zone", zone.ZoneName), false)
	case stepMkCapacity:
		k.mkAsk(t, locales.Msg("create.ask_capacity"), false)
	case stepMkDesc:
		k.mkAsk(t, locales.Msg("create.ask_description"), true)
	case stepMkWorkshops:
		k.mkWorkshopsPrompt(t)
	case stepMkWsTitle:
		t.say(locales.Msg("create.ask_ws_title"))
	case stepMkWsTrainer:
		t.say(locales.Msg("create.ask_ws_trainer"), []Button{t.button(locales.Msg("btn.create_skip"), "skip")})
	case stepMkWsStart:
		t.say(locales.Msg("create.ask_ws_start", "From", mkClock(t, st.Start), "To", mkClock(t, st.End), "Zone", zone.ZoneName))
	case stepMkWsEnd:
		t.say(locales.Msg("create.ask_ws_end", "Start", mkClock(t, st.WsStart), "To", mkClock(t, st.End), "Zone", zone.ZoneName))
	case stepMkPreview:
		k.mkPreview(t)
	case stepMkReminders:
		k.mkRemindersPrompt(t)
	default: // a state from an older version of the bot
		t.organizerDone(locales.Msg("create.start_over"))
	}
}

// Text handles a typed answer.
func (k create) Text(t *Turn, s string) {
	c := &t.s.Conv
	st := state[createState](t)
	if !k.createEnabled(t) {
		k.Prompt(t)
		return
	}
	if s == "-" && k.mkShow(t, c.Step) != "" {
		k.mkKeep(t)
		return
	}
	if c.Step == stepMkReminders {
		k.mkRemindersText(t, s)
		return
	}
	zone := k.mkZone(t)
	switch c.Step {
	case stepMkTitle:
		v := cleanName(s)
		if n := utf8.RuneCountInString(v); n < mkTitleMin || n > mkTitleMax {
			k.mkAsk(t, locales.Msg("create.title_invalid"), false)
			return
		}
		k.mkSet(t, v)
	case stepMkProvince:
		p, ok := t.app.Atlas.FindProvince(s)
		if !ok {
			k.mkProvinceKeyboard(t, locales.Msg("onboard.province_unknown"))
			return
		}
		k.mkSetProvince(t, p.Code)
	case stepMkRegency:
		g, ok := t.app.Atlas.FindRegency(st.Province, s)
		if !ok {
			p, _ := t.app.Atlas.Province(st.Province)
			k.mkRegencyKeyboard(t, locales.Msg("onboard.regency_unknown", "Province", p.Name))
			return
		}
		st.Page = 0
		k.mkSet(t, g.Code)
	case stepMkVenue:
		v := cleanName(s)
		if n := utf8.RuneCountInString(v); n < mkVenueMin || n > mkVenueMax {
			k.mkAsk(t, locales.Msg("create.venue_invalid"), false)
			return
		}
		k.mkSet(t, v)
	case stepMkAddress:
		if mkSkipWord(s) {
			k.mkSet(t, "")
			return
		}
		v := cleanName(s)
		if utf8.RuneCountInString(v) > mkAddressMax {
			k.mkAsk(t, locales.Msg("create.address_invalid"), true)
			return
		}
		k.mkSet(t, v)
	case stepMkDate:
		day, ok := mkParseDay(s)
		if !ok {
			k.mkAsk(t, locales.Msg("create.date_invalid", "Example", k.mkDateExample(t)), false)
			return
		}
		today := t.in.Now.In(zone.Zone)
		switch {
		case day < today.Format("2006-01-02"):
			k.mkAsk(t, locales.Msg("create.date_past", "Example", k.mkDateExample(t)), false)
		case day > today.AddDate(mkAheadYears, 0, 0).Format("2006-01-02"):
			k.mkAsk(t, locales.Msg("create.date_far", "Example", k.mkDateExample(t)), false)
		default:
			k.mkSet(t, day)
		}
	case stepMkStart:
		hm, ok := mkParseClock(s, zone.ZoneName)
		if !ok {
			k.mkAsk(t, locales.Msg("create.time_invalid", "Example", mkClock(t, "09:00")), false)
			return
		}
		if !k.mkStartOK(t, st.Date, hm) {
			k.mkStartPast(t)
			return
		}
		k.mkSet(t, hm)
	case stepMkEnd:
		hm, ok := mkParseClock(s, zone.ZoneName)
		if !ok {
			k.mkAsk(t, locales.Msg("create.time_invalid", "Example", mkClock(t, "15:00")), false)
			return
		}
		if hm <= st.Start {
			k.mkAsk(t, locales.Msg("create.end_before_start", "Start", mkClock(t, st.Start), "Zone", zone.ZoneName), false)
			return
		}
		k.mkSet(t, hm)
	case stepMkCapacity:
		n, bad := mkParseCapacity(s)
		if bad.ID != "" {
			k.mkAsk(t, bad, false)
			return
		}
		if !k.mkCapacityOK(t, n) {
			return
		}
		k.mkSet(t, strconv.Itoa(n))
	case stepMkDesc:
		if mkSkipWord(s) {
			k.mkSet(t, "")
			return
		}
		if utf8.RuneCountInString(s) > mkDescMax {
			k.mkAsk(t, locales.Msg("create.description_invalid", "Max", mkDescMax), true)
			return
		}
		k.mkSet(t, s)
	case stepMkWsTitle:
		v := cleanName(s)
		if n := utf8.RuneCountInString(v); n < mkTitleMin || n > mkTitleMax {
			t.say(locales.Msg("create.ws_title_invalid"))
			return
		}
		st.WsTitle = v
		k.mkGo(t, stepMkWsTrainer)
	case stepMkWsTrainer:
		v := ""
		if !mkSkipWord(s) {
			v = cleanName(s)
		}
		if utf8.RuneCountInString(v) > mkTrainerMax {
			t.say(locales.Msg("create.ws_trainer_invalid"), []Button{t.button(locales.Msg("btn.create_skip"), "skip")})
			return
		}
		st.WsTrainer = v
		k.mkGo(t, stepMkWsStart)
	case stepMkWsStart:
		hm, ok := mkParseClock(s, zone.ZoneName)
		if !ok || hm < st.Start || hm >= st.End {
			t.say(locales.Msg("create.ws_start_invalid", "From", mkClock(t, st.Start), "To", mkClock(t, st.End), "Zone", zone.ZoneName))
			return
		}
		st.WsStart = hm
		k.mkGo(t, stepMkWsEnd)
	case stepMkWsEnd:
		hm, ok := mkParseClock(s, zone.ZoneName)
		if !ok || hm <= st.WsStart || hm > st.End {
			t.say(locales.Msg("create.ws_end_invalid", "Start", mkClock(t, st.WsStart), "To", mkClock(t, st.End), "Zone", zone.ZoneName))
			return
		}
		w := mkWorkshop{Title: st.WsTitle, Trainer: st.WsTrainer, Start: st.WsStart, End: hm}
		st.Workshops = append(st.Workshops, w)
		st.WsTitle = ""
		st.WsTrainer = ""
		st.WsStart = ""
		n := len(t.res.Replies)
		t.say(locales.Msg("create.ws_added", "Title", w.Title))
		k.mkGo(t, stepMkWorkshops)
		t.joinFrom(n) // one message: the note and the question
	default: // the menu, the agenda and the preview are answered with buttons
		n := len(t.res.Replies)
		t.say(locales.Msg("input.use_buttons"))
		k.Prompt(t)
		t.joinFrom(n) // one message: the note and the question
	}
}

// mkSet stores the current step's answer and asks the next question.
func (k create) mkSet(t *Turn, v string) {
	f, ok := mkField[t.s.Conv.Step]
	if !ok {
		t.stale()
		return
	}
	f.set(state[createState](t), v)
	k.mkGo(t, f.next)
}

// mkKeep keeps the current step's answer, checking it again where earlier answers may have changed
// what is valid (a new date makes a kept start time past, a new start makes a kept end too early).
func (k create) mkKeep(t *Turn) {
	c := &t.s.Conv
	st := state[createState](t)
	zone := k.mkZone(t)
	switch c.Step {
	case stepMkProvince:
		k.mkSetProvince(t, st.Province)
		return
	case stepMkStart:
		if !k.mkStartOK(t, st.Date, st.Start) {
			k.mkStartPast(t)
			return
		}
	case stepMkEnd:
		if st.End <= st.Start {
			k.mkAsk(t, locales.Msg("create.end_before_start", "Start", mkClock(t, st.Start), "Zone", zone.ZoneName), false)
			return
		}
	case stepMkCapacity:
		if !k.mkCapacityOK(t, st.Cap) {
			return
		}
	}
	k.mkGo(t, mkField[c.Step].next)
}

// mkSetProvince chooses the province, if the organizer covers it; a regency of another province is
// forgotten.
func (k create) mkSetProvince(t *Turn, code string) {
	st := state[createState](t)
	if !t.userRole().Covers(code) {
		k.mkNotYours(t)
		return
	}
	st.Province = code
	if g, ok := t.app.Atlas.Regency(st.Regency); !ok || g.Province != code {
		st.Regency = ""
	}
	st.Page = 0
	k.mkGo(t, stepMkRegency)
}

// mkNotYours answers an attempt (a forged button, a role narrowed meanwhile) to use a province the
// organizer does not cover; nothing changes.
func (k create) mkNotYours(t *Turn) {
	r := t.userRole()
	t.say(locales.Msg("create.province_not_yours", "Province", k.mkProvinceLabel(t, r.Province)))
	if r.Province != "" && t.s.Conv.Step == stepMkProvince {
		k.mkSetProvince(t, r.Province)
		return
	}
	k.Prompt(t)
}

func (k create) mkProvinceLabel(t *Turn, code string) string {
	p, _ := t.app.Atlas.Province(code)
	return p.Name
}

// mkStartPast re-asks the start time, with a way back to the date.
func (k create) mkStartPast(t *Turn) {
	t.say(locales.Msg("create.start_past"), []Button{t.button(locales.Msg("btn.create_change_date"), "date")})
}

// mkCapacityOK checks a capacity against the seats already held of a meetup being changed; it
// re-asks when there are fewer.
func (k create) mkCapacityOK(t *Turn, n int) bool {
	taken, _ := k.mkTaken(t)
	if t.err != nil {
		return false
	}
	if n < taken {
		k.mkAsk(t, locales.Msg("create.capacity_below_taken", "Taken", taken), false)
		return false
	}
	return true
}

// Tap handles a button of the current question.
func (k create) Tap(t *Turn, b Tap) {
	c := &t.s.Conv
	st := state[createState](t)
	r := t.userRole()
	if !k.createEnabled(t) {
		k.Prompt(t)
		return
	}
	if k.mkRemindersTap(t, b) {
		return
	}
	switch {
	case c.Step == stepMkMenu && b.Action == "new":
		k.mkBeginNew(t)
	case c.Step == stepMkMenu && b.Action == "ed":
		k.mkBeginEdit(t, b.Arg)
	case b.Action == "keep" && k.mkShow(t, c.Step) != "":
		k.mkKeep(t)
	case b.Action == "skip" && (c.Step == stepMkAddress || c.Step == stepMkDesc):
		k.mkSet(t, "")
	case b.Action == "skip" && c.Step == stepMkWsTrainer:
		st.WsTrainer = ""
		k.mkGo(t, stepMkWsStart)
	case (c.Step == stepMkProvince || c.Step == stepMkRegency) && b.Action == "pg":
		page, ok := pageArg(b.Arg)
		if !ok {
			t.stale()
			return
		}
		st.Page = page
		k.Prompt(t)
		t.editLast()
	case b.Action == "p":
		p, ok := t.app.Atlas.Province(b.Arg)
		switch {
		case ok && !r.Covers(p.Code):
			k.mkNotYours(t)
		case ok && c.Step == stepMkProvince:
			k.mkSetProvince(t, p.Code)
		default:
			t.stale()
		}
	case c.Step == stepMkRegency && b.Action == "r":
		g, ok := t.app.Atlas.Regency(b.Arg)
		if !ok || g.Province != st.Province || !r.Covers(g.Province) {
			t.stale()
			return
		}
		st.Page = 0
		k.mkSet(t, g.Code)
	case c.Step == stepMkRegency && b.Action == "back" && r.Province == "":
		st.Page = 0
		k.mkGo(t, stepMkProvince)
	case c.Step == stepMkStart && b.Action == "date":
		k.mkGo(t, stepMkDate)
	case c.Step == stepMkWorkshops && b.Action == "add":
		if len(st.Workshops) >= mkWorkshopsMax {
			n := len(t.res.Replies)
			t.say(locales.Msg("create.ws_max", "Max", mkWorkshopsMax))
			k.Prompt(t)
			t.joinFrom(n) // one message: the note and the question
			return
		}
		k.mkGo(t, stepMkWsTitle)
	case c.Step == stepMkWorkshops && b.Action == "clear":
		st.Workshops = nil
		k.mkGo(t, stepMkWorkshops)
	case c.Step == stepMkWorkshops && b.Action == "done":
		k.mkGo(t, stepMkPreview)
	case c.Step == stepMkPreview && b.Action == "pub":
		k.mkSave(t, MeetupPublished)
	case c.Step == stepMkPreview && b.Action == "draft":
		k.mkSave(t, MeetupDraft)
	case c.Step == stepMkPreview && b.Action == actFeedbackAfter: // create_feedback.go
		k.mkFeedbackNext(t, b.Arg)
	case c.Step == stepMkPreview && b.Action == "again":
		n := len(t.res.Replies)
		t.say(locales.Msg("create.again"))
		k.mkGo(t, stepMkTitle)
		t.joinFrom(n) // one message: the note and the question
	case b.Action == "cancel":
		t.organizerDone(locales.Msg("create.cancelled"))
	default:
		t.stale()
	}
}
