package attach

import (
	"context"
	"strconv"
	"testing"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// BenchmarkAlumniCSV renders the alumni list of 20,000 profiles (SCAN in batches of 500) and reports the
// file's size per alumnus.
func BenchmarkAlumniCSV(b *testing.B) {
	atlas, err := area.Load()
	if err != nil {
		b.Fatal(err)
	}
	rdb := redistest.Start(b).Client(b)
	st := store.New(rdb, "")
	ctx := context.Background()
	const n = 20000
	pipe := rdb.Pipeline()
	for i := range n {
		pipe.HSet(ctx, "ab:{u:"+strconv.Itoa(1_000_000+i)+"}:profile", "n", "Alumni Nomor "+strconv.Itoa(i), "p", "15",
			"r", "15.71", "w", i%40+1, "l", "id", "c", 1726714800, "t", 1726714800)
		if i%1000 == 999 {
			if _, err := pipe.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	r := &Renderer{Meetups: st, Atlas: atlas}
	b.ResetTimer()
	var size int
	for range b.N {
		f, err := r.Render(ctx, flows.Attachment{Kind: flows.FileAlumniCSV}, "id")
		if err != nil {
			b.Fatal(err)
		}
		size = len(f.Data)
	}
	b.ReportMetric(float64(size)/n, "bytes/alumnus")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/alumnus")
}
