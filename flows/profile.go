package flows

import (
	"github.com/alumnibot/alumnibot/locales"
)

// profile is /profil: the alumnus's profile with a button for each thing that can be changed. Each
// answer is saved at once.
type profile struct{}

// Steps of the profile.
const (
	pfView     = "view" // the profile with its edit buttons
	pfName     = "name"
	pfProvince = "province"
	pfRegency  = "regency"
	pfWave     = "wave"
	pfLang     = "lang"
)

// profileState is the province chosen before its regency, and the area keyboard's page.
type profileState struct {
	areaPick
}

func (profile) Name() string     { return "pf" }
func (profile) Entries() []Entry { return []Entry{{Command: "profil"}} }
func (profile) Role() Need       { return NeedAlumnus }
func (profile) State() any       { return new(profileState) }

func (p profile) Start(t *Turn, _ Entry, _ string) {
	t.restart(p.Name(), pfView)
	p.Prompt(t)
}

func (p profile) Prompt(t *Turn) {
	st := state[profileState](t)
	switch t.s.Conv.Step {
	case pfView:
		p.view(t)
	case pfName:
		t.say(locales.Msg("onboard.ask_name_typed"))
	case pfProvince, pfRegency:
		askArea(t, &st.areaPick, t.s.Conv.Step == pfRegency)
	case pfWave:
		t.say(locales.Msg("onboard.ask_wave"))
	case pfLang:
		t.say(locales.Msg("profile.ask_lang"), []Button{
			t.button(locales.Raw("Bahasa Indonesia"), "setlang", string(locales.ID)),
			t.button(locales.Raw("English"), "setlang", string(locales.EN)),
		})
	default: // a state from an older version of the bot: start over cleanly
		t.startOver()
	}
}

// view shows the profile with a button for each thing that can be changed.
func (profile) view(t *Turn) {
	p := t.s.Profile
	prov, _ := t.app.Atlas.Province(p.Province)
	reg, _ := t.app.Atlas.Regency(p.Regency)
	lang := "Bahasa Indonesia"
	if t.res.Lang == locales.EN {
		lang = "English"
	}
	t.say(locales.Msg("profile.view",
		"Name", p.Name, "Province", prov.Name, "Regency", reg.Name, "Wave", p.Wave, "Lang", lang),
		[]Button{t.button(locales.Msg("btn.edit_name"), "name"), t.button(locales.Msg("btn.edit_wave"), "wave")},
		[]Button{t.button(locales.Msg("btn.edit_area"), "area"), t.button(locales.Msg("btn.edit_lang"), "lang")},
	)
}

func (p profile) Text(t *Turn, s string) {
	st := state[profileState](t)
	switch step := t.s.Conv.Step; step {
	case pfName:
		name := cleanName(s)
		if !validName(name) {
			t.say(locales.Msg("onboard.name_invalid"))
			return
		}
		t.s.Profile.Name = name
		p.saved(t)
	case pfProvince, pfRegency:
		if code, ok := typedArea(t, &st.areaPick, step == pfRegency, s); ok {
			p.setArea(t, step, code)
		}
	case pfWave:
		w, bad := parseWave(s)
		if bad.ID != "" {
			t.say(bad)
			return
		}
		t.s.Profile.Wave = w
		p.saved(t)
	default: // a step answered with buttons only
		t.say(locales.Msg("input.use_buttons"))
		t.prompt()
	}
}

func (p profile) Tap(t *Turn, b Tap) {
	st := state[profileState](t)
	switch step := t.s.Conv.Step; {
	case step == pfView && b.Action == "name":
		t.goTo(pfName)
	case step == pfView && b.Action == "wave":
		t.goTo(pfWave)
	case step == pfView && b.Action == "area":
		t.goTo(pfProvince)
	case step == pfView && b.Action == "lang":
		t.goTo(pfLang)
	case step == pfLang && b.Action == "setlang" && (b.Arg == string(locales.ID) || b.Arg == string(locales.EN)):
		t.s.Profile.Lang = locales.Lang(b.Arg)
		t.res.Lang = t.s.Profile.Lang
		p.saved(t)
	case step == pfProvince || step == pfRegency:
		if !areaTap(t, &st.areaPick, step == pfRegency, b,
			func(code string) { p.setArea(t, step, code) },
			func() { t.goTo(pfProvince) }) {
			t.stale()
		}
	default:
		t.stale()
	}
}

func (p profile) setArea(t *Turn, step, code string) {
	st := state[profileState](t)
	if step == pfProvince {
		st.Province, st.Page = code, 0
		t.goTo(pfRegency)
		return
	}
	t.s.Profile.Province = st.Province
	t.s.Profile.Regency = code
	p.saved(t)
}

// saved confirms a profile change and shows the profile again.
func (p profile) saved(t *Turn) {
	t.st = nil
	t.say(locales.Msg("profile.saved"))
	t.s.Conv.Step = pfView
	t.s.Conv.Nonce++
	p.Prompt(t)
}
