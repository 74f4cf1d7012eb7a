package loaddriver_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/internal/loaddriver"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// The broadcast driver at a size CI affords: 300 recipients through the real bulk lane at 60/s
// against a server allowing 50 in any second: everyone once, the server's window never exceeded
// (it refuses what would), and the report counts what the server saw.
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
	lane := b.BulkLane(st, map[string]bot.BulkKind{bot.LoadKind: bot.LoadBulkKind()}, b.NewBulkRate(st, 60), bot.BulkConfig{Senders: 4})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); lane.Run(ctx, 100*time.Millisecond) }()
	t.Cleanup(func() { cancel(); <-done })

	rep, err := loaddriver.Broadcast(t.Context(), srv, loaddriver.BroadcastConfig{
		Recipients: 300, FirstUser: 9_000_000,
		Queue: func(ctx context.Context, e []map[string]string) error { return st.QueueBulk(ctx, "cast", e) },
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
	if rep.MaxWindow > 50 || rep.Sent.Sent != 300 {
		t.Errorf("busiest second %d (server limit 50), %d accepted", rep.MaxWindow, rep.Sent.Sent)
	}
}
