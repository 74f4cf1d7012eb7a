package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// feedbackBot is a running bot with feedback wired as cmd/alumnibot wires it, and the Jambi demo
// meetup over: it ended two hours before the bot's clock. Alumni are onboarded and given seats, and
// those in came are checked in at the door. It must be called before any traffic of its own.
func feedbackBot(t *testing.T, c *e2eBot, seats []*e2eUser, came ...*e2eUser) flows.Meetup {
	t.Helper()
	ctx := context.Background()
	c.App.Feedback = c.Store
	c.App.ButtonKey = []byte("e2e feedback button key") // the rating buttons' data stays the same in the goldens
	_, demo := demoMeetups(t)
	var m flows.Meetup
	for _, d := range demo {
		if d.ID == "jambi-2027" {
			m = d
		}
	}
	m.Start, m.End = e2eBotClockStart.Add(-10*time.Hour), e2eBotClockStart.Add(-2*time.Hour)
	if err := c.Store.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	codes := map[int64]string{}
	for _, u := range seats {
		u.Onboard()
		seat, err := c.Store.Reserve(ctx, m.ID, u.ID, m.Start.Add(-24*time.Hour))
		if err != nil || seat.Status != flows.SeatConfirmed {
			t.Fatalf("seat for %s: %+v %v", u.FirstName, seat, err)
		}
		codes[u.ID] = seat.Code
	}
	for _, u := range came {
		if ci, err := c.Store.CheckIn(ctx, m.ID, u.ID, codes[u.ID], m.Start.Add(time.Hour)); err != nil || ci.Status != flows.CheckInOK {
			t.Fatalf("check in %s: %+v %v", u.FirstName, ci, err)
		}
	}
	return m
}

// sendFeedbackQuestions runs the scheduler's job at a moment, then sends what it queued.
func sendFeedbackQuestions(t *testing.T, c *e2eBot, now time.Time) int {
	t.Helper()
	ctx := context.Background()
	n, err := c.Store.AskFeedback(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	lane := c.Bot.BulkLane(c.Store, map[string]bot.BulkKind{bot.FeedbackKindName: bot.FeedbackKind{Store: c.Store, App: c.App}}, nil, bot.BulkConfig{})
	if err := lane.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	return n
}

// After a meetup: Vita and Hujaipah were checked in and are asked how it went, Budi held a seat
// but did not come and is not. Vita gives five stars and a comment, then taps a star of the old
// question again; Hujaipah gives four and skips the comment; Budi forges a rating. Vita sends a
// suggestion with /masukan (too short first, then too long). The organizer opens /laporan: the
// ratings in the summary, the chart with its caption, the comments and the suggestions as files.
func TestGoldenFeedbackID(t *testing.T) { goldenFeedback(t, "id", "feedback_id.txt") }
func TestGoldenFeedbackEN(t *testing.T) { goldenFeedback(t, "en", "feedback_en.txt") }

func goldenFeedback(t *testing.T, lang, golden string) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	l := locales.LangFromCode(lang)
	say := func(id string, kv ...any) string { return c.Catalog.Render(l, locales.Msg(id, kv...)) }
	vita, hujaipah, budi := c.Alumnus("Vita", lang), c.Alumnus("Hujaipah", lang), c.Alumnus("Budi", lang)
	rina := c.Alumnus("Rina", lang)
	c.App.SuperAdmins[rina.ID] = true
	m := feedbackBot(t, c, []*e2eUser{vita, hujaipah, budi}, vita, hujaipah)
	mark := map[*e2eUser]int{}
	for _, u := range []*e2eUser{vita, hujaipah, budi, rina} {
		mark[u] = len(u.Transcript())
	}

	// Not before an hour after the end; then once, however often the job runs.
	if n := sendFeedbackQuestions(t, c, m.End.Add(59*time.Minute)); n != 0 {
		t.Fatalf("%d asked before the moment", n)
	}
	if n := sendFeedbackQuestions(t, c, m.End.Add(time.Hour)); n != 2 {
		t.Fatalf("%d asked, want 2", n)
	}
	if n := sendFeedbackQuestions(t, c, m.End.Add(time.Hour+time.Minute)); n != 0 {
		t.Fatalf("%d asked again", n)
	}
	vita.Expect(m.Title)
	if got := budi.Transcript()[mark[budi]:]; got != "" {
		t.Fatalf("Budi, who did not come, was asked:\n%s", got)
	}

	question, five := vita.Button(say("btn.fb_rate", "N", 5))
	_, one := vita.Button(say("btn.fb_rate", "N", 1))
	vita.TapData(question.ID, five.Data).ExpectAnswer(say("fb.rated_short"))
	vita.Send("bagus").Expect(say("fb.comment_thanks")) // a comment may be short
	vita.TapData(question.ID, one.Data).ExpectAnswer(say("fb.already_short"))
	vita.TapData(question.ID, strings.Replace(five.Data, ":5:", ":1:", 1)).ExpectAnswer(say("button.stale_short"))

	hujaipah.Tap(say("btn.fb_rate", "N", 4)).Send(strings.Repeat("panjang ", 251)).Tap(say("btn.fb_skip"))

	forged := c.App.FeedbackQuestion(budi.ID, &m).Buttons[0][4].Data // signed for Budi, who did not come
	budi.TapData(1, "fb:0:"+m.ID+":5:AAAAAAAAAAA")
	budi.TapData(1, forged)
	budi.TapData(1, "fb:0:"+m.ID+":9:"+strings.Repeat("A", 11))

	vita.Send("/masukan").Send("bagus").Send(strings.Repeat("a", 2001)).
		Send("Tolong adakan workshop desain grafis di Kerinci ya").Expect(say("fb.suggest_thanks"))

	r, err := c.Store.Ratings(ctx, m.ID)
	if err != nil || r.Dist != [5]int{0, 0, 0, 1, 1} {
		t.Fatalf("ratings %+v %v, want one 4 and one 5", r, err)
	}

	rina.Send("/laporan").Tap(m.Title).Tap(say("btn.fb_chart")).Tap(say("btn.fb_comments_csv")).Tap(say("btn.fb_suggestions_csv"))

	var b strings.Builder
	for _, u := range []*e2eUser{vita, hujaipah, budi, rina} {
		b.WriteString("== " + u.FirstName + " ==\n" + u.Transcript()[mark[u]:] + "\n")
	}
	checkGolden(t, golden, b.String())
}
