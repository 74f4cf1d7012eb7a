package store_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/alumnibot/alumnibot/flows"
)

// BenchmarkAnswerSurvey measures survey answers through the store: b.N answers from 64 goroutines to
// one survey, each under its own operation id, a third of them changing an earlier answer.
//
//	go test -run '^$' -bench AnswerSurvey -benchtime 20000x ./store/
func BenchmarkAnswerSurvey(b *testing.B) {
	ctx := context.Background()
	s := pooledStore(b)
	if err := s.SaveSurvey(ctx, "bench", jobSurvey); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	b.SetParallelism(32) // 64 goroutines on 2 cores, like the bot's workers
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			alumnus := n - n/3 // every third answer is a change of the one before
			ctx := flows.WithOps(ctx, alumnus, n)
			if _, err := s.AnswerSurvey(ctx, "bench", alumnus, int(n%3), "15", "15.71"); err != nil {
				b.Error(err)
			}
		}
	})
	b.StopTimer()
	tl, err := s.SurveyTally(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	if sum := tl.Options[0] + tl.Options[1] + tl.Options[2]; sum != tl.Answers {
		b.Fatalf("counts sum to %d for %d answers", sum, tl.Answers)
	}
}
