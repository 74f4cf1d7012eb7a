package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// memoryAlumniEnv sets how many alumni TestMemoryPerAlumnus onboards (default memoryAlumniCI):
//
//	ALUMNIBOT_MEMORY_ALUMNI=10000 go test -run TestMemoryPerAlumnus -v ./store/
const memoryAlumniEnv = "ALUMNIBOT_MEMORY_ALUMNI"

const (
	memoryAlumniCI   = 500
	memoryAlumniFull = 5000 // from here used_memory is held to the goal too
	memoryMeetup     = 100  // alumni per meetup: a regional Temu Alumni
	memoryGoal       = 300  // bytes per settled alumnus: 18.9 M alumni in 6 GB
)

// TestMemoryPerAlumnus onboards alumni and RSVPs each once through the store, as the engine does
// (Load, Commit, and Delivered once the replies went out, per update; Reserve), and reports the Redis
// bytes per alumnus right after and once their conversation state expired: used_memory's growth, and
// MEMORY USAGE summed per kind of key. A settled alumnus (profile and one RSVP) must cost at most
// memoryGoal bytes. Measured with 10,000 alumni (Redis 7.0): 864 B right after (conversation 424,
// flood counter 88, profile 168, RSVP 53), 257 B settled (MEMORY USAGE 225: profile 168, RSVP 53).
func TestMemoryPerAlumnus(t *testing.T) {
	n := memoryAlumniCI
	if v := os.Getenv(memoryAlumniEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < memoryMeetup {
			t.Fatalf("%s=%q: want a number of at least %d", memoryAlumniEnv, v, memoryMeetup)
		}
	}
	rs := redistest.Start(t)
	if !rs.Real {
		t.Skip("MEMORY USAGE needs a real Redis")
	}
	ctx := context.Background()
	rdb := rs.Client(t)
	s := store.New(rdb, "")
	meetups := (n + memoryMeetup - 1) / memoryMeetup
	for i := range meetups {
		m := flows.Meetup{
			ID: fmt.Sprintf("temu-alumni-%03d", i), Title: "Temu Alumni", Province: "15", Regency: "15.71",
			Venue: flows.Venue{Name: "Swiss-Belhotel Jambi"}, Start: now.Add(30 * 24 * time.Hour),
			End: now.Add(30*24*time.Hour + 6*time.Hour), Capacity: memoryMeetup, Status: flows.MeetupPublished,
		}
		if err := s.SaveMeetup(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	before := usedMemory(t, rdb)

	// Onboarding: /start, name, province, regency, wave, consent (the profile is written), then /acara,
	// the meetup, "Saya hadir" (Reserve), as eight updates with conversation states and results of
	// their real shape.
	result, err := json.Marshal(flows.Result{Lang: locales.ID, Replies: []flows.Reply{
		{Text: locales.Msg("onboard.ask_province"), Buttons: [][]flows.Button{{{Text: locales.Msg("x"), Data: "ob:3:p:15"}, {Text: locales.Msg("x"), Data: "ob:3:p:75"}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	update := int64(700_000_000)
	onboard := func(from, to int) {
		for i := from; i < to; i++ {
			user := int64(5_000_000_000 + i)
			meetup := fmt.Sprintf("temu-alumni-%03d", i/memoryMeetup)
			for step := range 8 {
				update++
				l, err := s.Load(ctx, user, update, now)
				if err != nil {
					t.Fatal(err)
				}
				next := l.Session
				next.Conv = flows.Conv{Flow: "ob", Step: "wave", Nonce: step, State: []byte(`{"name":"Vita Yuliana","province":"15"}`)}
				if step == 5 {
					next.Profile = &flows.Profile{Name: "Vita Yuliana", Province: "15", Regency: "15.71", Wave: 27, Lang: locales.ID,
						ConsentAt: now, CreatedAt: now, Active: true}
				}
				if step >= 5 {
					next.Conv = flows.Conv{Nonce: step, LastTap: "mt:" + strconv.Itoa(step) + ":rsvp:" + meetup, LastTapAt: now.Unix()}
				}
				if step == 7 {
					if _, err := s.Reserve(ctx, meetup, user, now); err != nil {
						t.Fatal(err)
					}
				}
				c := flows.Commit{User: user, Update: update, Version: l.Version, Prev: l.Session, Next: next, Result: result, Now: now}
				if err := s.Commit(ctx, c); err != nil {
					t.Fatal(err)
				}
				if err := s.Delivered(ctx, flows.Delivery{User: user, Update: update}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// settle stands for a week without input: the conversations and flood counters expire.
	settle := func() {
		for _, pattern := range []string{"ab:{u:*}:conv", "ab:{u:*}:flood:*"} {
			var cursor uint64
			for {
				keys, next, err := rdb.Scan(ctx, cursor, pattern, 1000).Result()
				if err != nil {
					t.Fatal(err)
				}
				if len(keys) > 0 {
					if err := rdb.Del(ctx, keys...).Err(); err != nil {
						t.Fatal(err)
					}
				}
				if cursor = next; cursor == 0 {
					break
				}
			}
		}
	}
	// used_memory also holds what does not grow with the data (client buffers, whose accounting lags,
	// script caches): the figures per alumnus are taken over the second half, against the first.
	half := n / 2
	onboard(0, half)
	settle()
	kinds1 := memoryByKind(t, rdb) // the same calls before each reading, for the same client buffers
	settled1 := usedMemory(t, rdb)
	onboard(half, n)
	right := memoryByKind(t, rdb)
	right2 := usedMemory(t, rdb)
	settle()
	kinds := memoryByKind(t, rdb)
	settled2 := usedMemory(t, rdb)

	t.Logf("%d alumni, %d meetups of %d; Redis %s", n, meetups, memoryMeetup, redisVersion(t, rdb))
	t.Logf("right after: used_memory +%d B per alumnus; MEMORY USAGE per alumnus: %s",
		(right2-settled1)/int64(n-half), right.minus(kinds1).per(n-half))
	perSettled := (settled2 - settled1) / int64(n-half)
	t.Logf("settled: used_memory +%d B per alumnus (all %d: +%d B); MEMORY USAGE per alumnus: %s",
		perSettled, n, (settled2-before)/int64(n), kinds.per(n))
	// MEMORY USAGE is exact; used_memory moves with client buffers too, so it is held to the goal only
	// over many alumni.
	if usage := kinds.total() / int64(n); usage > memoryGoal {
		t.Errorf("the keys of a settled alumnus take %d B (MEMORY USAGE), want at most %d", usage, memoryGoal)
	}
	if n >= memoryAlumniFull && perSettled > memoryGoal {
		t.Errorf("a settled alumnus costs %d B (used_memory), want at most %d", perSettled, memoryGoal)
	}
}

func usedMemory(t *testing.T, rdb redis.UniversalClient) int64 {
	t.Helper()
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no used_memory in INFO memory")
	return 0
}

func redisVersion(t *testing.T, rdb redis.UniversalClient) string {
	t.Helper()
	info, err := rdb.Info(context.Background(), "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			return v
		}
	}
	return "?"
}

// memoryKinds sums MEMORY USAGE by kind of key: "profile", "conv", "meetup:going", ...
type memoryKinds map[string]int64

func (m memoryKinds) minus(o memoryKinds) memoryKinds {
	d := memoryKinds{}
	for k, v := range m {
		d[k] = v - o[k]
	}
	return d
}

func (m memoryKinds) total() int64 {
	var total int64
	for _, v := range m {
		total += v
	}
	return total
}

func (m memoryKinds) per(n int) string {
	var names []string
	total := m.total()
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := []string{fmt.Sprintf("total %d B", total/int64(n))}
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s %.1f", k, float64(m[k])/float64(n)))
	}
	return strings.Join(parts, ", ")
}

// memoryByKind sums MEMORY USAGE over every key, by kind.
func memoryByKind(t *testing.T, rdb redis.UniversalClient) memoryKinds {
	t.Helper()
	ctx := context.Background()
	kinds := memoryKinds{}
	var cursor uint64
	for {
		keys, next, err := rdb.Scan(ctx, cursor, "*", 1000).Result()
		if err != nil {
			t.Fatal(err)
		}
		pipe := rdb.Pipeline()
		cmds := make([]*redis.IntCmd, len(keys))
		for i, k := range keys {
			cmds[i] = pipe.MemoryUsage(ctx, k, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			kinds[keyKind(k)] += cmds[i].Val()
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	return kinds
}

// keyKind names a key by its kind: "ab:{u:7}:conv" is "conv", "ab:{mt:x}:going" is "meetup:going".
func keyKind(k string) string {
	rest := k[strings.LastIndex(k, "}")+1:]
	rest = strings.TrimPrefix(rest, ":")
	if i := strings.Index(rest, ":"); i >= 0 {
		rest = rest[:i]
	}
	if strings.Contains(k, "{mt:") {
		return "meetup:" + rest
	}
	return rest
}
