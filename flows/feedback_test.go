package flows_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// feedbackWorld is the meetup world with feedback wired, and the Jambi demo meetup where Vita (1)
// was checked in and Budi (2) held a seat but did not come.
func feedbackWorld(t *testing.T) (*meetupWorld, flows.Meetup, *member, *member) {
	t.Helper()
	w := newMeetupWorld(t)
	w.app.Feedback, w.app.ButtonKey, w.app.Roles, w.app.Reports = w.st, []byte("test button key"), w.st, w.st
	var m flows.Meetup
	for _, d := range w.demo {
		if d.ID == "jambi-2027" {
			m = d
		}
	}
	vita, budi := w.alumnus(1, "15", "15.71"), w.alumnus(2, "15", "15.05")
	ctx := context.Background()
	for _, a := range []*member{vita, budi} {
		seat, err := w.st.Reserve(ctx, m.ID, a.id, w.now)
		if err != nil {
			t.Fatal(err)
		}
		if a == vita {
			if _, err := w.st.CheckIn(ctx, m.ID, a.id, seat.Code, w.now); err != nil {
				t.Fatal(err)
			}
		}
	}
	return w, m, vita, budi
}

// rate presses the n-star button of the question sent to `to`, as pressed by `by`.
func (w *meetupWorld) rate(by, to *member, m flows.Meetup, n int) string {
	w.t.Helper()
	q := w.app.FeedbackQuestion(to.id, &m)
	return w.input(by, flows.Input{Kind: flows.KindButton, Data: q.Buttons[0][n-1].Data, MessageID: 9})
}

func (w *meetupWorld) ratings(m flows.Meetup) [5]int {
	w.t.Helper()
	r, err := w.st.Ratings(context.Background(), m.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return r.Dist
}

func replyIDs(r flows.Result) []string {
	var out []string
	for _, rep := range r.Replies {
		out = append(out, rep.Text.ID)
	}
	return out
}

func TestFeedbackRatingCommentAndSecondRating(t *testing.T) {
	w, m, vita, _ := feedbackWorld(t)
	q := w.app.FeedbackQuestion(vita.id, &m)
	if len(q.Buttons) != 1 || len(q.Buttons[0]) != 5 || q.Text.ID != "fb.question" {
		t.Fatalf("question %+v", q)
	}
	for _, b := range q.Buttons[0] {
		if len(b.Data) > 64 {
			t.Fatalf("callback data %q over 64 bytes", b.Data)
		}
	}

	w.rate(vita, vita, m, 5)
	if got := vita.last; len(got.Replies) != 1 || !got.Replies[0].Edit || got.Replies[0].Text.ID != "fb.rated" || got.Notice.ID != "fb.rated_short" {
		t.Fatalf("rating answered %+v", got)
	}
	if vita.s.Conv.Flow != "fc" {
		t.Fatalf("after a rating the chat is in %q, want the comment step", vita.s.Conv.Flow)
	}
	// Too long: says the count and the limit, keeps waiting for the comment.
	out := w.input(vita, flows.Input{Kind: flows.KindText, Text: strings.Repeat("é", 2001)})
	expectIn(t, out, "2.001", "2.000")
	if ids := replyIDs(vita.last); len(ids) != 1 || ids[0] != "fb.comment_too_long" || vita.s.Conv.Flow != "fc" {
		t.Fatalf("a long comment: %v in %q", ids, vita.s.Conv.Flow)
	}
	w.input(vita, flows.Input{Kind: flows.KindText, Text: "Mantap, tapi kurang lama"})
	if vita.s.Conv.Flow != "" {
		t.Fatal("still waiting for a comment after one")
	}
	if ids := replyIDs(vita.last); len(ids) != 1 || ids[0] != "fb.comment_thanks" || vita.s.Conv.Flow != "" || len(vita.last.Replies[0].Buttons) == 0 {
		t.Fatalf("the comment: %+v in %q", vita.last, vita.s.Conv.Flow)
	}
	cs, err := w.st.FeedbackComments(context.Background(), m.ID)
	if err != nil || len(cs) != 1 || cs[0].Text != "Mantap, tapi kurang lama" || cs[0].Rating != 5 {
		t.Fatalf("comments %+v %v", cs, err)
	}

	// A second rating, from another button of the question, changes nothing and says so.
	w.rate(vita, vita, m, 1)
	if ids := replyIDs(vita.last); len(ids) != 1 || ids[0] != "fb.already" || vita.last.Notice.ID != "fb.already_short" {
		t.Fatalf("second rating: %+v", vita.last)
	}
	if got := w.ratings(m); got != [5]int{0, 0, 0, 0, 1} {
		t.Fatalf("ratings %v after a second rating", got)
	}
}

func TestFeedbackSkip(t *testing.T) {
	w, m, vita, _ := feedbackWorld(t)
	w.rate(vita, vita, m, 3)
	out := w.tap(vita, w.cat.Render(locales.ID, locales.Msg("btn.fb_skip")))
	expectIn(t, out, "⭐⭐⭐")
	if ids := replyIDs(vita.last); len(ids) != 1 || ids[0] != "fb.skipped" || !vita.last.Replies[0].Edit || vita.s.Conv.Flow != "" {
		t.Fatalf("skip: %+v", vita.last)
	}
}

func TestFeedbackRefusesWhatItMustNot(t *testing.T) {
	w, m, vita, budi := feedbackWorld(t)
	q := w.app.FeedbackQuestion(vita.id, &m)
	good := q.Buttons[0][4].Data // 5 stars, signed for Vita
	for _, c := range []struct {
		name string
		by   *member
		data string
		want string // the toast's message id
	}{
		{"forged signature", vita, "fb:0:" + m.ID + ":5:AAAAAAAAAAA", "button.stale_short"},
		{"out of range", vita, strings.Replace(good, ":5:", ":6:", 1), "button.stale_short"},
		{"zero stars", vita, strings.Replace(good, ":5:", ":0:", 1), "button.stale_short"},
		{"another meetup", vita, strings.Replace(good, m.ID, "gorontalo-2027", 1), "button.stale_short"},
		{"malformed", vita, "fb:0:" + m.ID, "button.stale_short"},
		{"Vita's button pressed by Budi", budi, good, "button.stale_short"},
	} {
		w.input(c.by, flows.Input{Kind: flows.KindButton, Data: c.data, MessageID: 9})
		if got := c.by.last.Notice.ID; got != c.want {
			t.Errorf("%s: toast %q, want %s", c.name, got, c.want)
		}
	}
	// Budi's own button: signed for him, but he did not come.
	w.rate(budi, budi, m, 5)
	if ids := replyIDs(budi.last); len(ids) != 1 || ids[0] != "fb.not_attended" {
		t.Fatalf("not checked in: %v", ids)
	}
	if got := w.ratings(m); got != [5]int{} {
		t.Fatalf("ratings %v after refused ones", got)
	}
}

func TestMasukanRepromptsAndKeepsTheArea(t *testing.T) {
	w, _, vita, budi := feedbackWorld(t)
	w.send(vita, "/masukan")
	if ids := replyIDs(vita.last); len(ids) != 1 || ids[0] != "fb.suggest_prompt" {
		t.Fatalf("prompt: %v", ids)
	}
	for _, c := range []struct {
		text, want string
		has        []string
	}{
		{"oke", "fb.suggest_too_short", []string{"3 karakter", "minimal 10"}},
		{strings.Repeat("x", 2001), "fb.suggest_too_long", []string{"2.001", "2.000"}},
	} {
		out := w.input(vita, flows.Input{Kind: flows.KindText, Text: c.text})
		if ids := replyIDs(vita.last); len(ids) != 1 || ids[0] != c.want || len(vita.last.Replies[0].Buttons) == 0 {
			t.Fatalf("%q: %v", c.text, ids)
		}
		expectIn(t, out, c.has...)
	}
	w.input(vita, flows.Input{Kind: flows.KindText, Text: "Tolong adakan acara di Kerinci"})
	if ids := replyIDs(vita.last); len(ids) != 1 || ids[0] != "fb.suggest_thanks" || vita.s.Conv.Flow != "" {
		t.Fatalf("sent: %v", ids)
	}
	w.send(budi, "/masukan")
	w.tap(budi, w.cat.Render(locales.ID, locales.Msg("btn.fb_cancel")))
	if ids := replyIDs(budi.last); len(ids) != 1 || ids[0] != "fb.suggest_cancelled" || budi.s.Conv.Flow != "" {
		t.Fatalf("cancel: %v", ids)
	}
	ss, err := w.st.Suggestions(context.Background(), "15", 10)
	if err != nil || len(ss) != 1 || ss[0].Province != "15" || ss[0].Regency != "15.71" || ss[0].Alumnus != vita.id {
		t.Fatalf("suggestions %+v %v", ss, err)
	}
}

func TestLaporanFeedbackRespectsTheRole(t *testing.T) {
	w, m, vita, _ := feedbackWorld(t)
	w.rate(vita, vita, m, 4)
	ctx := context.Background()
	jambiOrg, goronOrg := &member{id: 50}, &member{id: 51}
	if err := w.st.Grant(ctx, jambiOrg.id, "15"); err != nil {
		t.Fatal(err)
	}
	if err := w.st.Grant(ctx, goronOrg.id, "75"); err != nil {
		t.Fatal(err)
	}
	out := w.send(jambiOrg, "/laporan "+m.ID)
	expectIn(t, out, "4,0 dari 5")
	w.tap(jambiOrg, w.cat.Render(locales.ID, locales.Msg("btn.fb_chart")))
	if r := jambiOrg.last.Replies; len(r) != 1 || r[0].File == nil || r[0].File.Kind != flows.FileReportChart || r[0].File.Meetup != m.ID {
		t.Fatalf("chart: %+v", r)
	}
	w.tap(jambiOrg, w.cat.Render(locales.ID, locales.Msg("btn.fb_suggestions_csv")))
	if r := jambiOrg.last.Replies; len(r) != 1 || r[0].File == nil || r[0].File.Kind != flows.FileSuggestionsCSV || r[0].File.Ref != "15" {
		t.Fatalf("suggestions of a province-limited organizer: %+v", r)
	}
	// Gorontalo's organizer forging the chart button of a Jambi meetup learns nothing.
	w.send(goronOrg, "/laporan")
	data := "rp:" + strconv.Itoa(goronOrg.s.Conv.Nonce) + ":fb:c:" + m.ID
	w.input(goronOrg, flows.Input{Kind: flows.KindButton, Data: data, MessageID: 1})
	if r := goronOrg.last.Replies; len(r) == 0 || r[0].File != nil {
		t.Fatalf("forged chart: %+v", r)
	}
	if txt := w.render(goronOrg.last); strings.Contains(txt, "4,0") {
		t.Fatalf("a forged button showed another province's ratings:\n%s", txt)
	}
	if ids := textIDsOf(goronOrg.last); !strings.Contains(ids, "report.not_found") {
		t.Fatalf("forged chart answered %s", ids)
	}
}

// textIDsOf lists the message ids of a result's replies, the lines of joined ones included.
func textIDsOf(r flows.Result) string {
	var ids []string
	var walk func(t locales.Text)
	walk = func(t locales.Text) {
		if t.ID != "" {
			ids = append(ids, t.ID)
		}
		for _, l := range t.Lines {
			walk(l)
		}
	}
	for _, rep := range r.Replies {
		walk(rep.Text)
	}
	return strings.Join(ids, ",")
}

// A greeting after a rating is someone coming back later, not their comment.
func TestFeedbackGreetingIsNoComment(t *testing.T) {
	w, m, vita, _ := feedbackWorld(t)
	w.rate(vita, vita, m, 4)
	w.input(vita, flows.Input{Kind: flows.KindText, Text: "Halo kak"})
	if ids := replyIDs(vita.last); len(ids) != 1 || ids[0] != "welcome.back" || vita.s.Conv.Flow != "" {
		t.Fatalf("greeting: %v in %q", ids, vita.s.Conv.Flow)
	}
	if cs, _ := w.st.FeedbackComments(context.Background(), m.ID); len(cs) != 1 || cs[0].Text != "" {
		t.Fatalf("a greeting kept as a comment: %+v", cs)
	}
}
