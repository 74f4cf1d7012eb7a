package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/schedule"
)

var witaZone, _ = time.LoadLocation("Asia/Makassar")

// remindWorld is a running bot with reminders switched on, a meetup in Makassar (WITA) at 09:00 the
// day after the bot's clock, and the reminder job and lane driven by hand at chosen moments.
type remindWorld struct {
	c      *e2eBot
	ctx    context.Context
	meetup flows.Meetup
	job    *schedule.Reminders
	// own holds what the job and the lanes sent by themselves to the chats watched, for checkShape.
	own     onItsOwn
	watched []*e2eUser
}

func newRemindWorld(t *testing.T, capacity int) *remindWorld {
	c := e2e.Start(t)
	c.App.Reminders, c.App.Series = c.Store, c.Store
	start := time.Date(2024, 9, 20, 9, 0, 0, 0, witaZone)
	m := flows.Meetup{ID: "makassar-2024", Title: "Temu Alumni Makassar", Province: "73", Regency: "73.71",
		Venue: flows.Venue{Name: "Hotel Claro", Address: "Jl. A. P. Pettarani No. 3", Lat: -5.1548, Lon: 119.4353},
		Start: start, End: start.Add(6 * time.Hour), Capacity: capacity, Status: flows.MeetupPublished}
	ctx := context.Background()
	if err := c.Store.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	job := &schedule.Reminders{Store: c.Store, Atlas: c.App.Atlas, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return &remindWorld{c: c, ctx: ctx, meetup: m, job: job, own: onItsOwn{}}
}

// at runs the reminder job at now and then one pass of the lane that sends what it queued.
func (w *remindWorld) at(t *testing.T, now time.Time) {
	t.Helper()
	w.own.during(w.c, func() {
		if err := w.job.Pass(w.ctx, now); err != nil {
			t.Fatal(err)
		}
		kinds := bot.ReminderKinds(w.c.Store, w.c.App, func() time.Time { return now })
		if err := w.c.Bot.BulkLane(w.c.Store, kinds, nil, bot.BulkConfig{}).RunOnce(w.ctx); err != nil {
			t.Fatal(err)
		}
	}, w.watched...)
}

// notices sends the notices lane's queue, as sent on its own to the chats watched.
func (w *remindWorld) notices(t *testing.T) {
	t.Helper()
	w.own.during(w.c, func() {
		if err := w.c.Bot.SendNotices(w.ctx, w.c.Store, w.c.App.Atlas); err != nil {
			t.Fatal(err)
		}
	}, w.watched...)
}

func (w *remindWorld) reserve(t *testing.T, users ...*e2eUser) {
	t.Helper()
	for _, u := range users {
		if _, err := w.c.Store.Reserve(w.ctx, w.meetup.ID, u.ID, w.meetup.Start.AddDate(0, 0, -5)); err != nil {
			t.Fatal(err)
		}
	}
}

// Seat holders get the 19:00 WITA reminder the evening before and the 07:00 WITA one, once each,
// through the real bot; who turned every reminder off, or this meetup's, and who waits on the waiting
// list get none.
func TestMeetupRemindersReachHolders(t *testing.T) {
	parallel(t)
	w := newRemindWorld(t, 20)
	var holders []*e2eUser
	for i := range 22 {
		holders = append(holders, w.c.Alumnus(fmt.Sprint("Alumni", i), "id").Onboard())
	}
	w.watched = holders
	w.reserve(t, holders...) // 20 seats, 2 on the waiting list
	if err := w.c.Store.SetReminders(w.ctx, "", "", holders[0].ID, false); err != nil {
		t.Fatal(err)
	}
	if err := w.c.Store.SetReminders(w.ctx, flows.ReminderMeetup, w.meetup.ID, holders[1].ID, false); err != nil {
		t.Fatal(err)
	}
	day := func(d, h, m int) time.Time { return time.Date(2024, 9, d, h, m, 0, 0, witaZone) }
	for _, now := range []time.Time{day(19, 18, 59), day(19, 19, 0), day(19, 19, 1), day(20, 7, 0), day(20, 7, 0).Add(30 * time.Second), day(20, 9, 1)} {
		w.at(t, now)
	}
	for i, u := range holders {
		want := 2
		if i < 2 || i >= 20 {
			want = 0
		}
		if got := countMessages(w.c.API.Chat(u.ID), "Temu Alumni Makassar!"); got != want {
			t.Errorf("alumnus %d got %d reminders, want %d\n%s", i, got, want, u.Transcript())
		}
	}
	// A forged "Tidak jadi ikut" from an alumnus on the waiting list asks nothing and frees nothing.
	waiting := holders[21]
	waiting.TapData(1, "rm:0:cx:"+w.meetup.ID)
	if seat, _ := w.c.Store.SeatOf(w.ctx, w.meetup.ID, waiting.ID); seat.Status != flows.SeatWaitlisted {
		t.Errorf("the waiting alumnus is now %s", seat.Status)
	}
	if avail, _ := w.c.Store.Availability(w.ctx, w.meetup.ID); avail.Confirmed != 20 {
		t.Errorf("%d confirmed after the forged button, want 20", avail.Confirmed)
	}
	for _, u := range []*e2eUser{holders[2], waiting} {
		checkShape(t, u, w.own.is)
	}
	claims, err := w.c.Store.ReminderClaims(w.ctx, flows.ReminderMeetup, w.meetup.ID, day(19, 19, 0))
	if err != nil {
		t.Fatal(err)
	}
	if claims[holders[0].ID] != string(bot.BulkSkipped) || claims[holders[2].ID] != string(bot.BulkSent) || len(claims) != 19 {
		t.Errorf("outcomes %v", claims)
	}
}

// The reminder, its ticket, and "Tidak jadi ikut": the seat is freed and the first on the waiting list
// is offered it.
func TestGoldenReminderID(t *testing.T) { goldenReminder(t, "id", "reminder_id.txt") }
func TestGoldenReminderEN(t *testing.T) { goldenReminder(t, "en", "reminder_en.txt") }

func goldenReminder(t *testing.T, lang, golden string) {
	parallel(t)
	w := newRemindWorld(t, 1)
	l := locales.LangFromCode(lang)
	say := func(id string) string { return w.c.Catalog.Render(l, locales.Text{ID: id}) }
	vita := w.c.Alumnus("Vita", lang).Onboard()
	budi := w.c.Alumnus("Budi", lang).Onboard()
	w.watched = []*e2eUser{vita, budi}
	w.reserve(t, vita, budi) // Vita holds the seat, Budi waits
	w.at(t, time.Date(2024, 9, 19, 19, 0, 0, 0, witaZone))
	vita.Expect("Temu Alumni Makassar")
	vita.Tap(say("btn.rm_ticket"))
	vita.Tap(say("btn.rm_not_going")).Tap(say("btn.cancel_yes"))
	w.notices(t)
	budi.Expect("Temu Alumni Makassar").Tap(say("btn.claim"))
	w.at(t, time.Date(2024, 9, 20, 7, 0, 0, 0, witaZone)) // the morning one goes to Budi now, not to Vita
	if got := countMessages(w.c.API.Chat(vita.ID), "⏰"); got != 1 {
		t.Errorf("Vita got %d reminders, want 1", got)
	}
	checkGolden(t, golden, "== Vita ==\n"+vita.Transcript()+"\n== Budi ==\n"+budi.Transcript())
	checkShape(t, vita, w.own.is)
	checkShape(t, budi, w.own.is)
}

// saveWorkshops saves the weekly workshop series of the goldens: Wednesdays at 19.00 WIT in
// September and October 2024.
func (w *remindWorld) saveWorkshops(t *testing.T) flows.Series {
	t.Helper()
	series := flows.Series{ID: "digital", Title: "Kelas Digital Marketing", Trainer: "Rumah BUMN", Link: "https://meet.example/digital",
		Zone: "WIT", Spec: "0 19 * * 3", From: "2024-09-01", To: "2024-10-31"}
	if err := w.c.Store.SaveSeries(w.ctx, series); err != nil {
		t.Fatal(err)
	}
	return series
}

// sayer renders a message of the catalog in lang ("id", "en"), as the buttons are labelled.
func (w *remindWorld) sayer(lang string) func(id string, kv ...any) string {
	l := locales.LangFromCode(lang)
	return func(id string, kv ...any) string { return w.c.Catalog.Render(l, locales.Msg(id, kv...)) }
}

// /pengingat: each reminder with its next time in the alumnus's zone, turned off and on.
func TestGoldenPengingatID(t *testing.T) { goldenPengingat(t, "id", "pengingat_id.txt") }
func TestGoldenPengingatEN(t *testing.T) { goldenPengingat(t, "en", "pengingat_en.txt") }

func goldenPengingat(t *testing.T, lang, golden string) {
	parallel(t)
	w := newRemindWorld(t, 10)
	series := w.saveWorkshops(t)
	say := w.sayer(lang)
	vita := w.c.Alumnus("Vita", lang).Onboard()
	vita.Send("/pengingat") // nothing yet
	w.reserve(t, vita)
	if err := w.c.Store.Subscribe(w.ctx, series.ID, vita.ID, true); err != nil {
		t.Fatal(err)
	}
	vita.Send("/pengingat").Tap(say("btn.rm_off", "Title", "Temu Alumni Makassar")).
		Tap(say("btn.rm_all_off")).Tap(say("btn.rm_all_on"))
	checkGolden(t, golden, vita.Transcript())
	checkShape(t, vita, nil)
}

// The workshops, found from the /acara list's button: an alumnus follows a weekly series, gets the
// session's reminder with its link an hour before, and stops following it from the reminder.
func TestGoldenSeriesID(t *testing.T) { goldenSeries(t, "id", "series_id.txt") }
func TestGoldenSeriesEN(t *testing.T) { goldenSeries(t, "en", "series_en.txt") }

func goldenSeries(t *testing.T, lang, golden string) {
	parallel(t)
	w := newRemindWorld(t, 10)
	series := w.saveWorkshops(t)
	say := w.sayer(lang)
	vita := w.c.Alumnus("Vita", lang).Onboard()
	w.watched = []*e2eUser{vita}
	vita.Send("/acara").Tap(say("btn.go_workshops")).Tap(say("btn.ws_sub", "Title", series.Title))
	wit, _ := time.LoadLocation("Asia/Jayapura")
	w.at(t, time.Date(2024, 9, 25, 18, 0, 0, 0, wit)) // an hour before Wednesday's session
	w.at(t, time.Date(2024, 9, 25, 18, 0, 30, 0, wit))
	if got := countMessages(w.c.API.Chat(vita.ID), "⏰"); got != 1 {
		t.Errorf("Vita got %d session reminders, want 1", got)
	}
	vita.Tap(say("btn.ws_stop"))
	w.at(t, time.Date(2024, 10, 2, 18, 0, 0, 0, wit)) // the next week: not following any more
	if got := countMessages(w.c.API.Chat(vita.ID), "⏰"); got != 1 {
		t.Errorf("after unfollowing Vita got %d session reminders, want 1", got)
	}
	checkGolden(t, golden, vita.Transcript())
	checkShape(t, vita, w.own.is)
}
