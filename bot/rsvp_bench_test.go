//go:build unix

package bot_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/ticket"
)

// BenchmarkRSVP measures RSVPs through the whole bot: b.N alumni, each on a meetup's page, tap
// "Aku ikut" at once; half get a seat (answered with the page edited in place and the ticket, one QR
// photo; the calendar file comes only from its button), half go on the waiting list (the page edited
// and one short message). The pages are opened before the timer.
//
//	go test -run '^$' -bench RSVP -benchtime 2000x -count 6 ./bot/
func BenchmarkRSVP(b *testing.B) {
	s := newBenchSetupEmpty(b)
	ctx := context.Background()
	atlas, err := area.Load()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now().Add(30 * 24 * time.Hour)
	m := flows.Meetup{ID: "bench", Title: "Temu Alumni Jambi", Province: "15", Regency: "15.71",
		Venue: flows.Venue{Name: "Swiss-Belhotel Jambi"}, Start: start, End: start.Add(6 * time.Hour),
		Capacity: max(1, b.N/2), Status: flows.MeetupPublished}
	if err := s.st.SaveMeetup(ctx, m); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	users := make([]bottest.User, b.N)
	for i := range users {
		users[i] = bottest.User{ID: int64(benchFirstUser + i), FirstName: "Vita", LanguageCode: "id"}
		p := &flows.Profile{Name: "Vita", Province: "15", Regency: "15.71", Wave: 27, Lang: locales.ID, Active: true}
		conv := flows.Conv{Flow: "ev", Step: "detail", Nonce: 1, State: []byte(`{"mt":"bench"}`)}
		if err := s.st.Commit(ctx, flows.Commit{User: users[i].ID, Update: benchSeedID, Next: flows.Session{Profile: p, Conv: conv}, Now: now}); err != nil {
			b.Fatal(err)
		}
		s.srv.SendCallback(users[i], 1, "ev:1:rsvp")
	}
	signer, err := ticket.NewSigner(bytes.Repeat([]byte("s"), 32))
	if err != nil {
		b.Fatal(err)
	}
	app := &flows.App{Atlas: atlas, Meetups: s.st, BotUsername: bottest.BotUsername}
	bt, err := bot.New(bot.Config{
		Token: s.srv.Token, APIURL: s.srv.URL, Workers: benchWorkers,
		Engine: &flows.Engine{App: app, Sessions: s.st}, Users: s.st, Catalog: locales.MustLoad(),
		Files: &attach.Renderer{Meetups: s.st, Atlas: atlas, Signer: signer, BotUsername: func() string { return bottest.BotUsername }},
		Log:   benchLog(),
	})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	runtime.GC()
	cpu0 := benchProcessCPU(b)
	b.ReportAllocs()
	b.ResetTimer()
	go func() { done <- bt.Run(runCtx) }()
	if err := s.srv.WaitIdle(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	cpu := benchProcessCPU(b) - cpu0
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rsvps/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/rsvp")
	av, err := s.st.Availability(ctx, "bench")
	if err != nil || av.Confirmed+av.Waitlisted != b.N {
		b.Fatalf("availability %+v, %v after %d RSVPs", av, err, b.N)
	}
}
