package flows

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/locales"
)

var catalog = locales.MustLoad()

// rendered is what a reply says on the phone.
func rendered(r Result, i int) string { return catalog.Render(r.Lang, r.Replies[i].Text) }

// checkOneMessage fails unless an input was answered by one message of at most 1,000 characters,
// with a way forward: buttons, or a question to answer by typing.
func (c *convo) checkOneMessage(what string) {
	c.t.Helper()
	if len(c.last.Replies) != 1 {
		c.t.Fatalf("%s: %d messages, want 1: %v", what, len(c.last.Replies), ids(c.last))
	}
	text := rendered(c.last, 0)
	if n := utf8.RuneCountInString(text); n > 1000 {
		c.t.Errorf("%s: %d characters", what, n)
	}
	if len(c.last.Replies[0].Buttons) == 0 && !strings.Contains(text, "?") {
		c.t.Errorf("%s: no way forward in %q", what, text)
	}
}

// A new alumnus typing everything, in the words people use, is answered by one message per answer.
func TestOnboardingTypedOneMessageEach(t *testing.T) {
	for _, tc := range []struct {
		lang                                       string
		name, province, regency, wave, consent     string
		wantRegency                                string
		wantWave                                   int
		wantProgress, wantRegencyEcho, wantConsent string
	}{
		{"id", "Hujaipah", "gorontalo", "kab gorontalo", "dua puluh tujuh", "ya", "75.01", 27,
			"Pertanyaan 3 dari 5", "Kabupaten Gorontalo", "Kamu setuju?"},
		{"id", "Vita", "Jawa  Barat", "Kota Bandung", "Gelombang 12", "oke", "32.73", 12,
			"Pertanyaan 3 dari 5", "Kota Bandung", "Kamu setuju?"},
		{"en", "Vita", "jambi", "Kab. Muaro Jambi", "twenty seven", "yes", "15.05", 27,
			"Question 3 of 5", "Kabupaten Muaro Jambi", "Do you agree?"},
	} {
		t.Run(tc.name+"/"+tc.lang, func(t *testing.T) {
			c := &convo{t: t, app: newApp(t)}
			in := func(text string) {
				t.Helper()
				if strings.HasPrefix(text, "/") {
					c.input(Input{Kind: KindCommand, Command: text[1:], LangCode: tc.lang})
				} else {
					c.input(Input{Kind: KindText, Text: text, LangCode: tc.lang})
				}
				c.checkOneMessage(text)
			}
			in("/start")
			in(tc.name)
			in(tc.province)
			if got := rendered(c.last, 0); !strings.Contains(got, tc.wantProgress) {
				t.Errorf("regency question %q lacks %q", got, tc.wantProgress)
			}
			in(tc.regency)
			if got := rendered(c.last, 0); !strings.Contains(got, tc.wantRegencyEcho) {
				t.Errorf("%q is not acknowledged as %q: %q", tc.regency, tc.wantRegencyEcho, got)
			}
			in(tc.wave)
			if got := rendered(c.last, 0); !strings.Contains(got, tc.wantConsent) {
				t.Errorf("consent question %q lacks %q", got, tc.wantConsent)
			}
			in(tc.consent)
			p := c.s.Profile
			if p == nil || p.Name != tc.name || p.Regency != tc.wantRegency || p.Wave != tc.wantWave {
				t.Fatalf("profile = %+v", p)
			}
			if got := ids(c.last); !cmp.Equal(got, []string{"onboard.done"}) {
				t.Errorf("end of onboarding = %v", got)
			}
		})
	}
}

// "gorontalo" at the regency step fits Kota and Kabupaten Gorontalo: both are offered as buttons.
func TestAmbiguousRegencyOffersCandidates(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start")
	c.tap("Vita")
	c.send("Gorontalo")
	c.send("gorontalo")
	c.expect("onboard.regency_pick")
	var labels []string
	for _, row := range c.last.Replies[0].Buttons {
		for _, b := range row {
			labels = append(labels, catalog.Render(locales.ID, b.Text))
		}
	}
	if want := []string{"Kabupaten Gorontalo", "Kota Gorontalo", "‹ Ganti provinsi"}; !cmp.Equal(want, labels) {
		t.Fatalf("candidates %v, want %v", labels, want)
	}
	if got := rendered(c.last, 0); !strings.HasPrefix(got, "Ada 2 daerah di Gorontalo yang cocok.") {
		t.Errorf("candidates said as %q", got)
	}
	c.tap("Kota Gorontalo")
	c.expect("onboard.regency_noted+onboard.ask_wave")
	c.checkOneMessage("tap on a candidate")
}

// English says how many candidates there are the way an English speaker would: "Two places", then
// digits from three on.
func TestRegencyCandidatesCountedInEnglish(t *testing.T) {
	for n, want := range map[int]string{
		2: "Two places in Gorontalo match. Which one?",
		3: "3 places in Gorontalo match. Which one?",
	} {
		got := catalog.Render(locales.EN, locales.Msg("onboard.regency_pick", "Province", "Gorontalo", "Count", n))
		if got != want {
			t.Errorf("%d candidates: %q, want %q", n, got, want)
		}
	}
}

// The wave question has a way back to the regency besides typing, and so has its re-prompt.
func TestWaveQuestionGoesBack(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start")
	c.tap("Vita")
	c.send("Jambi")
	c.send("Kota Jambi")
	c.expect("onboard.regency_noted+onboard.ask_wave")
	c.checkOneMessage("regency")
	c.send("banyak")
	c.expect("onboard.wave_not_number")
	c.checkOneMessage("wrong wave")
	c.tap("btn.onboard_back")
	c.expect("onboard.ask_regency")
	c.checkOneMessage("back to the regency")
	c.tap("Kabupaten Bungo")
	c.send("27")
	c.expect("onboard.wave_noted+onboard.ask_consent")
	c.tap("btn.consent_yes")
	if p := c.s.Profile; p == nil || p.Regency != "15.08" || p.Wave != 27 {
		t.Fatalf("profile = %+v", p)
	}
}

// Consent declined with the button, then agreed by typing.
func TestConsentDeclinedThenTyped(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start")
	c.tap("Vita")
	c.send("Jambi")
	c.send("Kota Jambi")
	c.send("27")
	if text := rendered(c.last, 0); strings.Contains(text, "domisili") || !strings.Contains(text, "hapus") {
		t.Errorf("consent text %q: no \"domisili\", and the right to deletion said", text)
	}
	c.tap("btn.consent_no")
	c.expect("onboard.consent_declined")
	c.checkOneMessage("consent declined")
	if c.s.Profile != nil {
		t.Fatal("profile saved without consent")
	}
	c.send("hmm")
	c.expect("onboard.consent_unclear")
	if len(c.last.Replies[0].Buttons) == 0 {
		t.Error("unclear consent has no buttons")
	}
	c.send("Iya, setuju!")
	c.expect("onboard.done")
	if c.s.Profile == nil {
		t.Fatal("typed consent refused")
	}
}

// The profile's questions show the current value and have a way back that changes nothing.
func TestProfileQuestionsShowCurrentValueAndBack(t *testing.T) {
	c := onboard(t)
	c.send("/profil")
	for _, tc := range []struct{ button, now string }{
		{"btn.edit_name", "Sekarang: Vita"},
		{"btn.edit_wave", "Sekarang: 27"},
		{"btn.edit_area", "Sekarang: Jambi"},
		{"btn.edit_lang", "Sekarang: Bahasa Indonesia"},
	} {
		c.tap(tc.button)
		c.checkOneMessage(tc.button)
		if got := rendered(c.last, 0); !strings.Contains(got, tc.now) {
			t.Errorf("%s: %q lacks %q", tc.button, got, tc.now)
		}
		c.tap("btn.profile_back")
		c.expect("profile.view")
	}
	c.tap("btn.edit_area")
	c.tap("Jambi")
	if got := rendered(c.last, 0); !strings.Contains(got, "Sekarang: Kota Jambi") {
		t.Errorf("regency question %q lacks the current regency", got)
	}
	c.send("/profil")
	c.tap("btn.edit_name")
	c.send("x")
	c.expect("onboard.name_too_short")
	c.tap("btn.profile_back")
	c.expect("profile.view")
	if c.s.Profile.Name != "Vita" || c.s.Profile.Regency != "15.71" {
		t.Fatalf("going back changed the profile: %+v", c.s.Profile)
	}
}

// After onboarding every idle answer leads on with buttons: the end of onboarding, a greeting,
// a returning /start, help, what is not understood.
func TestIdleAnswersLeadOn(t *testing.T) {
	c := onboard(t)
	for _, in := range []string{"halo", "Hai kak!", "/start", "/bantuan", "apa ini semua", "/apaini"} {
		c.send(in)
		c.checkOneMessage(in)
		if len(c.last.Replies[0].Buttons) == 0 {
			t.Errorf("%q: no buttons", in)
		}
		if text := rendered(c.last, 0); strings.Contains(text, "/bantuan untuk") && in == "/start" {
			t.Errorf("/start lists commands to type: %q", text)
		}
	}
	c.send("halo")
	c.expect("welcome.back")
	c.tap("btn.go_profile")
	c.expect("profile.view")
	// Home buttons open only the alumni's commands.
	c.input(Input{Kind: KindButton, Data: "go:0:admin"})
	c.expect("button.stale+profile.view") // stale, and the current view again
}

// A home button pressed before onboarding is stale and leads to the first question.
func TestHomeButtonBeforeOnboarding(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.input(Input{Kind: KindButton, Data: "go:0:profil"})
	c.expect("button.stale+onboard.ask_name")
	if c.s.Profile != nil {
		t.Fatal("a profile was made")
	}
}

// A panitia who never made a profile and taps an old button is not asked their name.
func TestPanitiaOldButtonIsNotAskedName(t *testing.T) {
	app := newApp(t)
	app.SuperAdmins = map[int64]bool{77: true}
	c := &convo{t: t, app: app}
	c.input(Input{Kind: KindButton, Data: "ob:3:p:15"})
	c.expect("button.stale+help.text")
	if c.s.Conv.Flow != "" {
		t.Fatalf("the panitia was put into %q", c.s.Conv.Flow)
	}
}

// Every question of onboarding says which of the five it is.
func TestOnboardingShowsProgress(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	steps := []func(){
		func() { c.send("/start") },
		func() { c.tap("Vita") },
		func() { c.tap("Jambi") },
		func() { c.tap("Kota Jambi") },
		func() { c.send("27") },
	}
	for i, step := range steps {
		step()
		want := "Pertanyaan " + string(rune('1'+i)) + " dari 5"
		if got := rendered(c.last, 0); !strings.Contains(got, want) {
			t.Errorf("question %d: %q lacks %q", i+1, got, want)
		}
	}
}

// An organizer's command from someone who has no profile and is no organizer: the refusal and, in
// the same message, onboarding's question with its buttons; half-way through onboarding, the open
// question again. A forged organizer's button is answered the same way.
func TestOrganizerCommandBeforeOnboardingLeadsToIt(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/laporan")
	c.expect("admin.refused_new+onboard.ask_name")
	c.checkOneMessage("/laporan before onboarding")
	c.tap("Vita")
	c.send("/checkin")
	c.expect("admin.refused_new+onboard.ask_province")
	c.checkOneMessage("/checkin half-way")
	c.input(Input{Kind: KindButton, Data: "rp:1:l:jambi-2027", MessageID: 1})
	c.expect("admin.refused_new+onboard.ask_province")
	if c.s.Conv.Flow != "ob" || c.s.Conv.Step != "province" {
		t.Fatalf("conversation %+v, want onboarding at the province", c.s.Conv)
	}
}

// /bantuan before onboarding leads into it in the same message (the help lists what needs a
// profile), and halfway through asks the open question again; a panitia without a profile is led
// to their menu instead, for an unknown command as well.
func TestHelpBeforeOnboardingLeadsOn(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/bantuan")
	c.expect("help.text+onboard.finish_first+onboard.ask_name")
	c.checkOneMessage("/bantuan first")
	c.tap("Vita")
	c.send("/bantuan")
	c.expect("help.text+onboard.ask_province")
	c.checkOneMessage("/bantuan halfway")

	org := &convo{t: t, app: newApp(t)}
	org.app.SuperAdmins = map[int64]bool{77: true}
	org.send("/bantuan")
	org.expect("help.text+help.organizer")
	if b := org.last.Replies[0].Buttons; len(b) == 0 || b[0][0].Text.ID != "btn.admin_menu" {
		t.Fatalf("a panitia without a profile got %+v", b)
	}
	org.send("/apaini") // an unknown command too
	org.expect("unknown.command")
	if b := org.last.Replies[0].Buttons; len(b) == 0 || b[0][0].Text.ID != "btn.admin_menu" {
		t.Fatalf("a panitia's unknown command got %+v", b)
	}
}
