package flows

import (
	"strconv"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// broadcastFlow is /siaran: an organizer writes an announcement, picks who gets it, may attach a
// meetup ("Aku ikut") and a one-question survey, sees it as alumni will, and sends it now or at a
// time. The message is the organizer's own, kept by its id and copied to each recipient
// (copyMessage), so formatting and a photo stay as written.
//
// Every input reaches it only through the router's role check (NeedOrganizer); a province-limited
// panitia's audience is checked against their role at each choice and again, with the role read
// afresh, when the announcement is confirmed.
type broadcastFlow struct{}

type bcState struct {
	Copy    CopyOf   `json:"c,omitzero"`
	Text    string   `json:"t,omitempty"` // the announcement as typed, where there is no message to copy
	Aud     Audience `json:"a,omitzero"`
	RegProv string   `json:"rp,omitempty"` // the province whose regency is asked
	Meetup  string   `json:"m,omitempty"`  // attached meetup
	Survey  *Survey  `json:"s,omitempty"`
}

// Steps of /siaran.
const (
	bcList      = "list"
	bcWrite     = "write"
	bcAud       = "aud"
	bcAudProv   = "prov"
	bcAudRegP   = "regp"
	bcAudReg    = "reg"
	bcAudWave   = "wave"
	bcAudMeetup = "mt"
	bcAudGroup  = "grp"
	bcAttach    = "attach"
	bcSurvey    = "survey"
	bcSurveyTxt = "svtext"
	bcPreview   = "preview"
	bcWhen      = "when"
)

const (
	bcListShown    = 5   // announcements on /siaran's list
	bcListFetch    = 50  // recent announcements read to find those the organizer covers
	bcMeetupsShown = 6   // meetups offered as buttons
	bcQuestionMax  = 200 // characters of a survey question
	bcOptionMax    = 40  // characters of a survey answer (a button)
	bcMaxWave      = 999
	bcTextMax      = 4000 // Telegram's limit is 4,096 characters
)

func (broadcastFlow) Name() string        { return "bc" }
func (broadcastFlow) Entries() []Entry    { return []Entry{{Command: "siaran"}} }
func (broadcastFlow) Role() Need          { return NeedOrganizer }
func (broadcastFlow) State() any          { return new(bcState) }
func (broadcastFlow) enabled(a *App) bool { return a.Broadcasts != nil }

func (f broadcastFlow) Start(t *Turn, _ Entry, _ string) {
	t.restart(f.Name(), bcList)
	f.Prompt(t)
}

func (f broadcastFlow) Prompt(t *Turn) {
	st := state[bcState](t)
	cancel := []Button{t.button(locales.Msg("bc.btn_cancel"), "cancel")}
	back := []Button{t.button(locales.Msg("bc.btn_back"), "back"), cancel[0]}
	switch t.s.Conv.Step {
	case bcList:
		f.showList(t)
	case bcWrite:
		t.say(locales.Msg("bc.ask_write"), cancel)
	case bcAud:
		f.askAudience(t)
	case bcAudProv:
		t.say(locales.Msg("bc.ask_province"), back)
	case bcAudRegP:
		t.say(locales.Msg("bc.ask_regency_province"), back)
	case bcAudReg:
		t.say(locales.Msg("bc.ask_regency", "Province", t.provinceName(st.RegProv)), back)
	case bcAudWave:
		t.say(locales.Msg("bc.ask_waves"), back)
	case bcAudMeetup:
		f.askMeetup(t, "amt", locales.Msg("bc.ask_meetup"), back)
	case bcAudGroup:
		f.askGroup(t, back)
	case bcAttach:
		f.askMeetup(t, "att", locales.Msg("bc.ask_attach"), []Button{t.button(locales.Msg("bc.btn_no_meetup"), "noatt")}, cancel)
	case bcSurvey:
		t.say(locales.Msg("bc.ask_survey"),
			[]Button{t.button(locales.Msg("bc.btn_add_survey"), "sv"), t.button(locales.Msg("bc.btn_no_survey"), "nosv")}, cancel)
	case bcSurveyTxt:
		t.say(locales.Msg("bc.ask_survey_text", "Max", MaxSurveyOptions), []Button{t.button(locales.Msg("bc.btn_no_survey"), "nosv"), cancel[0]})
	case bcPreview:
		f.preview(t)
	case bcWhen:
		t.say(locales.Msg("bc.ask_when", "Zone", f.zone(t).ZoneName),
			[]Button{t.button(locales.Msg("bc.btn_back_preview"), "pv"), cancel[0]})
	default:
		t.startOver()
	}
}

func (f broadcastFlow) Text(t *Turn, text string) {
	st := state[bcState](t)
	switch t.s.Conv.Step {
	case bcWrite:
		switch {
		case text == "" || len(text) > bcTextMax:
			t.say(locales.Msg("bc.write_again"))
			f.Prompt(t)
			return
		case t.in.OwnMessageID == 0: // no message to copy (the console): the text is sent as typed
			st.Text = text
		default:
			st.Copy = CopyOf{Chat: t.in.UserID, Message: t.in.OwnMessageID}
		}
		t.goTo(bcAud)
	case bcAudProv:
		p, ok := t.app.Atlas.FindProvince(text)
		if !ok {
			t.say(locales.Msg("bc.province_unknown", "Text", cut(text, 40)))
			f.Prompt(t)
			return
		}
		f.setAudience(t, Audience{Kind: AudProvince, Province: p.Code})
	case bcAudRegP:
		p, ok := t.app.Atlas.FindProvince(text)
		if !ok {
			t.say(locales.Msg("bc.province_unknown", "Text", cut(text, 40)))
			f.Prompt(t)
			return
		}
		st.RegProv = p.Code
		t.goTo(bcAudReg)
	case bcAudReg:
		f.regency(t, text)
	case bcAudWave:
		from, to, ok := parseWaves(text)
		if !ok {
			t.say(locales.Msg("bc.waves_wrong"))
			f.Prompt(t)
			return
		}
		f.setAudience(t, Audience{Kind: AudWaves, WaveFrom: from, WaveTo: to, Province: t.userRole().Province})
	case bcSurveyTxt:
		sv, msg := parseSurvey(text)
		if sv == nil {
			t.say(msg)
			f.Prompt(t)
			return
		}
		st.Survey = sv
		t.goTo(bcPreview)
	case bcWhen:
		at, ok := parseWhen(text, t.in.Now, f.zone(t).Zone)
		switch {
		case !ok:
			t.say(locales.Msg("bc.when_wrong", "Zone", f.zone(t).ZoneName))
			f.Prompt(t)
		case !at.After(t.in.Now):
			t.say(locales.Msg("bc.when_past"))
			f.Prompt(t)
		default:
			f.confirm(t, at)
		}
	default:
		useButtons(t)
	}
}

func (f broadcastFlow) Tap(t *Turn, b Tap) {
	st := state[bcState](t)
	step := t.s.Conv.Step
	switch {
	case b.Action == "cancel":
		t.restart("", "")
		t.say(locales.Msg("bc.cancelled"), []Button{bcGlobalButton(locales.Msg("bc.btn_list"), "list", "")})
	case b.Action == "new" && step == bcList:
		t.restart(f.Name(), bcWrite)
		f.Prompt(t)
	case b.Action == "back":
		t.goTo(bcAud)
	case step == bcAud:
		f.tapAudience(t, b.Action)
	case step == bcAudReg && b.Action == "rg":
		f.regency(t, b.Arg)
	case step == bcAudMeetup && b.Action == "amt":
		m := t.coveredMeetup(b.Arg)
		if m == nil {
			return
		}
		st.Aud = Audience{Kind: AudMeetup, Meetup: m.ID, Province: m.Province}
		t.goTo(bcAudGroup)
	case step == bcAudGroup && b.Action == "g":
		switch b.Arg {
		case GroupGoing, GroupWaiting, GroupCheckedIn, GroupNoSeat:
			a := st.Aud
			a.Group = b.Arg
			f.setAudience(t, a)
		default:
			t.stale()
		}
	case step == bcAttach && b.Action == "att":
		m := t.coveredMeetup(b.Arg)
		if m == nil {
			return
		}
		st.Meetup = m.ID
		t.goTo(bcSurvey)
	case step == bcAttach && b.Action == "noatt":
		st.Meetup = ""
		t.goTo(bcSurvey)
	case step == bcSurvey && b.Action == "sv":
		t.goTo(bcSurveyTxt)
	case (step == bcSurvey || step == bcSurveyTxt) && b.Action == "nosv":
		st.Survey = nil
		t.goTo(bcPreview)
	case step == bcPreview && b.Action == "send":
		f.confirm(t, time.Time{})
	case step == bcPreview && b.Action == "when":
		t.goTo(bcWhen)
	case step == bcPreview && b.Action == "x": // a button of the preview copy: nothing to do here
		t.res.Notice = locales.Msg("bc.preview_only")
	case step == bcWhen && b.Action == "pv":
		t.goTo(bcPreview)
	default:
		t.stale()
	}
}

// tapAudience handles the audience menu.
func (f broadcastFlow) tapAudience(t *Turn, action string) {
	r := t.userRole()
	st := state[bcState](t)
	switch action {
	case "all":
		if r.Province != "" && !r.Super {
			f.setAudience(t, Audience{Kind: AudProvince, Province: r.Province})
			return
		}
		f.setAudience(t, Audience{Kind: AudAll})
	case "prov":
		t.goTo(bcAudProv)
	case "reg":
		if r.Province != "" && !r.Super {
			st.RegProv = r.Province
			t.goTo(bcAudReg)
			return
		}
		t.goTo(bcAudRegP)
	case "wave":
		t.goTo(bcAudWave)
	case "mt":
		t.goTo(bcAudMeetup)
	default:
		t.stale()
	}
}

// limitedTo is the one province the organizer may reach; "" for every one.
func limitedTo(r Role) string {
	if r.Super {
		return ""
	}
	return r.Province
}

// audienceAllowed says whether the organizer's role reaches the whole audience.
func audienceAllowed(r Role, a Audience) bool {
	p := limitedTo(r)
	return r.Organizer && (p == "" || a.Province == p)
}

// setAudience takes an audience the organizer chose, if their role reaches it.
func (f broadcastFlow) setAudience(t *Turn, a Audience) {
	r := t.userRole()
	if !audienceAllowed(r, a) {
		t.say(locales.Msg("bc.province_not_yours", "Province", t.provinceName(limitedTo(r))))
		t.goTo(bcAud)
		return
	}
	state[bcState](t).Aud = a
	t.goTo(bcAttach)
}

func (f broadcastFlow) regency(t *Turn, text string) {
	st := state[bcState](t)
	gs, exact := t.app.Atlas.MatchRegency(st.RegProv, text)
	if exact && len(gs) == 1 {
		f.setAudience(t, Audience{Kind: AudRegency, Province: st.RegProv, Regency: gs[0].Code})
		return
	}
	if len(gs) == 0 {
		t.say(locales.Msg("bc.regency_unknown", "Text", cut(text, 40), "Province", t.provinceName(st.RegProv)))
		f.Prompt(t)
		return
	}
	var bs []Button
	for _, g := range gs {
		bs = append(bs, t.button(locales.Raw(g.Name), "rg", g.Code))
	}
	t.say(locales.Msg("bc.regency_which"), append(rows(bs, 2), []Button{t.button(locales.Msg("bc.btn_back"), "back")})...)
}

func (f broadcastFlow) askAudience(t *Turn) {
	r := t.userRole()
	lim := limitedTo(r)
	all := t.button(locales.Msg("bc.btn_all"), "all")
	kb := [][]Button{{all}}
	if lim != "" {
		kb = [][]Button{{t.button(locales.Msg("bc.btn_all_in", "Province", t.provinceName(lim)), "all")}}
	} else {
		kb = append(kb, []Button{t.button(locales.Msg("bc.btn_province"), "prov")})
	}
	kb = append(kb,
		[]Button{t.button(locales.Msg("bc.btn_regency"), "reg"), t.button(locales.Msg("bc.btn_waves"), "wave")},
		[]Button{t.button(locales.Msg("bc.btn_meetup_group"), "mt")},
		[]Button{t.button(locales.Msg("bc.btn_cancel"), "cancel")})
	t.say(locales.Msg("bc.ask_audience", "Limited", lim != "", "Province", t.provinceName(lim)), kb...)
}

// askMeetup offers the organizer's upcoming meetups as buttons of an action, then extra rows.
func (f broadcastFlow) askMeetup(t *Turn, action string, q locales.Text, extra ...[]Button) {
	if t.app.Meetups == nil {
		if action == "att" {
			t.goTo(bcSurvey) // nothing to attach
			return
		}
		t.say(locales.Msg("bc.no_meetups"), extra...)
		return
	}
	ms := t.deskMeetups()
	if t.err != nil {
		return
	}
	var kb [][]Button
	for i, m := range ms {
		if i == bcMeetupsShown {
			break
		}
		if action == "att" && m.Status != MeetupPublished {
			continue
		}
		kb = append(kb, []Button{t.button(locales.Raw(cut(m.Title, 48)), action, m.ID)})
	}
	if len(kb) == 0 && action == "amt" {
		q = locales.Msg("bc.no_meetups")
	}
	t.say(q, append(kb, extra...)...)
}

func (f broadcastFlow) askGroup(t *Turn, back []Button) {
	st := state[bcState](t)
	title := st.Aud.Meetup
	if m := loadMeetupQuiet(t, st.Aud.Meetup); m != nil {
		title = m.Title
	}
	t.say(locales.Msg("bc.ask_group", "Title", title),
		[]Button{t.button(locales.Msg("bc.grp_going"), "g", GroupGoing), t.button(locales.Msg("bc.grp_wait"), "g", GroupWaiting)},
		[]Button{t.button(locales.Msg("bc.grp_in"), "g", GroupCheckedIn), t.button(locales.Msg("bc.grp_noseat"), "g", GroupNoSeat)},
		back)
}

// loadMeetupQuiet reads a meetup for a label; nil when it is gone or the store failed (the step
// fails then).
func loadMeetupQuiet(t *Turn, id string) *Meetup {
	if t.app.Meetups == nil || id == "" {
		return nil
	}
	m, err := t.app.Meetups.Meetup(t.ctx, id)
	if err != nil {
		t.fail(err)
		return nil
	}
	return m
}

// parseWaves reads "27", "20-30", "20 – 30" or "20 sampai 30".
func parseWaves(s string) (int, int, bool) {
	s = strings.NewReplacer("–", "-", "—", "-", "sampai", "-", "s.d.", "-", "to", "-").Replace(strings.ToLower(s))
	parts := strings.Split(s, "-")
	if len(parts) > 2 {
		return 0, 0, false
	}
	var ns []int
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > bcMaxWave {
			return 0, 0, false
		}
		ns = append(ns, n)
	}
	if len(ns) == 1 {
		return ns[0], ns[0], true
	}
	if ns[0] > ns[1] {
		ns[0], ns[1] = ns[1], ns[0]
	}
	return ns[0], ns[1], true
}

// parseSurvey reads a survey typed one item a line: the question, then 2 to 6 answers. On wrong
// input it returns the re-prompt.
func parseSurvey(s string) (*Survey, locales.Text) {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "-•*")); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) < 3 || len(lines) > MaxSurveyOptions+1 {
		return nil, locales.Msg("bc.survey_count", "Max", MaxSurveyOptions)
	}
	if len([]rune(lines[0])) > bcQuestionMax {
		return nil, locales.Msg("bc.survey_question_long", "Max", bcQuestionMax)
	}
	seen := map[string]bool{}
	for _, o := range lines[1:] {
		if len([]rune(o)) > bcOptionMax {
			return nil, locales.Msg("bc.survey_option_long", "Max", bcOptionMax, "Option", cut(o, 30))
		}
		if seen[strings.ToLower(o)] {
			return nil, locales.Msg("bc.survey_option_twice", "Option", o)
		}
		seen[strings.ToLower(o)] = true
	}
	return &Survey{Question: lines[0], Options: lines[1:]}, locales.Text{}
}
