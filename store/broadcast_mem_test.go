package store_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// Building and feeding a 100,000-recipient job holds one batch at a time: the Go heap stays flat
// however big the audience. Opt-in (ALUMNIBOT_BIG=1): it fills the indexes straight with SADD.
func TestBroadcastMemory100k(t *testing.T) {
	if os.Getenv("ALUMNIBOT_BIG") == "" {
		t.Skip("set ALUMNIBOT_BIG=1 to run")
	}
	ctx := context.Background()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	s := store.New(rdb, "")
	const n = 100000
	pipe := rdb.Pipeline()
	for u := 1; u <= n; u++ {
		tag := "ab:aud:{a" + strconv.Itoa(u%store.AudShards) + "}:"
		pipe.SAdd(ctx, tag+"p:11", u)
		pipe.HIncrBy(ctx, tag+"n", "p:11", 1)
		if u%5000 == 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	var idx int64
	for sh := range store.AudShards {
		tag := "ab:aud:{a" + strconv.Itoa(sh) + "}:"
		for _, k := range []string{tag + "p:11", tag + "n"} {
			b, err := rdb.MemoryUsage(ctx, k).Result()
			if err != nil {
				t.Fatal(err)
			}
			idx += b
		}
	}
	t.Logf("audience index: %d B per alumnus (MEMORY USAGE, %d alumni in one province)", idx/n, n)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	start := time.Now()
	if _, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "bbig", Audience: flows.Audience{Kind: flows.AudAll}}, now); err != nil {
		t.Fatal(err)
	}
	if done, err := s.BuildBroadcast(ctx, "bbig", now); !done || err != nil {
		t.Fatalf("build = %v %v", done, err)
	}
	built := time.Since(start)
	fed := 0
	for fed < n && time.Since(start) < time.Minute {
		k, err := s.Feed(ctx, "bbig", 2000, 2000, now)
		if err != nil {
			t.Fatal(err)
		}
		fed += k
		if err := rdb.Del(ctx, s.BroadcastQueue("bbig")).Err(); err != nil { // as if sent
			t.Fatal(err)
		}
	}
	close(stop)
	job, _ := s.Broadcast(ctx, "bbig")
	t.Logf("100,000 recipients: built in %v, fed in %v; Go heap in use %d KiB before, peak %d KiB; total %d",
		built, time.Since(start)-built, base.HeapInuse>>10, peak.Load()>>10, job.Total)
	if job.Total != n || fed != n {
		t.Fatalf("total %d fed %d", job.Total, fed)
	}
}
