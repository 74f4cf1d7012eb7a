package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// BenchmarkAskFeedback10k measures one pass of the ask job over a meetup with 10,000 alumni checked
// in: claiming each and queueing their questions, askChunk at a time (reported per alumnus).
func BenchmarkAskFeedback10k(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	srv := redistest.Start(b)
	rdb := srv.Client(b)
	s := store.New(rdb, "")
	end := now.Add(24 * time.Hour)
	feedbackMeetup(b, s, "big", end, n, n)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := rdb.Del(ctx, "ab:{mt:big}:fb:asked", "ab:{mt:big}:fb:q").Err(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		asked, err := s.AskFeedback(ctx, end.Add(time.Hour))
		if err != nil || asked != n {
			b.Fatalf("asked %d (%v)", asked, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/alumnus")
}
