package flows

import (
	"strings"
	"unicode/utf16"

	"github.com/alumnibot/alumnibot/locales"
)

// survey takes alumni's answers to announcements' surveys. Its buttons arrive on the announcement,
// whenever that is, so they work outside any conversation ("sv:0:<bc>:<option>:<sig>", see
// survey.go); each is verified by its signature for the alumnus who pressed it, then by the store
// (the survey exists, is open, has the option). The chat's conversation is left as it is.
type survey struct{ noState }

func (survey) Name() string               { return surveyFlowName }
func (survey) Entries() []Entry           { return nil }
func (survey) Role() Need                 { return NeedAlumnus }
func (survey) enabled(a *App) bool        { return a.Surveys != nil }
func (survey) global()                    {}
func (survey) Start(*Turn, Entry, string) {}
func (survey) Prompt(t *Turn)             { t.startOver() }
func (survey) Text(t *Turn, _ string)     { t.startOver() }

// Tap records the answer. The announcement's buttons tick it (✅), and one message answers it, naming
// the answer (and the one it replaced), with the home buttons as a way on; the toast says the same in
// brief.
func (sv survey) Tap(t *Turn, _ Tap) {
	rest, _ := strings.CutPrefix(t.in.Data, surveyFlowName+":")
	bc, option, ok := surveyAnswer(t.app.ButtonKey, t.in.UserID, rest)
	if !ok {
		sv.refuse(t)
		return
	}
	def, err := t.app.Surveys.Survey(t.ctx, bc)
	if err != nil {
		t.fail(err)
		return
	}
	if def == nil || option >= len(def.Options) {
		sv.refuse(t)
		return
	}
	p := t.s.Profile
	ans, err := t.app.Surveys.AnswerSurvey(t.ctx, bc, t.in.UserID, option, p.Province, p.Regency)
	if err != nil {
		t.fail(err)
		return
	}
	chosen := cutUnits(def.Options[option], maxOptionUnits)
	switch ans.Status {
	case AnswerNew:
		sv.tick(t, bc, *def, option)
		t.res.Notice = locales.Msg("sv.toast_saved")
		t.say(locales.Msg("sv.answer_new", "Option", chosen), homeButtons(t)...)
	case AnswerChanged:
		prev := ""
		if ans.Previous >= 0 && ans.Previous < len(def.Options) {
			prev = cutUnits(def.Options[ans.Previous], maxOptionUnits)
		}
		sv.tick(t, bc, *def, option)
		t.res.Notice = locales.Msg("sv.toast_changed")
		t.say(locales.Msg("sv.answer_changed", "Option", chosen, "Previous", prev), homeButtons(t)...)
	case AnswerSame:
		sv.tick(t, bc, *def, option)
		t.res.Notice = locales.Msg("sv.toast_saved")
		t.say(locales.Msg("sv.answer_same", "Option", chosen), homeButtons(t)...)
	case AnswerClosed:
		t.res.Notice = locales.Msg("sv.toast_closed")
		t.say(locales.Msg("sv.answer_closed"), homeButtons(t)...)
	default: // unknown or no such option: the survey changed under a valid button; nothing counted
		sv.refuse(t)
	}
}

// tick redraws the buttons of the announcement the answer was tapped on, the answer ticked, so the
// alumnus sees what they chose where they chose it. Without the announcement (gone, unreadable) the
// buttons stay as they are: the message after it still answers the tap.
func (survey) tick(t *Turn, bc string, def Survey, option int) {
	if t.app.Broadcasts == nil {
		return
	}
	b, err := t.app.Broadcasts.Broadcast(t.ctx, bc)
	if err != nil || b == nil {
		return
	}
	kb := t.app.recipientReply(*b, t.in.UserID, t.s.Profile, &def, nil).Buttons
	chosen := surveyData(t.app.ButtonKey, t.in.UserID, bc, option)
	for _, row := range kb {
		for i := range row {
			if row[i].Data == chosen {
				row[i].Text = locales.Raw("✅ " + def.Options[option])
			}
		}
	}
	t.add(Reply{EditButtons: true, Buttons: kb})
}

// refuse answers a button that changes nothing: forged, copied from another alumnus, or of a survey
// that does not exist.
func (survey) refuse(t *Turn) {
	t.res.Notice = locales.Msg("sv.toast_invalid")
	t.say(locales.Msg("sv.answer_invalid"), homeButtons(t)...)
}

// maxOptionUnits is how much of an answer a message repeats, in the UTF-16 units Telegram counts
// (an emoji is two); answers are short already.
const maxOptionUnits = 60

// cutUnits cuts s to at most n UTF-16 units, marking the cut with an ellipsis: organizers' text
// repeated in a message or caption, whose length Telegram limits.
func cutUnits(s string, n int) string {
	if len(utf16.Encode([]rune(s))) <= n {
		return s
	}
	units := 1 // the ellipsis
	for i, r := range s {
		if units += utf16.RuneLen(r); units > n {
			return strings.TrimSpace(s[:i]) + "…"
		}
	}
	return s
}
