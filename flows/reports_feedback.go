package flows

import (
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// /laporan's feedback part: the meetup's ratings in the summary, and a button to the figures as one
// chart image (attendance by regency, the rating distribution) whose caption carries the short
// summary, with the comments and the /masukan suggestions as CSV files one tap further. Every tap is
// checked against the role like the rest of the reports: a meetup outside it is answered as unknown,
// and the suggestions are those of the organizer's province (all of them for an organizer of every
// province).

// actFeedback is the reports' action of the feedback part: "rp:<nonce>:fb:<what>[:<meetup>]", what
// being feedbackChart, feedbackComments or feedbackSuggestions.
const actFeedback = "fb"

const (
	feedbackChart       = "c"
	feedbackComments    = "k"
	feedbackSuggestions = "s"
)

// suggestionsExportMax bounds the suggestions in one export, newest first.
const suggestionsExportMax = 10000

// withFeedback adds the ratings to the summary just said (the last reply) and the button to the
// chart above its other buttons.
func (rp reports) withFeedback(t *Turn, m *Meetup) {
	n := len(t.res.Replies)
	if t.app.Feedback == nil || t.err != nil || n == 0 {
		return
	}
	r, err := t.app.Feedback.Ratings(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	last := &t.res.Replies[n-1]
	last.Text = locales.Lines(last.Text, locales.Text{}, ratingsLine(r, t.res.Lang))
	row := []Button{t.button(locales.Msg("btn.fb_chart"), actFeedback, feedbackChart+":"+m.ID)}
	last.Buttons = append([][]Button{row}, last.Buttons...)
}

// ratingsLine is "⭐ Penilaian: 4,3 dari 5 (12 alumni) · 5⭐ 7 · 4⭐ 3 …", or that nobody rated yet.
func ratingsLine(r Ratings, lang locales.Lang) locales.Text {
	if r.Count() == 0 {
		return locales.Msg("fb.report_no_ratings")
	}
	return locales.Msg("fb.report_ratings", "Average", average(r, lang), "Count", r.Count(),
		"R5", r.Dist[4], "R4", r.Dist[3], "R3", r.Dist[2], "R2", r.Dist[1], "R1", r.Dist[0])
}

// average is the mean rating with one decimal, in the reader's format: "4,3" or "4.3".
func average(r Ratings, lang locales.Lang) string {
	s := strconv.FormatFloat(r.Average(), 'f', 1, 64)
	if lang != locales.EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// feedbackTap answers the feedback part's buttons.
func (rp reports) feedbackTap(t *Turn, arg string) {
	what, id, _ := strings.Cut(arg, ":")
	if what == feedbackSuggestions {
		rp.suggestions(t)
		return
	}
	var m *Meetup
	if reportIDRE.MatchString(id) && (what == feedbackChart || what == feedbackComments) {
		var err error
		if m, err = t.app.Meetups.Meetup(t.ctx, id); err != nil {
			t.fail(err)
			return
		}
	}
	if m == nil || !t.userRole().Covers(m.Province) || t.app.Feedback == nil {
		n := len(t.res.Replies)
		t.say(locales.Msg("report.not_found"))
		rp.picker(t, 0, false)
		t.joinFrom(n)
		return
	}
	if what == feedbackChart {
		rp.chart(t, m)
		return
	}
	rp.comments(t, m)
}

// chart is the figures as one photo: the chart, its caption the short summary.
func (rp reports) chart(t *Turn, m *Meetup) {
	tally, err := rp.source(t).Tally(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	r, err := t.app.Feedback.Ratings(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	caption := locales.Lines(
		locales.Msg("fb.chart_title", "Title", shorten(m.Title, maxTitleRunes), "When", meetupWhen(t.app, m, t.res.Lang)),
		locales.Msg("fb.chart_came", "Came", tally.CheckedIn, "Confirmed", tally.Confirmed),
		ratingsLine(r, t.res.Lang),
	)
	t.add(Reply{
		Text: caption, // well under Telegram's 1,024 characters for a caption
		File: &Attachment{Kind: FileReportChart, Meetup: m.ID},
		Buttons: [][]Button{
			{t.button(locales.Msg("btn.fb_comments_csv"), actFeedback, feedbackComments+":"+m.ID)},
			{t.button(locales.Msg("btn.fb_suggestions_csv"), actFeedback, feedbackSuggestions)},
			{t.button(locales.Msg("btn.report_summary"), actSummary, m.ID), t.button(locales.Msg("btn.report_other"), actReportList)},
		},
	})
}

// comments is the meetup's ratings with their comments as a CSV file.
func (rp reports) comments(t *Turn, m *Meetup) {
	r, err := t.app.Feedback.Ratings(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	t.add(Reply{
		Text: locales.Msg("fb.comments_caption", "Title", shorten(m.Title, maxTitleRunes), "Count", r.Count()),
		File: &Attachment{Kind: FileFeedbackCSV, Meetup: m.ID},
		Buttons: [][]Button{
			{t.button(locales.Msg("btn.fb_suggestions_csv"), actFeedback, feedbackSuggestions)},
			{t.button(locales.Msg("btn.report_summary"), actSummary, m.ID), t.button(locales.Msg("btn.report_other"), actReportList)},
		},
	})
}

// suggestions is the /masukan suggestions of the organizer's province (every province's for an
// organizer of all) as a CSV file.
func (rp reports) suggestions(t *Turn) {
	r := t.userRole()
	if t.err != nil {
		return
	}
	prov := r.Province
	if r.Super {
		prov = ""
	}
	caption := locales.Msg("fb.suggestions_caption_all")
	if prov != "" {
		p, _ := t.app.Atlas.Province(prov)
		caption = locales.Msg("fb.suggestions_caption", "Province", p.Name)
	}
	t.add(Reply{
		Text:    caption,
		File:    &Attachment{Kind: FileSuggestionsCSV, Ref: prov},
		Buttons: [][]Button{{t.button(locales.Msg("btn.report_other"), actReportList)}},
	})
}
