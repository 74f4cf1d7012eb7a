package flows

import (
	"testing"
	"unicode/utf16"

	"github.com/alumnibot/alumnibot/locales"
)

// /bantuan of an onboarded panitia lists both the alumni's commands and the panitia's, in one
// message with the home buttons, and fits the 1,000-character budget in both languages; an alumnus
// gets only theirs.
func TestHelpOfAPanitiaAlumnus(t *testing.T) {
	c := onboard(t)
	c.send("/bantuan")
	c.expect("help.text")
	c.app.SuperAdmins = map[int64]bool{77: true}
	c.send("/bantuan")
	c.expect("help.text+help.organizer")
	r := c.last.Replies[0]
	if len(r.Buttons) == 0 || r.Buttons[0][0].Data != "go:0:profil" { // the home buttons of this App
		t.Fatalf("the panitia's help has buttons %+v, want the home buttons", r.Buttons)
	}
	cat := locales.MustLoad()
	for _, lang := range []locales.Lang{locales.ID, locales.EN} {
		if n := len(utf16.Encode([]rune(cat.Render(lang, r.Text)))); n > 1000 {
			t.Errorf("%v: the panitia's help has %d characters", lang, n)
		}
	}
}

// "Mulai lagi", offered once /hapusdata erased the profile, begins onboarding; other home buttons are
// stale before onboarding as before.
func TestStartAgainButtonBeforeProfile(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.input(Input{Kind: KindButton, Data: "go:0:start", MessageID: 1})
	c.expect("welcome.new+onboard.ask_name")
	c = &convo{t: t, app: newApp(t)}
	c.input(Input{Kind: KindButton, Data: "go:0:profil", MessageID: 1})
	if got := ids(c.last); len(got) == 0 || got[0] != "button.stale+onboard.ask_name" {
		t.Fatalf("a home button before onboarding answered %v, want it stale", got)
	}
}
