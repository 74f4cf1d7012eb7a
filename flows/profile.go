package flows

import (
	"strings"

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
	pr := t.s.Profile
	switch t.s.Conv.Step {
	case pfView:
		p.view(t)
	case pfName:
		t.say(p.now(locales.Msg("profile.ask_name"), pr.Name), p.backRow(t))
	case pfProvince, pfRegency:
		askArea(t, &st.areaPick, t.s.Conv.Step == pfRegency, p.areaAsk(t))
	case pfWave:
		t.say(p.now(locales.Msg("onboard.ask_wave"), pr.Wave), p.backRow(t))
	case pfLang:
		t.say(p.now(locales.Msg("profile.ask_lang"), langName(t.res.Lang)), []Button{
			t.button(locales.Raw("Bahasa Indonesia"), "setlang", string(locales.ID)),
			t.button(locales.Raw("English"), "setlang", string(locales.EN)),
		}, p.backRow(t))
	default: // a state from an older version of the bot: start over cleanly
		t.startOver()
	}
}

// now puts the current value under a question: "Sekarang: Kota Gorontalo".
func (profile) now(q locales.Text, value any) locales.Text {
	return locales.Lines(q, locales.Msg("profile.now", "Value", value))
}

// backRow is the way back to the profile without changing anything.
func (profile) backRow(t *Turn) []Button {
	return []Button{t.button(locales.Msg("btn.profile_back"), "view")}
}

// areaAsk shows the current province (or regency, in the province chosen) and the way back.
func (p profile) areaAsk(t *Turn) areaAsk {
	st := state[profileState](t)
	return areaAsk{
		wrap: func(q locales.Text) locales.Text {
			if t.s.Conv.Step == pfProvince {
				if v, ok := t.app.Atlas.Province(t.s.Profile.Province); ok {
					return p.now(q, v.Name)
				}
				return q
			}
			if g, ok := t.app.Atlas.Regency(t.s.Profile.Regency); ok && g.Province == st.Province {
				return p.now(q, g.Name)
			}
			return q
		},
		back: p.backRow(t),
	}
}

func langName(l locales.Lang) string {
	if l == locales.EN {
		return "English"
	}
	return "Bahasa Indonesia"
}

// view shows the profile with a button for each thing that can be changed.
func (profile) view(t *Turn) {
	p := t.s.Profile
	prov, _ := t.app.Atlas.Province(p.Province)
	reg, _ := t.app.Atlas.Regency(p.Regency)
	lang := langName(t.res.Lang)
	kb := [][]Button{
		{t.button(locales.Msg("btn.edit_name"), "name"), t.button(locales.Msg("btn.edit_wave"), "wave")},
		{t.button(locales.Msg("btn.edit_area"), "area"), t.button(locales.Msg("btn.edit_lang"), "lang")},
	}
	if b, ok := goButton(t, locales.Msg("btn.go_events"), "acara"); ok {
		kb = append(kb, []Button{b})
	}
	t.say(locales.Msg("profile.view",
		"Name", p.Name, "Province", prov.Name, "Regency", reg.Name, "Wave", p.Wave, "Lang", lang), kb...)
}

func (p profile) Text(t *Turn, s string) {
	st := state[profileState](t)
	switch step := t.s.Conv.Step; step {
	case pfName:
		name := cleanName(s)
		if bad := checkName(name); bad.ID != "" {
			t.say(bad, p.backRow(t))
			return
		}
		t.s.Profile.Name = name
		p.saved(t)
	case pfProvince, pfRegency:
		if code, ok := typedArea(t, &st.areaPick, step == pfRegency, s, p.areaAsk(t)); ok {
			p.setArea(t, step, code)
		}
	case pfWave:
		w, bad := parseWave(s)
		if bad.ID != "" {
			t.say(bad, p.backRow(t))
			return
		}
		t.s.Profile.Wave = w
		p.saved(t)
	case pfLang:
		if l, ok := typedLang(s); ok {
			p.setLang(t, l)
			return
		}
		t.say(locales.Msg("input.use_buttons"))
		t.prompt()
	default: // a step answered with buttons only
		t.say(locales.Msg("input.use_buttons"))
		t.prompt()
	}
}

// typedLang reads a language typed at the language question: its name in either language, with or
// without "bahasa", or its code.
func typedLang(s string) (locales.Lang, bool) {
	w := strings.Join(strings.Fields(strings.ToLower(s)), " ")
	w = strings.TrimPrefix(w, "bahasa ")
	switch w {
	case "indonesia", "indonesian", "indo", "id":
		return locales.ID, true
	case "inggris", "english", "en":
		return locales.EN, true
	}
	return "", false
}

func (p profile) setLang(t *Turn, l locales.Lang) {
	t.s.Profile.Lang = l
	t.res.Lang = l
	p.saved(t)
}

func (p profile) Tap(t *Turn, b Tap) {
	st := state[profileState](t)
	switch step := t.s.Conv.Step; {
	case step != pfView && b.Action == "view":
		t.st = nil
		t.goTo(pfView)
	case step == pfView && b.Action == "name":
		t.goTo(pfName)
	case step == pfView && b.Action == "wave":
		t.goTo(pfWave)
	case step == pfView && b.Action == "area":
		t.goTo(pfProvince)
	case step == pfView && b.Action == "lang":
		t.goTo(pfLang)
	case step == pfLang && b.Action == "setlang" && (b.Arg == string(locales.ID) || b.Arg == string(locales.EN)):
		p.setLang(t, locales.Lang(b.Arg))
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
	t.say(locales.Lines(locales.Msg("profile.saved"), locales.Text{})) // an empty line before the profile
	t.s.Conv.Step = pfView
	t.s.Conv.Nonce++
	p.Prompt(t)
}
