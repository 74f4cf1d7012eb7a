package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// An alumnus who used every part of the bot — a seat and a check-in, a survey answer to an announcement
// sent through the bulk lane, a rating with a comment, a /masukan suggestion, an approved story and a
// pending one, reminders turned off for a meetup, a followed workshop series — finds each of them in
// /datasaya, then erases it all: afterwards no key and no value in Redis names them (counters aside),
// their approved story stays without their name, and the seat they held goes to the first on the
// waiting list, who is told once.
func TestEraseCoversEveryPart(t *testing.T) {
	parallel(t)
	c := e2eHarness{}.Start(t, withModeration(moderationChat))
	ctx := context.Background()
	drive := bcBot(t, c) // the demo meetups, announcements and the bulk lane
	c.App.Feedback, c.App.Reminders, c.App.Series = c.Store, c.Store, c.Store
	say := sayer(c, "id")
	rina := c.Alumnus("Rina", "id")
	c.App.SuperAdmins[rina.ID] = true
	deskBot(t, rina)
	budi := c.Moderator("Budi", "15") // panitia of Jambi

	// The Jambi meetup has one seat; a past meetup where Vita came gets her rating.
	m, err := c.Store.Meetup(ctx, "jambi-2027")
	if err != nil {
		t.Fatal(err)
	}
	m.Capacity = 1
	if err := c.Store.SaveMeetup(ctx, *m); err != nil {
		t.Fatal(err)
	}
	past := *m
	past.ID, past.Title, past.Capacity = "jambi-lalu", "Temu Alumni Jambi yang lalu", 50
	past.Start, past.End = e2eBotClockStart.Add(-10*time.Hour), e2eBotClockStart.Add(-2*time.Hour)
	if err := c.Store.SaveMeetup(ctx, past); err != nil {
		t.Fatal(err)
	}
	series := flows.Series{ID: "digital", Title: "Kelas Digital Marketing", Link: "https://meet.example/digital",
		Zone: "WIB", Spec: "0 19 * * 3", From: "2024-09-01", To: "2024-12-31"}
	if err := c.Store.SaveSeries(ctx, series); err != nil {
		t.Fatal(err)
	}

	vita := c.Alumnus("Vita", "id").Onboard()
	dewi := c.Alumnus("Dewi", "id").Onboard()

	// A seat and a check-in, through the bot; Dewi waits.
	vita.Send("/start ev_jambi-2027").Tap("🙋 Aku ikut")
	dewi.Send("/start ev_jambi-2027").Tap("⏳ Masuk daftar tunggu")
	seat, err := c.Store.SeatOf(ctx, "jambi-2027", vita.ID)
	if err != nil || seat.Code == "" {
		t.Fatalf("Vita's seat %+v, %v", seat, err)
	}
	rina.Send("/checkin " + seat.Code)

	// The past meetup: she came, is asked how it went, rates it and comments.
	ps, err := c.Store.Reserve(ctx, past.ID, vita.ID, past.Start.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ci, err := c.Store.CheckIn(ctx, past.ID, vita.ID, ps.Code, past.Start.Add(time.Hour)); err != nil || ci.Status != flows.CheckInOK {
		t.Fatalf("check in at the past meetup: %+v %v", ci, err)
	}
	if n := sendFeedbackQuestions(t, c, past.End.Add(time.Hour)); n != 1 {
		t.Fatalf("%d asked how it went, want Vita", n)
	}
	vita.Tap(say("btn.fb_rate", "N", 5)).Send("Seru sekali, pematerinya jelas")
	vita.Send("/masukan").Send("Tolong adakan workshop desain grafis di Kerinci ya").Expect(say("fb.suggest_thanks"))

	// An announcement to everyone with a survey, through the bulk lane; Vita answers.
	rina.Send("/siaran").Tap(say("bc.btn_new")).Send("Halo alumni! Ada survei singkat untuk kalian.").
		Tap(say("bc.btn_all")).Tap(say("bc.btn_no_meetup")).Tap(say("bc.btn_add_survey")).
		Send("Kamu sudah bekerja?\nSudah\nBelum").Tap(say("bc.btn_send_now"))
	drive()
	vita.Expect("Ada survei singkat").Tap("Sudah")

	// Two stories by message: the first approved in the moderation chat, the second pending.
	story := func(what string) string {
		return "Halo kak, aku mau cerita. " + what + " Setelah ikut pelatihan Digital Marketing aku belajar " +
			"foto produk pakai HP dan jualan lewat media sosial. Sekarang pesanan datang dari seluruh kota setiap " +
			"hari dan aku bisa membantu keluargaku. Terima kasih banyak untuk panitia dan para pelatihnya ya!"
	}
	vita.Send(story("Dulu aku jualan donat titipan di warung.")).Tap("👤 Boleh, dengan namaku").Tap("📨 Kirim ke panitia")
	c.runStories()
	budi.Press("✅ Setujui")
	c.runStories()
	vita.Expect("🎉")
	vita.Send(story("Sekarang aku juga buka kelas menghias kue.")).Tap("👤 Boleh, dengan namaku").Tap("📨 Kirim ke panitia")

	// Reminders off for the Jambi meetup; the workshop series followed.
	vita.Send("/pengingat").Tap(say("btn.rm_off", "Title", m.Title))
	vita.Send("/workshop").Tap(say("btn.ws_sub", "Title", series.Title))
	c.Settle()

	data, err := c.Store.MyData(ctx, vita.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(data)
	got := string(b)
	for _, want := range []string{
		`"name":"Vita"`, `"meetup":"jambi-2027"`, seat.Code, `"checked_in_at"`, // seat and check-in
		`"rating":5`, "pematerinya jelas", "desain grafis di Kerinci", // feedback
		`"question":"Kamu sudah bekerja?"`, `"answer":"Sudah"`, // the survey
		"jualan donat titipan", `"status":"approved"`, "menghias kue", `"status":"pending"`, `"consent":"named"`, // stories
		`"off_for_meetups":["jambi-2027"]`, `"series":"digital"`, "Kelas Digital Marketing", // reminders, series
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/datasaya's data lacks %s:\n%s", want, got)
		}
	}
	c.API.SetRecordCalls(true)
	vita.Send("/datasaya")
	if last, _ := c.API.LastMessage(vita.ID); last.Document != "datasaya.json" {
		t.Fatalf("/datasaya sent %+v, want the file datasaya.json", last)
	}
	// The file itself has every part, and reads as JSON.
	var file map[string]any
	for _, call := range c.API.CallsTo("sendDocument") {
		if call.ChatID == vita.ID {
			if err := json.Unmarshal(call.Files["document"], &file); err != nil {
				t.Fatalf("datasaya.json is not JSON: %v", err)
			}
		}
	}
	for _, part := range []string{"profile", "meetups", "meetup_ratings", "suggestions", "survey_answers", "stories",
		"reminder_settings", "series_followed"} {
		if file[part] == nil {
			t.Errorf("datasaya.json has no %q", part)
		}
	}

	vita.Send("/hapusdata").Tap("Ya, hapus semua").Expect("Semua datamu sudah kami hapus")
	atlas, _ := demoMeetups(t)
	for range 2 {
		if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
			t.Fatal(err)
		}
	}
	if n := countMessages(c.API.Chat(dewi.ID), "Ada kursi kosong"); n != 1 {
		t.Errorf("Dewi was offered the seat %d times, want once\n%s", n, dewi.Transcript())
	}
	c.Settle()
	// Flood counters of windows before the erasure's own are left to expire (two windows of real time
	// at most): this test's clock runs far ahead of Redis's, so some may still be there; each must be
	// about to expire.
	rdb := c.Redis.Client(t)
	var traces []string
	for _, tr := range tracesOf(t, rdb, vita.ID) {
		if k, ok := strings.CutPrefix(tr, "key "); ok && strings.Contains(k, ":flood:") {
			if ttl := rdb.PTTL(ctx, k).Val(); ttl > 0 && ttl <= 2*flows.FloodWindow {
				continue
			}
		}
		traces = append(traces, tr)
	}
	if len(traces) > 0 {
		t.Errorf("Redis still names Vita (%d):\n%s", vita.ID, strings.Join(traces, "\n"))
	}
	// What stays is what the law lets stay: the counts, and her approved story without her.
	approved := 0
	err = c.Store.EachApprovedStory(ctx, func(st flows.Story) error {
		approved++
		if st.Author != 0 || st.Name != "" || st.Consent != flows.Consent("anon") {
			t.Errorf("the approved story still says who wrote it: %+v", st)
		}
		return nil
	})
	if err != nil || approved != 1 {
		t.Errorf("%d approved stories after the erasure (%v), want hers, anonymous", approved, err)
	}
	if r, err := c.Store.Ratings(ctx, past.ID); err != nil || r.Dist != [5]int{0, 0, 0, 0, 1} {
		t.Errorf("the ratings after the erasure: %+v %v, want her 5 counted", r, err)
	}
}
