package loaddriver_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/loaddriver"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// The broadcast driver at a size CI affords: a real announcement to 300 seeded alumni, built and fed
// by the broadcast runner, sent by the real bulk lane at 60/s against a server allowing 50 in any
// second: everyone once, the server's window never exceeded (it refuses what would), the job's own
// figures agree, and the report counts what the server saw.
func TestBroadcastThroughTheBulkLane(t *testing.T) {
	rs := redistest.Start(t)
	rdb, err := store.Open(rs.URL, 16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	st := store.New(rdb, "cast:")
	srv := bottest.New(t)
	srv.SetRecordCalls(false)
	srv.SetWindowLimit(50)
	b, err := bot.New(bot.Config{Token: srv.Token, APIURL: srv.URL, Users: st, Catalog: locales.MustLoad(),
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	app := &flows.App{Atlas: atlas, Broadcasts: st}
	kinds := map[string]bot.BulkKind{bot.BroadcastKindName: &bot.BroadcastKind{Store: st, App: app}}
	lane := b.BulkLane(st, kinds, b.NewBulkRate(st, 60), bot.BulkConfig{Senders: 4})
	runner := b.BroadcastRunner(bot.BroadcastRunnerConfig{Store: st, App: app, Rate: 60, Every: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { lane.Run(ctx, 100*time.Millisecond) })
	wg.Go(func() { runner.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	const first, n = 9_000_000, 300
	if err := loaddriver.SeedAlumni(t.Context(), st, first, n, "91", "91.01", 8); err != nil {
		t.Fatal(err)
	}
	if size, err := st.AudienceSize(t.Context(), flows.Audience{Kind: flows.AudProvince, Province: "91"}); err != nil || size != n {
		t.Fatalf("audience after seeding = %d, %v; want %d", size, err, n)
	}
	job := loaddriver.Job("bcast1", first-2, "91")
	rep, err := loaddriver.Broadcast(t.Context(), srv, loaddriver.BroadcastConfig{
		Recipients: n, FirstUser: first, Start: loaddriver.StartJob(st, job), Text: job.Text,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Write(&out)
	t.Log("\n" + out.String())
	if !rep.OK() || rep.Received != 300 {
		t.Fatalf("broadcast failed:\n%s", out.String())
	}
	if !waitJob(t, st, job.ID, n) {
		t.Error("the job was not done with every recipient sent")
	}
	if rep.MaxWindow > 50 || rep.Sent.Sent != 301 { // and the organizer's progress message

		t.Errorf("busiest second %d (server limit 50), %d accepted", rep.MaxWindow, rep.Sent.Sent)
	}
}

// waitJob waits (bounded) for the job's own figures to say done with n sent: the last outcomes are
// counted just after the last message is accepted.
func waitJob(t *testing.T, st *store.Store, id string, n int64) bool {
	for range 100 {
		b, err := st.Broadcast(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if b != nil && b.State == flows.BcDone && b.Sent == n && b.Total == n {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := st.Broadcast(t.Context(), id)
	t.Logf("job: %+v", b)
	return false
}
