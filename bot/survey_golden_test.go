package bot_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// An announcement with a survey, as golden transcripts: Vita answers, then changes her answer;
// Hujaipah answers; the super-admin Rina opens the results (the chart as a photo with the counts),
// gets the CSV and closes the survey; Vita's later tap is refused; Joko, a panitia of Gorontalo only,
// is refused the results of a survey sent to alumni everywhere.
func TestGoldenSurveyID(t *testing.T) { goldenSurvey(t, "id", "survey_id.txt") }
func TestGoldenSurveyEN(t *testing.T) { goldenSurvey(t, "en", "survey_en.txt") }

func goldenSurvey(t *testing.T, lang, golden string) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	l := locales.LangFromCode(lang)
	say := func(id string) string { return c.Catalog.Render(l, locales.Text{ID: id}) }
	rina := c.Alumnus("Rina", lang) // super-admin, no alumnus profile
	joko := c.Alumnus("Joko", lang) // panitia of Gorontalo
	c.App.Roles, c.App.SuperAdmins[rina.ID] = c.Store, true
	if err := c.Store.Grant(ctx, joko.ID, "75"); err != nil {
		t.Fatal(err)
	}
	c.API.SetRecordCalls(true)
	vita := c.Alumnus("Vita", lang).Onboard()
	hujaipah := c.Alumnus("Hujaipah", lang).Onboard()

	sv := flows.Survey{Question: "Apa status pekerjaanmu sekarang?", Options: []string{"Bekerja", "Usaha sendiri", "Masih mencari kerja"}}
	if lang == "en" {
		sv = flows.Survey{Question: "What is your work situation now?", Options: []string{"Employed", "Own business", "Still looking"}}
	}
	if err := c.Store.SaveSurvey(ctx, "bc1", sv); err != nil {
		t.Fatal(err)
	}
	// Its announcement, scheduled far ahead so that nothing sends it: the answer's tick redraws its buttons.
	c.App.Broadcasts = c.Store
	if _, err := c.Store.CreateBroadcast(ctx, flows.Broadcast{ID: "bc1", Organizer: rina.ID, Lang: l, Text: "📣 " + sv.Question,
		Audience: flows.Audience{Kind: flows.AudAll}, Survey: true, SendAt: time.Now().AddDate(1, 0, 0)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The announcement as siaran sends it: the organizer's text with the survey's buttons.
	own := onItsOwn{}
	for _, a := range []*e2eUser{vita, hujaipah} {
		own.during(c, func() { announce(t, c, a.ID, "📣 "+sv.Question, c.App.SurveyButtons(a.ID, "bc1", sv), l) }, a)
	}
	vita.Tap(sv.Options[0]).ExpectAnswer(say("sv.toast_saved"))
	vita.Tap(sv.Options[1]).ExpectAnswer(say("sv.toast_changed"))
	hujaipah.Tap(sv.Options[0])

	// Rina's list of announcements carries the results button (siaran's list, here on its own).
	results := [][]flows.Button{{flows.SurveyResultsButton("bc1")}}
	own.during(c, func() { announce(t, c, rina.ID, "📣 "+sv.Question, results, l) }, rina)
	own.during(c, func() { announce(t, c, joko.ID, "📣 "+sv.Question, results, l) }, joko)
	rina.Tap(say("btn.sv_results")).Tap(say("btn.sv_csv")).Tap(say("btn.sv_back")).
		Tap(say("btn.sv_close")).Tap(say("btn.sv_close_yes")).ExpectAnswer(say("sv.toast_closed"))
	vita.Tap(sv.Options[2]).ExpectAnswer(say("sv.toast_closed"))
	joko.Tap(say("btn.sv_results"))

	// The chart is a PNG a phone shows; the CSV has every area's counts.
	var photos, docs int
	for _, call := range c.API.CallsTo("sendPhoto") {
		if call.ChatID != rina.ID {
			continue
		}
		photos++
		img, err := png.Decode(bytes.NewReader(call.Files["photo"]))
		if err != nil {
			t.Fatalf("the chart is not a PNG: %v", err)
		}
		if w := img.Bounds().Dx(); w < 800 {
			t.Errorf("the chart is %d px wide", w)
		}
	}
	for _, call := range c.API.CallsTo("sendDocument") {
		if call.ChatID != rina.ID {
			continue
		}
		docs++
		csv := string(call.Files["document"])
		for _, want := range []string{"all,,,,,2,1,1,0", "province,15,Jambi,,,2,1,1,0", "regency,15,Jambi,15.71,Kota Jambi,2,1,1,0"} {
			if !strings.Contains(csv, want) {
				t.Errorf("the CSV lacks %q:\n%s", want, csv)
			}
		}
	}
	if photos != 3 || docs != 1 { // results, back to results, after closing; one CSV
		t.Errorf("Rina got %d charts and %d CSV files, want 3 and 1", photos, docs)
	}

	checkGolden(t, golden, "== Vita ==\n"+fromAnnouncement(vita)+"\n== Hujaipah ==\n"+fromAnnouncement(hujaipah)+
		"\n== Rina (super-admin) ==\n"+rina.Transcript()+"\n== Joko (panitia Gorontalo) ==\n"+joko.Transcript())
	for _, u := range []*e2eUser{vita, hujaipah, rina, joko} {
		checkShape(t, u, own.is)
	}
}

// fromAnnouncement is the chat's transcript from the announcement on: onboarding is another golden's.
func fromAnnouncement(u *e2eUser) string {
	tr := u.Transcript()
	if i := strings.Index(tr, "📣"); i >= 0 {
		return tr[strings.LastIndex(tr[:i], "\n")+1:]
	}
	return tr
}

// announce puts a message with buttons in a chat as the bot would send it, through the fake Bot API.
func announce(t *testing.T, c *e2eBot, chat int64, text string, rows [][]flows.Button, lang locales.Lang) {
	t.Helper()
	api, err := tg.New(c.API.Token, tg.WithServerURL(c.API.URL), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	kb := make([][]models.InlineKeyboardButton, len(rows))
	for i, row := range rows {
		for _, b := range row {
			kb[i] = append(kb[i], models.InlineKeyboardButton{Text: c.Catalog.Render(lang, b.Text), CallbackData: b.Data})
		}
	}
	if _, err := api.SendMessage(context.Background(), &tg.SendMessageParams{ChatID: chat, Text: text,
		ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: kb}}); err != nil {
		t.Fatal(err)
	}
}
