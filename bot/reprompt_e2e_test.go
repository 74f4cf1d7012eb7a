package bot_test

import (
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/locales"
)

// Wrong input at every step of onboarding and of the profile, in both languages, through the real
// bot: each is answered by the re-prompt that says what was wrong, in the user's language (never the
// other one), with a way forward; the words people type — "ya", numbers in words, "kab gorontalo",
// a bare "gorontalo" that fits two regencies — are understood or answered with the candidates.
// The chats are golden transcripts too (reprompts_id.txt, reprompts_en.txt).
func TestWrongInputAtEveryStepBothLanguages(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	for _, tc := range []struct {
		lang, yes, words string
	}{
		{"id", "ya", "dua puluh tujuh"},
		{"en", "yes", "twenty seven"},
	} {
		lang := locales.LangFromCode(tc.lang)
		other := locales.ID
		if lang == locales.ID {
			other = locales.EN
		}
		u := c.Alumnus("Vita", tc.lang)
		// expect checks the newest message says the message id (with args) in the user's language
		// and not in the other one.
		expect := func(id string, kv ...any) {
			t.Helper()
			want := c.Catalog.Render(lang, locales.Msg(id, kv...))
			u.Expect(want)
			if not := c.Catalog.Render(other, locales.Msg(id, kv...)); not != want {
				if m, _ := c.API.LastMessage(u.ID); strings.Contains(m.Text, not) {
					t.Errorf("%s: %s answered in the other language too", tc.lang, id)
				}
			}
		}
		btn := func(id string) string { return c.Catalog.Render(lang, locales.Msg(id)) }

		// Onboarding.
		u.Send("/start")
		u.Send("x")
		expect("onboard.name_too_short", "Min", 2)
		u.Send(strings.Repeat("Vita ", 819) + "V")
		expect("onboard.name_too_long", "Max", 64)
		u.Send("12345")
		expect("onboard.name_no_letters")
		u.Sticker()
		expect("input.need_text")
		u.Send("Vita Sari")
		u.Send("Atlantis")
		expect("onboard.province_unknown")
		u.Send("gorontalo")
		u.Send("Kota Atlantis")
		expect("onboard.regency_unknown", "Province", "Gorontalo")
		u.Send("gorontalo") // Kota and Kabupaten Gorontalo: both offered
		expect("onboard.regency_pick", "Province", "Gorontalo", "Count", 2)
		u.Button("Kabupaten Gorontalo")
		u.Button("Kota Gorontalo")
		u.Send("kab gorontalo")
		expect("onboard.regency_noted", "Regency", "Kabupaten Gorontalo")
		u.Send("banyak")
		expect("onboard.wave_not_number")
		u.Send("0")
		expect("onboard.wave_range")
		u.Send(tc.words)
		expect("onboard.wave_noted", "Wave", 27)
		u.Send("hmm")
		expect("onboard.consent_unclear")
		u.Send(tc.yes)
		expect("onboard.done", "Name", "Vita Sari")
		if p := c.Profile(u); p == nil || p.Regency != "75.01" || p.Wave != 27 || string(p.Lang) != tc.lang {
			t.Fatalf("%s: profile %+v", tc.lang, p)
		}

		// The profile: every question, each with a wrong answer, then back.
		u.Send("/profil").Tap(btn("btn.edit_name"))
		u.Send("x")
		expect("onboard.name_too_short", "Min", 2)
		u.Tap(btn("btn.profile_back")).Tap(btn("btn.edit_wave"))
		u.Send("banyak")
		expect("onboard.wave_not_number")
		u.Send("1000")
		expect("onboard.wave_range")
		u.Tap(btn("btn.profile_back")).Tap(btn("btn.edit_area"))
		u.Send("Atlantis")
		expect("onboard.province_unknown")
		u.Send("jambi")
		u.Send("Kota Atlantis")
		expect("onboard.regency_unknown", "Province", "Jambi")
		u.Send("kota jambi")
		expect("profile.saved")
		u.Tap(btn("btn.edit_lang"))
		u.Sticker()
		expect("input.need_text")
		u.Send("hmm")
		expect("input.use_buttons")
		u.Send("Bahasa Inggris") // typed rather than tapped: understood, and said in English from now on
		u.Expect(c.Catalog.Render(locales.EN, locales.Msg("profile.saved")))
		if p := c.Profile(u); p == nil || p.Regency != "15.71" || p.Name != "Vita Sari" || p.Wave != 27 || p.Lang != locales.EN {
			t.Fatalf("%s: profile %+v", tc.lang, p)
		}
		checkShape(t, u, nil)
		checkGolden(t, "reprompts_"+tc.lang+".txt", u.Transcript())
	}
}
