package store_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// alumnus is a profile of wave w in province p (regency p.71).
func alumnus(p string, w int) *flows.Profile {
	return &flows.Profile{Name: "A", Province: p, Regency: p + ".71", Wave: w, Lang: "id",
		ConsentAt: now, CreatedAt: now, Active: true}
}

// onboard commits a profile as the bot does, which keeps the audience indexes.
func onboard(t testing.TB, s *store.Store, user int64, prev, next *flows.Profile, version int64) {
	t.Helper()
	err := s.Commit(context.Background(), flows.Commit{User: user, Update: version + 1, Version: version,
		Prev: flows.Session{Profile: prev}, Next: flows.Session{Profile: next}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
}

func size(t *testing.T, s *store.Store, a flows.Audience) int64 {
	t.Helper()
	n, err := s.AudienceSize(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAudienceIndexesFollowProfiles(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	all := flows.Audience{Kind: flows.AudAll}
	jatim := flows.Audience{Kind: flows.AudProvince, Province: "35"}
	bali := flows.Audience{Kind: flows.AudProvince, Province: "51"}
	waves := flows.Audience{Kind: flows.AudWaves, WaveFrom: 20, WaveTo: 30}
	wavesBali := flows.Audience{Kind: flows.AudWaves, WaveFrom: 20, WaveTo: 30, Province: "51"}

	p := alumnus("35", 25)
	onboard(t, s, 101, nil, p, 0)
	onboard(t, s, 102, nil, alumnus("51", 40), 0)
	if got := []int64{size(t, s, all), size(t, s, jatim), size(t, s, bali), size(t, s, waves), size(t, s, wavesBali)}; fmt.Sprint(got) != "[2 1 1 1 0]" {
		t.Fatalf("sizes all, 35, 51, waves, waves in 51 = %v, want [2 1 1 1 0]", got)
	}
	// 101 moves to Bali: out of Jawa Timur's sets, into Bali's.
	moved := alumnus("51", 25)
	onboard(t, s, 101, p, moved, 1)
	if got := []int64{size(t, s, jatim), size(t, s, bali), size(t, s, wavesBali), size(t, s, flows.Audience{Kind: flows.AudRegency, Regency: "51.71"})}; fmt.Sprint(got) != "[0 2 1 2]" {
		t.Fatalf("after the move: 35, 51, waves in 51, regency 51.71 = %v, want [0 2 1 2]", got)
	}
	// Blocked: out of every audience; talking again brings them back.
	if err := s.MarkInactive(ctx, 101); err != nil {
		t.Fatal(err)
	}
	if got := size(t, s, all); got != 1 {
		t.Fatalf("after 101 blocked the bot: all = %d, want 1", got)
	}
	inactive := *moved
	inactive.Active = false
	onboard(t, s, 101, &inactive, moved, 2)
	if got := size(t, s, bali); got != 2 {
		t.Fatalf("after 101 came back: Bali = %d, want 2", got)
	}
	// A deleted profile leaves every index.
	onboard(t, s, 102, alumnus("51", 40), nil, 1)
	if got := size(t, s, all); got != 1 {
		t.Fatalf("after 102's profile was deleted: all = %d, want 1", got)
	}
}

func TestReindexRebuildsFromProfiles(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	s := store.New(rdb, "")
	for u := int64(1); u <= 300; u++ {
		onboard(t, s, u, nil, alumnus(strconv.Itoa(11+int(u%3)), int(u%10)+1), 0)
	}
	// A crash between commits and their index writes: an index lost, another one stale.
	if err := rdb.Del(ctx, "ab:aud:{a5}:n", "ab:aud:{a6}:p:12").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.SAdd(ctx, "ab:aud:{a7}:p:99", 7, 999).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.HSet(ctx, "ab:aud:{a7}:n", "p:99", 2).Err(); err != nil {
		t.Fatal(err)
	}
	n, err := s.Reindex(ctx)
	if err != nil || n != 300 {
		t.Fatalf("Reindex = %d, %v; want 300", n, err)
	}
	if got := size(t, s, flows.Audience{Kind: flows.AudAll}); got != 300 {
		t.Errorf("all after reindex = %d, want 300", got)
	}
	if got := size(t, s, flows.Audience{Kind: flows.AudProvince, Province: "99"}); got != 0 {
		t.Errorf("stale province after reindex = %d, want 0", got)
	}
	if got := size(t, s, flows.Audience{Kind: flows.AudProvince, Province: "12"}); got != 100 {
		t.Errorf("province 12 after reindex = %d, want 100", got)
	}
	// A deployment's first start builds the index once; later starts leave it.
	if n, ran, err := s.MigrateAudiences(ctx); n != 300 || !ran || err != nil {
		t.Errorf("first migration = %d %v %v", n, ran, err)
	}
	if _, ran, err := s.MigrateAudiences(ctx); ran || err != nil {
		t.Errorf("second migration ran = %v, %v", ran, err)
	}
}

// Onboarding goes on while the index is rebuilt (a deployment's first start): an alumnus who moves
// to another province between the rebuild's read of their profile and its index write is counted
// once, where they are now.
func TestReindexWhileAProfileChanges(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for u := int64(1); u <= 10; u++ {
		onboard(t, s, u, nil, alumnus("11", 5), 0)
	}
	moved := false
	undo := store.SetReindexRead(func() {
		if !moved { // the commit of alumnus 3's move, with its own index write
			moved = true
			onboard(t, s, 3, alumnus("11", 5), alumnus("12", 5), 1)
		}
	})
	defer undo()
	if n, err := s.Reindex(ctx); err != nil || n != 10 {
		t.Fatalf("Reindex = %d, %v; want 10", n, err)
	}
	if !moved {
		t.Fatal("the move never happened: the test did not exercise the race")
	}
	for _, c := range []struct {
		a    flows.Audience
		want int64
	}{
		{flows.Audience{Kind: flows.AudAll}, 10},
		{flows.Audience{Kind: flows.AudProvince, Province: "11"}, 9},
		{flows.Audience{Kind: flows.AudProvince, Province: "12"}, 1},
		{flows.Audience{Kind: flows.AudRegency, Regency: "11.71"}, 9},
	} {
		if got := size(t, s, c.a); got != c.want {
			t.Errorf("%+v after the rebuild = %d, want %d", c.a, got, c.want)
		}
	}
}

// seed onboards n alumni, ids 1..n, over provinces 11..14 and waves 1..50.
func seed(t testing.TB, s *store.Store, n int) {
	for u := 1; u <= n; u++ {
		onboard(t, s, int64(u), nil, alumnus(strconv.Itoa(11+u%4), 1+u%50), 0)
	}
}

// drain plays the bulk lane: it reads the job's stream as consumer c, counts each recipient, reports
// each entry's outcome and acknowledges it. crash: leave the last batch read unacknowledged and
// without outcome, as a consumer that died holding it.
func drain(t testing.TB, s *store.Store, id, consumer string, got map[string]int, crash bool) int {
	t.Helper()
	ctx := context.Background()
	msgs, err := s.ReadQueue(ctx, store.BulkLane, s.BroadcastQueue(id), consumer, 200)
	if err != nil {
		t.Fatal(err)
	}
	if crash {
		return len(msgs)
	}
	settle(t, s, id, msgs, got)
	return len(msgs)
}

func settle(t testing.TB, s *store.Store, id string, msgs []flows.Outbound, got map[string]int) {
	ctx := context.Background()
	for _, m := range msgs {
		if m.Fields["k"] != "bc" || m.Fields["bc"] != id {
			t.Fatalf("entry %v: want k=bc bc=%s", m.Fields, id)
		}
		got[m.Fields["to"]]++
		if err := s.BroadcastDone(ctx, id, m, "sent", now); err != nil {
			t.Fatal(err)
		}
		if err := s.AckQueue(ctx, store.BulkLane, m); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBroadcastJobTenThousand(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	s := store.New(rdb, "")
	seed(t, s, 10000)
	aud := flows.Audience{Kind: flows.AudWaves, WaveFrom: 1, WaveTo: 50}
	want := size(t, s, aud)
	if want != 10000 {
		t.Fatalf("audience = %d, want 10000", want)
	}
	b, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "bten", Organizer: 9, Audience: aud}, now)
	if err != nil || b.State != flows.BcBuilding {
		t.Fatalf("create = %+v, %v", b, err)
	}
	// The same confirmation again changes nothing.
	if again, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "bten", Organizer: 10, Audience: aud}, now.Add(time.Hour)); err != nil || again.Organizer != 9 {
		t.Fatalf("second create = %+v, %v", again, err)
	}
	// A builder dies after 7 batches; alumni come and go meanwhile; another builder goes on.
	if done, err := s.BuildSteps(ctx, "bten", now, 7); done || err != nil {
		t.Fatalf("partial build = %v, %v", done, err)
	}
	seed(t, s, 0)
	onboard(t, s, 20001, nil, alumnus("11", 3), 0)
	if done, err := s.BuildBroadcast(ctx, "bten", now); !done || err != nil {
		t.Fatalf("build = %v, %v", done, err)
	}
	job, _ := s.Broadcast(ctx, "bten")
	if job.State != flows.BcSending || job.Total < 10000 || job.Total > 10001 {
		t.Fatalf("after the build: state %s total %d", job.State, job.Total)
	}
	// Chunks are bounded.
	keys, _ := rdb.Keys(ctx, "ab:{bc:bten}:r:*").Result()
	for _, k := range keys {
		if n, _ := rdb.LLen(ctx, k).Result(); n > store.ChunkSize {
			t.Fatalf("chunk %s holds %d", k, n)
		}
	}
	// Sending, with a consumer crash and a feeder that keeps the stream short.
	const maxWaiting = 300
	got := map[string]int{}
	crashed := false
	for round := 0; round < 1000; round++ {
		if _, err := s.Feed(ctx, "bten", maxWaiting, 500, now); err != nil {
			t.Fatal(err)
		}
		if n, _ := rdb.XLen(ctx, s.BroadcastQueue("bten")).Result(); n > maxWaiting {
			t.Fatalf("stream holds %d, more than %d", n, maxWaiting)
		}
		if !crashed && round == 10 {
			drain(t, s, "bten", "dead", got, true)
			crashed = true
			// Another consumer takes the dead one's entries over; one of them it had reported already.
			claimed, err := s.ClaimQueue(ctx, store.BulkLane, s.BroadcastQueue("bten"), "alive", 0, 500)
			if err != nil || len(claimed) == 0 {
				t.Fatalf("claim = %d, %v", len(claimed), err)
			}
			if err := s.BroadcastDone(ctx, "bten", claimed[0], "sent", now); err != nil {
				t.Fatal(err)
			}
			settle(t, s, "bten", claimed, got)
			continue
		}
		if drain(t, s, "bten", "alive", got, false) == 0 {
			if job, _ := s.Broadcast(ctx, "bten"); job.State == flows.BcDone {
				break
			}
		}
	}
	job, _ = s.Broadcast(ctx, "bten")
	if job.State != flows.BcDone || job.Sent != job.Total || int64(len(got)) != job.Total {
		t.Fatalf("end: state %s sent %d total %d distinct %d", job.State, job.Sent, job.Total, len(got))
	}
	for u := 1; u <= 10000; u++ {
		if got[strconv.Itoa(u)] != 1 {
			t.Fatalf("alumnus %d got %d copies", u, got[strconv.Itoa(u)])
		}
	}
	if n, _ := rdb.Exists(ctx, "ab:{bc:bten}:r:0", "ab:aud:{a0}:bc:bten").Result(); n != 0 {
		t.Errorf("%d chunks or snapshots left after sending", n)
	}
}

func TestBroadcastStopSkipsTheRest(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seed(t, s, 500)
	if _, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "bstop", Audience: flows.Audience{Kind: flows.AudProvince, Province: "12"}}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BuildBroadcast(ctx, "bstop", now); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Feed(ctx, "bstop", 50, 100, now); n != 50 || err != nil {
		t.Fatalf("feed = %d, %v; want 50", n, err)
	}
	job, err := s.StopBroadcast(ctx, "bstop", now)
	if err != nil || job.State != flows.BcStopped || job.Total != 125 {
		t.Fatalf("stop = %+v, %v", job, err)
	}
	if n, _ := s.Feed(ctx, "bstop", 50, 100, now); n != 0 {
		t.Fatalf("feed after stop = %d", n)
	}
	msgs, _ := s.ReadQueue(ctx, store.BulkLane, s.BroadcastQueue("bstop"), "c", 100)
	for _, m := range msgs {
		if err := s.BroadcastDone(ctx, "bstop", m, "skipped", now); err != nil {
			t.Fatal(err)
		}
	}
	job, _ = s.Broadcast(ctx, "bstop")
	if job.State != flows.BcStopped || job.Skipped != 50 || job.Sent != 0 {
		t.Fatalf("after stop: %+v", job)
	}
	if ok, _ := s.ClaimSummary(ctx, "bstop"); !ok {
		t.Fatal("first summary claim refused")
	}
	if ok, _ := s.ClaimSummary(ctx, "bstop"); ok {
		t.Fatal("second summary claim granted")
	}
}

func TestScheduledBroadcastStartsWhenDue(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seed(t, s, 20)
	at := now.Add(2 * time.Hour)
	b, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "blater", SendAt: at, Audience: flows.Audience{Kind: flows.AudAll}}, now)
	if err != nil || b.State != flows.BcScheduled {
		t.Fatalf("create = %+v, %v", b, err)
	}
	if n, _ := s.StartDueBroadcasts(ctx, now.Add(time.Hour)); n != 0 {
		t.Fatalf("started %d an hour early", n)
	}
	if n, _ := s.StartDueBroadcasts(ctx, at); n != 1 {
		t.Fatalf("started %d when due, want 1", n)
	}
	if ids, _ := s.ActiveBroadcasts(ctx); fmt.Sprint(ids) != "[blater]" {
		t.Fatalf("active = %v", ids)
	}
	if done, err := s.BuildBroadcast(ctx, "blater", at); !done || err != nil {
		t.Fatalf("build = %v %v", done, err)
	}
	if job, _ := s.Broadcast(ctx, "blater"); job.Total != 20 || job.State != flows.BcSending {
		t.Fatalf("job = %+v", job)
	}
	if rs, _ := s.RecentBroadcasts(ctx, 5); len(rs) != 1 || rs[0].ID != "blater" {
		t.Fatalf("recent = %+v", rs)
	}
}

// Three replicas build, feed and send one job at once: every recipient once, figures exact.
func TestBroadcastThreeReplicas(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	s := store.New(srv.Client(t), "")
	seed(t, s, 3000)
	if _, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "bthree", Audience: flows.Audience{Kind: flows.AudAll}}, now); err != nil {
		t.Fatal(err)
	}
	type result struct {
		got map[string]int
		err error
	}
	results := make(chan result, 3)
	for r := range 3 {
		go func() {
			rs := store.New(srv.Client(t), "") // a replica of its own
			got := map[string]int{}
			consumer := "replica" + strconv.Itoa(r)
			for range 2000 {
				if _, err := rs.BuildBroadcast(ctx, "bthree", now); err != nil {
					results <- result{err: err}
					return
				}
				if _, err := rs.Feed(ctx, "bthree", 100, 100, now); err != nil {
					results <- result{err: err}
					return
				}
				msgs, err := rs.ReadQueue(ctx, store.BulkLane, rs.BroadcastQueue("bthree"), consumer, 30)
				if err != nil {
					results <- result{err: err}
					return
				}
				for _, m := range msgs {
					got[m.Fields["to"]]++
					if err := rs.BroadcastDone(ctx, "bthree", m, "sent", now); err != nil {
						results <- result{err: err}
						return
					}
					if err := rs.AckQueue(ctx, store.BulkLane, m); err != nil {
						results <- result{err: err}
						return
					}
				}
				if job, err := rs.Broadcast(ctx, "bthree"); err == nil && job.State == flows.BcDone {
					break
				}
			}
			results <- result{got: got}
		}()
	}
	all := map[string]int{}
	for range 3 {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		for k, v := range r.got {
			all[k] += v
		}
	}
	job, _ := s.Broadcast(ctx, "bthree")
	if job.State != flows.BcDone || job.Total != 3000 || job.Sent != 3000 || len(all) != 3000 {
		t.Fatalf("state %s total %d sent %d distinct %d", job.State, job.Total, job.Sent, len(all))
	}
	for k, v := range all {
		if v != 1 {
			t.Fatalf("recipient %s got %d copies", k, v)
		}
	}
}

// Each kind of indexed audience gets exactly its alumni, and its count says so beforehand.
func TestBroadcastRecipientsMatchAudience(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	const n = 400
	seed(t, s, n) // alumnus u: province 11+u%4, regency <province>.71, wave 1+u%50
	for i, c := range []struct {
		a    flows.Audience
		want func(u int) bool
	}{
		{flows.Audience{Kind: flows.AudAll}, func(int) bool { return true }},
		{flows.Audience{Kind: flows.AudProvince, Province: "14"}, func(u int) bool { return 11+u%4 == 14 }},
		{flows.Audience{Kind: flows.AudRegency, Province: "13", Regency: "13.71"}, func(u int) bool { return 11+u%4 == 13 }},
		{flows.Audience{Kind: flows.AudWaves, WaveFrom: 20, WaveTo: 30}, func(u int) bool { return 1+u%50 >= 20 && 1+u%50 <= 30 }},
		{flows.Audience{Kind: flows.AudWaves, WaveFrom: 20, WaveTo: 30, Province: "12"},
			func(u int) bool { return 1+u%50 >= 20 && 1+u%50 <= 30 && 11+u%4 == 12 }},
	} {
		want := 0
		for u := 1; u <= n; u++ {
			if c.want(u) {
				want++
			}
		}
		if got := size(t, s, c.a); got != int64(want) {
			t.Errorf("%+v: AudienceSize = %d, want %d", c.a, got, want)
		}
		id := "baud" + strconv.Itoa(i)
		if _, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: id, Audience: c.a}, now); err != nil {
			t.Fatal(err)
		}
		if done, err := s.BuildBroadcast(ctx, id, now); !done || err != nil {
			t.Fatalf("build %+v = %v %v", c.a, done, err)
		}
		if _, err := s.Feed(ctx, id, n, n, now); err != nil {
			t.Fatal(err)
		}
		msgs, err := s.ReadQueue(ctx, store.BulkLane, s.BroadcastQueue(id), "c", n+1)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int]bool{}
		for _, m := range msgs {
			u, _ := strconv.Atoi(m.Fields["to"])
			if got[u] || !c.want(u) {
				t.Fatalf("%+v: %d listed twice or not of the audience", c.a, u)
			}
			got[u] = true
		}
		if len(got) != want {
			t.Errorf("%+v: %d recipients, want %d", c.a, len(got), want)
		}
	}
}
