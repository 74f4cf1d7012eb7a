package flows

import (
	"github.com/alumnibot/alumnibot/locales"
)

// profileView shows the profile with a button for each thing that can be changed.
func (t *turn) profileView() {
	p := t.s.Profile
	if p == nil { // cannot happen: /profil needs a profile; start over rather than fail
		t.beginOnboarding("")
		return
	}
	c := &t.s.Conv
	prov, _ := t.app.Atlas.Province(p.Province)
	reg, _ := t.app.Atlas.Regency(p.Regency)
	lang := "Bahasa Indonesia"
	if t.res.Lang == locales.EN {
		lang = "English"
	}
	t.say(locales.Msg("profile.view",
		"Name", p.Name, "Province", prov.Name, "Regency", reg.Name, "Wave", p.Wave, "Lang", lang),
		[]Button{c.button(locales.Msg("btn.edit_name"), "name"), c.button(locales.Msg("btn.edit_wave"), "wave")},
		[]Button{c.button(locales.Msg("btn.edit_area"), "area"), c.button(locales.Msg("btn.edit_lang"), "lang")},
	)
}

// profileTap handles the profile's edit buttons.
func (t *turn) profileTap(b tap) {
	c := &t.s.Conv
	switch {
	case c.Step == stepView && b.action == "name":
		t.goTo(stepName)
	case c.Step == stepView && b.action == "wave":
		t.goTo(stepWave)
	case c.Step == stepView && b.action == "area":
		t.goTo(stepProvince)
	case c.Step == stepView && b.action == "lang":
		t.goTo(stepLang)
	case c.Step == stepLang && b.action == "setlang" && (b.arg == string(locales.ID) || b.arg == string(locales.EN)):
		t.s.Profile.Lang = locales.Lang(b.arg)
		t.res.Lang = t.s.Profile.Lang
		t.saved()
	default:
		t.stale()
	}
}

// saved confirms a profile change and shows the profile again.
func (t *turn) saved() {
	t.s.Conv.Data = nil
	t.say(locales.Msg("profile.saved"))
	t.s.Conv.Step = stepView
	t.s.Conv.Nonce++
	t.prompt()
}
