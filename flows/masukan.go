package flows

import (
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/locales"
)

// masukan is /masukan: an alumnus sends a suggestion for the programme at any time, 10–2,000
// characters, kept with their province and regency for that province's organizers.
type masukan struct{ noState }

const (
	stepSuggest = "write"
	actCancel   = "no"
)

func (masukan) Name() string        { return "ms" }
func (masukan) Entries() []Entry    { return []Entry{{Command: "masukan"}} }
func (masukan) Role() Need          { return NeedAlumnus }
func (masukan) enabled(a *App) bool { return a.Feedback != nil }

// Start asks for the suggestion.
func (ms masukan) Start(t *Turn, _ Entry, _ string) {
	t.restart(ms.Name(), stepSuggest)
	ms.Prompt(t)
}

func (masukan) Prompt(t *Turn) {
	t.say(locales.Msg("fb.suggest_prompt", "Min", MinSuggestion, "Max", MaxSuggestion), cancelRow(t))
}

func cancelRow(t *Turn) []Button { return []Button{t.button(locales.Msg("btn.fb_cancel"), actCancel)} }

// Text takes the suggestion, or says what is wrong with its length.
func (masukan) Text(t *Turn, text string) {
	switch n := utf8.RuneCountInString(text); {
	case n < MinSuggestion:
		t.say(locales.Msg("fb.suggest_too_short", "Count", n, "Min", MinSuggestion), cancelRow(t))
		return
	case n > MaxSuggestion:
		t.say(locales.Msg("fb.suggest_too_long", "Count", n, "Max", MaxSuggestion), cancelRow(t))
		return
	}
	p := t.s.Profile
	err := t.app.Feedback.AddSuggestion(t.ctx, Suggestion{
		Alumnus: t.in.UserID, Province: p.Province, Regency: p.Regency, Text: text, At: t.in.Now,
	})
	if err != nil {
		t.fail(err)
		return
	}
	t.restart("", "")
	t.say(locales.Msg("fb.suggest_thanks"), homeButtons(t)...)
}

// Tap: "Tidak jadi" ends without sending, in place of the prompt it was on.
func (masukan) Tap(t *Turn, b Tap) {
	if b.Action != actCancel {
		t.stale()
		return
	}
	t.restart("", "")
	t.say(locales.Msg("fb.suggest_cancelled"), homeButtons(t)...)
	t.editLast()
}
