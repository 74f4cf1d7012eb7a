package store_test

import (
	"context"
	"encoding/json"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// benchAlumni are the users the store benchmarks spread their operations over.
const benchAlumni = 1024

// BenchmarkLoadCommit is one engine step's Redis work, one after another: Load (one pipelined round
// trip: conversation with its de-duplication records, profile, flood counter) and Commit (one script) of an onboarded alumnus
// whose profile stays as it is — what "halo" outside a conversation costs in Redis.
func BenchmarkLoadCommit(b *testing.B) {
	s, result := newBenchStore(b)
	ctx := context.Background()
	var update int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		update++ // the seeding used update 0
		benchStep(b, ctx, s, int64(1+i%benchAlumni), update, result)
	}
}

// BenchmarkLoadCommitParallel is BenchmarkLoadCommit from 64 goroutines at once, as the bot's 64
// workers do; each goroutine keeps to its own alumni, so no commit conflicts with another's.
func BenchmarkLoadCommitParallel(b *testing.B) {
	const workers = 64
	s, result := newBenchStore(b)
	ctx := context.Background()
	var update, worker atomic.Int64
	b.SetParallelism(max(1, workers/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := worker.Add(1) - 1
		user := w % benchAlumni
		for pb.Next() {
			benchStep(b, ctx, s, 1+user, update.Add(1), result)
			if user += workers; user >= benchAlumni {
				user = w % benchAlumni
			}
		}
	})
}

func benchStep(b *testing.B, ctx context.Context, s *store.Store, user, update int64, result []byte) {
	l, err := s.Load(ctx, user, update, benchNow)
	if err != nil {
		b.Fatal(err)
	}
	err = s.Commit(ctx, flows.Commit{
		User: user, Update: update, Version: l.Version, Prev: l.Session, Next: l.Session, Result: result, Now: benchNow,
	})
	if err != nil {
		b.Fatal(err)
	}
}

var benchNow = time.Date(2024, 9, 19, 9, 0, 0, 0, time.UTC)

// pooledStore is a store on a fresh Redis through a pool of 64 connections, as the benchmarks'
// goroutines need.
func pooledStore(b *testing.B) *store.Store {
	b.Helper()
	rdb, err := store.Open(redistest.Start(b).URL, 64)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rdb.Close() })
	return store.New(rdb, "")
}

// newBenchStore is a store on a fresh Redis with benchAlumni onboarded alumni (ids 1 to benchAlumni),
// and the recorded result of a one-line reply.
func newBenchStore(b *testing.B) (*store.Store, []byte) {
	b.Helper()
	s := pooledStore(b)
	result, err := json.Marshal(flows.Result{Lang: locales.ID, Replies: []flows.Reply{{Text: locales.Msg("unknown.text")}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for user := int64(1); user <= benchAlumni; user++ {
		p := &flows.Profile{Name: "Vita", Province: "15", Regency: "15.71", Wave: 27, Lang: locales.ID,
			ConsentAt: benchNow, CreatedAt: benchNow, Active: true}
		if err := s.Commit(ctx, flows.Commit{User: user, Next: flows.Session{Profile: p}, Now: benchNow}); err != nil {
			b.Fatal(err)
		}
	}
	return s, result
}
