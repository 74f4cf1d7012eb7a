package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// BenchmarkReserve measures RSVPs through the store: b.N alumni, from 64 goroutines, to one meetup
// whose seats hold half of them (the rest go to the waitlist).
//
//	go test -run '^$' -bench Reserve -benchtime 20000x -count 6 ./store/
func BenchmarkReserve(b *testing.B) {
	ctx := context.Background()
	s := pooledStore(b)
	start := time.Now().Add(30 * 24 * time.Hour)
	m := flows.Meetup{ID: "bench", Title: "Temu Alumni Jambi", Province: "15", Regency: "15.71",
		Start: start, End: start.Add(6 * time.Hour), Capacity: max(1, b.N/2), Status: flows.MeetupPublished}
	if err := s.SaveMeetup(ctx, m); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	now := time.Now()
	b.SetParallelism(32) // 64 goroutines on 2 cores, like the bot's workers
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Reserve(ctx, "bench", next.Add(1), now); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rsvps/s")
}
