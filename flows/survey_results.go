package flows

import (
	"regexp"

	"github.com/alumnibot/alumnibot/locales"
)

// surveyResults shows organizers the answers to an announcement's survey: counts and percentages
// per answer with a chart (overall and by province, or by regency for a province's survey) as one
// photo, a CSV by province and regency, and closing the survey. Its buttons work outside any
// conversation ("svr:0:<action>:<bc>"), so the one siaran puts on its list of announcements
// (SurveyResultsButton) opens them whatever the chat is doing; the router checks the organizer
// role, and every tap checks that the role covers the announcement's audience (Survey.Province):
// a panitia limited to a province sees their province's surveys and is refused the others,
// national ones included, exactly as if the survey did not exist.
type surveyResults struct{ noState }

// surveyResult is the results flow's name and its buttons' prefix.
const surveyResult = "svr"

// Actions of the results' buttons.
const (
	svResults  = "r"
	svCSV      = "c"
	svCloseAsk = "x"
	svCloseYes = "xy"
	svMenu     = "m"
)

// maxQuestion is how much of the question a message repeats, in UTF-16 units: the results' caption,
// with six answers, stays within Telegram's 1,024.
const maxQuestion = 200

// surveyIDRE is what a broadcast id may look like; anything else never reaches a key name.
var surveyIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,30}$`)

// File kinds of the survey results, with Ref the broadcast id.
const (
	FileSurveyChart AttachmentKind = "sv_chart" // the answers as a bar chart (PNG photo)
	FileSurveyCSV   AttachmentKind = "sv_csv"   // the answers by province and regency, as CSV
)

func (surveyResults) Name() string               { return surveyResult }
func (surveyResults) Entries() []Entry           { return nil }
func (surveyResults) Role() Need                 { return NeedOrganizer }
func (surveyResults) enabled(a *App) bool        { return a.Surveys != nil }
func (surveyResults) global()                    {}
func (surveyResults) Start(*Turn, Entry, string) {}
func (surveyResults) Prompt(t *Turn)             { t.startOver() }
func (surveyResults) Text(t *Turn, _ string)     { t.startOver() }

// SurveyResultsButton opens the results of broadcast bc's survey: for the organizers' list of
// announcements.
func SurveyResultsButton(bc string) Button {
	return svrButton(locales.Msg("btn.sv_results"), svResults, bc)
}

func svrButton(label locales.Text, action, bc string) Button {
	data := surveyResult + ":0:" + action
	if bc != "" {
		data += ":" + bc
	}
	return Button{Text: label, Data: data}
}

func (r surveyResults) Tap(t *Turn, b Tap) {
	if b.Action == svMenu {
		admin{}.Start(t, Entry{}, "")
		return
	}
	def := r.covered(t, b.Arg)
	if def == nil {
		return
	}
	switch b.Action {
	case svResults:
		r.show(t, b.Arg, def)
	case svCSV:
		t.add(Reply{
			Text: locales.Msg("sv.csv_caption", "Question", cutUnits(def.Question, maxQuestion)),
			File: &Attachment{Kind: FileSurveyCSV, Ref: b.Arg},
			Buttons: [][]Button{
				{svrButton(locales.Msg("btn.sv_back"), svResults, b.Arg)},
				{svrButton(locales.Msg("btn.admin_menu"), svMenu, "")},
			},
		})
	case svCloseAsk:
		t.say(locales.Msg("sv.close_ask", "Question", cutUnits(def.Question, maxQuestion)), []Button{
			svrButton(locales.Msg("btn.sv_close_yes"), svCloseYes, b.Arg),
			svrButton(locales.Msg("btn.sv_close_no"), svResults, b.Arg),
		})
	case svCloseYes:
		if err := t.app.Surveys.CloseSurvey(t.ctx, b.Arg); err != nil {
			t.fail(err)
			return
		}
		t.res.Notice = locales.Msg("sv.toast_closed")
		r.show(t, b.Arg, def)
	default:
		t.stale()
	}
}

// covered is the survey of broadcast bc if there is one and the organizer's role covers its
// audience; otherwise it answers, the same for both, so a forged button learns nothing.
func (surveyResults) covered(t *Turn, bc string) *Survey {
	var def *Survey
	if surveyIDRE.MatchString(bc) {
		var err error
		if def, err = t.app.Surveys.Survey(t.ctx, bc); err != nil {
			t.fail(err)
			return nil
		}
	}
	if def == nil || !t.userRole().Covers(def.Province) {
		t.say(locales.Msg("sv.results_not_found"), []Button{svrButton(locales.Msg("btn.admin_menu"), svMenu, "")})
		return nil
	}
	return def
}

// show is the results as one message: the chart as a photo whose caption has the counts, or the
// counts alone while nobody has answered.
func (surveyResults) show(t *Turn, bc string, def *Survey) {
	tally, err := t.app.Surveys.SurveyTally(t.ctx, bc)
	if err != nil {
		t.fail(err)
		return
	}
	lines := []locales.Text{locales.Msg("sv.results_title", "Question", cutUnits(def.Question, maxQuestion))}
	if def.Province != "" {
		lines = append(lines, locales.Msg("sv.results_scope", "Province", t.provinceName(def.Province)))
	}
	lines = append(lines, locales.Text{})
	for i, o := range def.Options {
		n := 0
		if i < len(tally.Options) {
			n = tally.Options[i]
		}
		lines = append(lines, locales.Msg("sv.results_option", "Option", cutUnits(o, maxOptionUnits), "N", n, "Percent", percent(n, tally.Answers)))
	}
	lines = append(lines, locales.Text{})
	if tally.Answers == 0 {
		lines = append(lines, locales.Msg("sv.results_none"))
	} else {
		provinces := 0
		for _, c := range tally.Provinces {
			if sum(c) > 0 {
				provinces++
			}
		}
		lines = append(lines, locales.Msg("sv.results_total", "Count", tally.Answers, "Provinces", provinces))
	}
	if tally.Closed {
		lines = append(lines, locales.Msg("sv.results_closed"))
	} else {
		lines = append(lines, locales.Msg("sv.results_open"))
	}
	kb := [][]Button{{svrButton(locales.Msg("btn.sv_refresh"), svResults, bc)}}
	if tally.Answers > 0 {
		kb[0] = append(kb[0], svrButton(locales.Msg("btn.sv_csv"), svCSV, bc))
	}
	if !tally.Closed {
		kb = append(kb, []Button{svrButton(locales.Msg("btn.sv_close"), svCloseAsk, bc)})
	}
	kb = append(kb, []Button{svrButton(locales.Msg("btn.admin_menu"), svMenu, "")})
	reply := Reply{Text: locales.Lines(lines...), Buttons: kb}
	if tally.Answers > 0 { // a chart of nothing says nothing
		reply.File = &Attachment{Kind: FileSurveyChart, Ref: bc}
	}
	t.add(reply)
}

// percent is n of total in whole percents, rounded half up.
func percent(n, total int) int {
	if total <= 0 {
		return 0
	}
	return (200*n + total) / (2 * total)
}

func sum(c []int) int {
	s := 0
	for _, v := range c {
		s += v
	}
	return s
}
