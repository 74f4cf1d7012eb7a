package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// bcBot wires announcements into a running e2e bot as cmd/alumnibot does, with the demo meetups, and
// returns a function that runs the broadcast runner and the bulk lane until nothing moves.
func bcBot(t *testing.T, c *e2eBot) (drive func()) {
	t.Helper()
	c.App.Broadcasts = c.Store
	c.App.ButtonKey = []byte("e2e button key")
	_, demo := demoMeetups(t)
	for _, m := range demo {
		if err := c.Store.SaveMeetup(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	runner := c.Bot.BroadcastRunner(bot.BroadcastRunnerConfig{Store: c.Store, App: c.App, Rate: 30})
	lane := c.Bot.BulkLane(c.Store, map[string]bot.BulkKind{bot.BroadcastKindName: &bot.BroadcastKind{Store: c.Store, App: c.App}}, nil, bot.BulkConfig{})
	return func() {
		t.Helper()
		ctx := context.Background()
		for range 20 { // a job takes a few passes: build, feed, send, summary
			if err := runner.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if err := lane.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if ids, err := c.Store.ActiveBroadcasts(ctx); err != nil || len(ids) == 0 {
				break
			}
		}
		c.Settle()
	}
}

// fromLine is a transcript from the line that contains s.
func fromLine(transcript, s string) string {
	i := strings.Index(transcript, s)
	if i < 0 {
		return transcript
	}
	return transcript[strings.LastIndex(transcript[:i], "\n")+1:]
}

func sayer(c *e2eBot, lang string) func(id string, kv ...any) string {
	l := locales.LangFromCode(lang)
	return func(id string, kv ...any) string { return c.Catalog.Render(l, locales.Msg(id, kv...)) }
}

// A super-admin writes an announcement for waves 20–30 with the Jambi meetup and a survey attached,
// previews it and sends it; two alumni get the copy (one has blocked the bot), the progress becomes
// the summary, and one alumnus takes a seat with "Aku ikut" in one tap. Then a second announcement is
// scheduled for tomorrow and its schedule cancelled.
func TestGoldenBroadcastID(t *testing.T) { goldenBroadcast(t, "id", "broadcast_id.txt") }
func TestGoldenBroadcastEN(t *testing.T) { goldenBroadcast(t, "en", "broadcast_en.txt") }

func goldenBroadcast(t *testing.T, lang, golden string) {
	parallel(t)
	c := e2e.Start(t)
	drive := bcBot(t, c)
	say := sayer(c, lang)
	rina := c.Alumnus("Rina", lang)
	c.App.SuperAdmins[rina.ID] = true
	vita := c.Alumnus("Vita", lang).Onboard()
	hujaipah := c.Alumnus("Hujaipah", lang).Onboard()
	budi := c.Alumnus("Budi", lang).Onboard()
	c.API.BlockUser(budi.ID)

	rina.Send("/siaran").Expect(say("bc.list_empty")).Tap(say("bc.btn_new")).
		Send("Halo alumni! Temu Alumni Jambi tinggal sebentar lagi, yuk datang.").
		Tap(say("bc.btn_waves")).Send("tiga puluh").Expect(say("bc.waves_wrong")).Send("20-30").
		Tap("Temu Alumni Jambi").Tap(say("bc.btn_add_survey")).
		Send("Kamu datang?\nYa").Expect(say("bc.survey_count", "Max", 6)).
		Send("Kamu datang?\nYa\nBelum tahu").Expect(say("bc.preview", "Count", 3)).
		Tap(say("bc.btn_send_now"))
	drive()
	rina.Expect(say("bc.summary_done", "Sent", 2, "Total", 3, "Failed", 0, "Blocked", 1))
	vita.Expect("Temu Alumni Jambi tinggal sebentar lagi").Tap(say("bc.btn_join")).Expect("KMQ2")
	if s, err := c.Store.SeatOf(context.Background(), "jambi-2027", vita.ID); err != nil || s.Status != flows.SeatConfirmed {
		t.Fatalf("Vita's seat after one tap: %+v %v", s, err)
	}
	hujaipah.Expect("Temu Alumni Jambi tinggal sebentar lagi")
	if n, _ := c.Store.AudienceSize(context.Background(), flows.Audience{Kind: flows.AudAll}); n != 2 {
		t.Errorf("audience after Budi blocked the bot = %d, want 2", n)
	}

	rina.Send("/siaran").Tap(say("bc.btn_new")).Send("Besok ada kabar penting.").
		Tap(say("bc.btn_all")).Tap(say("bc.btn_no_meetup")).Tap(say("bc.btn_no_survey")).
		Tap(say("bc.btn_schedule")).Send("kapan-kapan").Expect(say("bc.when_wrong", "Zone", "WIB")).
		Send("besok 09.00").Tap(say("bc.btn_cancel_schedule")).Tap(say("bc.btn_list"))

	checkGolden(t, golden, "== Rina (panitia) ==\n"+rina.Transcript()+"\n== Vita (after onboarding) ==\n"+
		fromLine(vita.Transcript(), "Halo alumni")+"\n== Hujaipah (after onboarding) ==\n"+fromLine(hujaipah.Transcript(), "Halo alumni"))
}

// Only organizers reach announcements, with forged buttons too; a panitia limited to Jambi reaches
// Jambi only, and cannot stop another province's announcement.
func TestBroadcastAuthorization(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	drive := bcBot(t, c)
	ctx := context.Background()
	say := sayer(c, "id")
	rina := c.Alumnus("Rina", "id")
	c.App.SuperAdmins[rina.ID] = true
	joko := c.Alumnus("Joko", "id")
	if err := c.Store.Grant(ctx, joko.ID, "15"); err != nil { // Jambi
		t.Fatal(err)
	}
	budi := c.Alumnus("Budi", "id").Onboard()

	// Rina's national announcement, built but not yet sent.
	rina.Send("/siaran").Tap(say("bc.btn_new")).Send("Untuk semua.").Tap(say("bc.btn_all")).
		Tap(say("bc.btn_no_meetup")).Tap(say("bc.btn_no_survey")).Tap(say("bc.btn_send_now"))
	recent, err := c.Store.RecentBroadcasts(ctx, 1)
	if err != nil || len(recent) != 1 {
		t.Fatalf("recent = %v, %v", recent, err)
	}
	id := recent[0].ID
	stopData := "bx:0:stop:" + id

	// An alumnus: no /siaran, no forged stop, no forged step of the flow.
	budi.Send("/siaran").Expect(say("admin.refused"))
	budi.TapData(1, stopData).Expect(say("admin.refused"))
	budi.TapData(1, "bc:1:send").Expect(say("admin.refused"))

	// Joko organizes Jambi: his "all" means Jambi; a forged province choice is refused; he cannot
	// stop Rina's national announcement.
	joko.Send("/siaran").Tap(say("bc.btn_new")).Send("Untuk Jambi.")
	joko.Button(say("bc.btn_all_in", "Province", "Jambi"))
	_, b := joko.Button(say("bc.btn_regency"))
	joko.TapData(1, strings.Replace(b.Data, ":reg", ":prov", 1)).Send("Bali").
		Expect(say("bc.province_not_yours", "Province", "Jambi"))
	joko.Tap(say("bc.btn_waves")).Send("20-30").Tap(say("bc.btn_no_meetup")).Tap(say("bc.btn_no_survey")).
		Expect(say("bc.preview_limited", "Province", "Jambi"))
	joko.TapData(1, stopData).ExpectAnswer(say("bc.not_yours"))
	if job, _ := c.Store.Broadcast(ctx, id); job.State == flows.BcStopped {
		t.Fatal("a Jambi panitia stopped a national announcement")
	}
	joko.Tap(say("bc.btn_send_now"))
	recent, _ = c.Store.RecentBroadcasts(ctx, 1)
	if a := recent[0].Audience; a.Province != "15" || a.Kind != flows.AudWaves {
		t.Fatalf("Joko's audience = %+v, want waves within Jambi\n%s", a, joko.Transcript())
	}

	// Rina stops hers before anything went out: every recipient is skipped.
	rina.TapData(1, stopData).ExpectAnswer(say("bc.stopped_toast"))
	drive()
	job, _ := c.Store.Broadcast(ctx, id)
	if job.State != flows.BcStopped || job.Sent != 0 {
		t.Fatalf("after stop: %+v", job)
	}
}

// Wrong answers get specific re-prompts; a regency name that fits two gets both as buttons; a
// meetup's confirmed alumni are an audience of their own.
func TestBroadcastRePromptsAndMeetupGroup(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	drive := bcBot(t, c)
	say := sayer(c, "id")
	rina := c.Alumnus("Rina", "id")
	c.App.SuperAdmins[rina.ID] = true
	vita := c.Alumnus("Vita", "id").Onboard()
	budi := c.Alumnus("Budi", "id").Onboard()
	vita.Send("/start ev_jambi-2027").Tap(say("btn.rsvp"))

	rina.Send("/siaran").Tap(say("bc.btn_new")).Sticker().Expect("Tulis pengumumannya").
		Photo("Sampai jumpa besok!"). // a photo with its caption, copied as it is
		Tap(say("bc.btn_province")).Send("Atlantis").Expect(say("bc.province_unknown", "Text", "Atlantis")).
		Tap(say("bc.btn_back")).Tap(say("bc.btn_regency")).Send("Gorontalo").Send("gorontalo").
		Expect(say("bc.regency_which")).Tap(say("bc.btn_back")).
		Tap(say("bc.btn_meetup_group")).Tap("Temu Alumni Jambi").Tap(say("bc.grp_going")).
		Tap(say("bc.btn_no_meetup")).Tap(say("bc.btn_add_survey")).
		Send("Datang?\nYa\n" + strings.Repeat("x", 41)).Expect(say("bc.survey_option_long", "Max", 40, "Option", strings.Repeat("x", 29)+"…")).
		Tap(say("bc.btn_no_survey")).Expect(say("bc.preview", "Count", 1)).
		Tap(say("bc.btn_schedule")).Send("1 Januari 2020 10.00").Expect(say("bc.when_past")).
		Tap(say("bc.btn_back_preview")).Tap(say("bc.btn_send_now"))
	drive()
	vita.Expect("Sampai jumpa besok!")
	if m, _ := c.API.LastMessage(vita.ID); m.Media != "photo" {
		t.Errorf("Vita's copy is %q, want the photo", m.Media)
	}
	if strings.Contains(budi.Transcript(), "Sampai jumpa besok!") {
		t.Error("an alumnus without a seat got the announcement to the confirmed ones")
	}
	rina.Expect(say("bc.summary_done", "Sent", 1, "Total", 1, "Failed", 0, "Blocked", 0))
}

// An alumnus who erased their data after the recipient list was built gets no copy, even where the
// erasure missed the list (a build in flight): the copy goes out only to a profile that still exists.
func TestBroadcastSkipsErasedRecipient(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	c.App.Broadcasts = c.Store
	ctx := context.Background()
	say := sayer(c, "id")
	rina := c.Alumnus("Rina", "id")
	c.App.SuperAdmins[rina.ID] = true
	vita := c.Alumnus("Vita", "id").Onboard()
	hujaipah := c.Alumnus("Hujaipah", "id").Onboard()

	rina.Send("/siaran").Tap(say("bc.btn_new")).Send("Untuk semua alumni.").Tap(say("bc.btn_all")).
		Tap(say("bc.btn_no_meetup")).Tap(say("bc.btn_no_survey")).Tap(say("bc.btn_send_now"))
	runner := c.Bot.BroadcastRunner(bot.BroadcastRunnerConfig{Store: c.Store, App: c.App, Rate: 30})
	for range 3 { // build the list and feed it to the lane
		if err := runner.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Hujaipah's profile goes after the list was built, as the end of an erasure that missed it.
	opts, err := redis.ParseURL(c.Redis.URL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	if n, err := rdb.Del(ctx, fmt.Sprintf("%s{u:%d}:profile", store.DefaultPrefix, hujaipah.ID)).Result(); err != nil || n != 1 {
		t.Fatalf("delete the profile: %d, %v", n, err)
	}
	before := hujaipah.BotEvents()
	lane := c.Bot.BulkLane(c.Store, map[string]bot.BulkKind{bot.BroadcastKindName: &bot.BroadcastKind{Store: c.Store, App: c.App}}, nil, bot.BulkConfig{})
	for range 10 {
		if err := runner.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if err := lane.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if ids, err := c.Store.ActiveBroadcasts(ctx); err != nil || len(ids) == 0 {
			break
		}
	}
	c.Settle()
	vita.Expect("Untuk semua alumni.")
	if got := hujaipah.BotEvents(); got != before {
		t.Errorf("Hujaipah got %d messages after her data was erased:\n%s", got-before, hujaipah.Transcript())
	}
}
