package redistest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestStartStopRestart(t *testing.T) {
	s := Start(t)
	t.Logf("URL=%s Real=%v", s.URL, s.Real)
	if _, err := redis.ParseURL(s.URL); err != nil {
		t.Fatalf("ParseURL(%q): %v", s.URL, err)
	}
	c := s.Client(t)
	ctx := ctx(t)

	if n, err := c.DBSize(ctx).Result(); err != nil || n != 0 {
		t.Fatalf("DBSIZE of a fresh server = %d, %v; want 0, nil", n, err)
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	if got, err := c.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("GET = %q, %v; want %q, nil", got, err, "v")
	}

	s.Stop(t)
	// A short deadline: the client would otherwise retry for a second or two.
	down, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := c.Get(down, "k").Err(); err == nil {
		t.Fatal("GET after Stop succeeded; want an error")
	}
	s.Stop(t) // stopping twice is harmless

	s.Restart(t)
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after Restart through the old client: %v", err)
	}
	if err := s.Client(t).Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after Restart through a new client: %v", err)
	}
	if err := c.Set(ctx, "k2", "v2", 0).Err(); err != nil {
		t.Fatalf("SET after Restart: %v", err)
	}

	s.Restart(t) // restarting a running server works too
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after second Restart: %v", err)
	}
}

func TestServersAreIsolated(t *testing.T) {
	if os.Getenv(EnvURL) != "" {
		t.Skipf("%s is set: every test shares one server", EnvURL)
	}
	t.Parallel()
	ctx := ctx(t)
	a, b := Start(t), Start(t)
	if a.URL == b.URL {
		t.Fatalf("two servers share the URL %s", a.URL)
	}
	if err := a.Client(t).Set(ctx, "k", "a", 0).Err(); err != nil {
		t.Fatalf("SET on a: %v", err)
	}
	if err := b.Client(t).Get(ctx, "k").Err(); err != redis.Nil {
		t.Fatalf("GET on b = %v; want redis.Nil", err)
	}
}

func TestParallelStarts(t *testing.T) {
	if os.Getenv(EnvURL) != "" {
		t.Skipf("%s is set: tests must not run in parallel", EnvURL)
	}
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			ctx := ctx(t)
			c := Start(t).Client(t)
			if err := c.Incr(ctx, "n").Err(); err != nil {
				t.Fatalf("INCR: %v", err)
			}
			if n, err := c.Get(ctx, "n").Int(); err != nil || n != 1 {
				t.Fatalf("n = %d, %v; want 1, nil (servers not fresh?)", n, err)
			}
		})
	}
}

func TestRequireRealRefusesMiniredis(t *testing.T) {
	t.Setenv(EnvURL, "")
	t.Setenv(EnvNoRedisServer, "1")
	t.Setenv(EnvRequireReal, "1")
	f := runFake(func(tb testing.TB) { Start(tb) })
	if !f.failed || !strings.Contains(f.msg, EnvRequireReal) {
		t.Fatalf("Start with %s=1 and no redis-server: failed=%v msg=%q; want a failure naming %s",
			EnvRequireReal, f.failed, f.msg, EnvRequireReal)
	}
}

func TestMiniredisFallback(t *testing.T) {
	t.Setenv(EnvURL, "")
	t.Setenv(EnvNoRedisServer, "1")
	t.Setenv(EnvRequireReal, "")
	f := runFake(func(tb testing.TB) {
		s := Start(tb)
		if s.Real {
			tb.Fatalf("Real = true for miniredis")
		}
		if err := s.Client(tb).Ping(context.Background()).Err(); err != nil {
			tb.Fatalf("PING: %v", err)
		}
	})
	if f.failed {
		t.Fatalf("fallback failed: %s", f.msg)
	}
	if !strings.Contains(f.logs, "miniredis") {
		t.Fatalf("logs %q do not say miniredis is used", f.logs)
	}
}

func TestSharedURL(t *testing.T) {
	// A miniredis stands in for the shared server named by REDIS_TEST_URL.
	m := miniredis.RunT(t)
	url := "redis://" + m.Addr() + "/0"
	t.Setenv(EnvURL, url)
	if err := m.Set("left-over", "x"); err != nil {
		t.Fatal(err)
	}

	f := runFake(func(tb testing.TB) {
		s := Start(tb)
		if s.URL != url || !s.Real {
			tb.Fatalf("Start = {URL: %q, Real: %v}; want {%q, true}", s.URL, s.Real, url)
		}
		if m.Exists("left-over") {
			tb.Fatalf("database not flushed at start")
		}
		Start(tb) // a second, concurrent user of the shared database
	})
	if !f.failed || !strings.Contains(f.msg, "parallel") {
		t.Fatalf("second Start while the first test holds the shared Redis: failed=%v msg=%q; want a failure about parallel tests", f.failed, f.msg)
	}

	f = runFake(func(tb testing.TB) { Start(tb) }) // released by the previous test's cleanup
	if f.failed {
		t.Fatalf("Start after the previous test ended: %s", f.msg)
	}
	f = runFake(func(tb testing.TB) { Start(tb).Stop(tb) })
	if f.failed || !strings.Contains(f.logs, "SKIP: redistest: cannot stop the shared Redis") {
		t.Fatalf("Stop on the shared Redis: failed=%v msg=%q logs=%q; want a skip", f.failed, f.msg, f.logs)
	}
}

func TestBrokenRedisServer(t *testing.T) {
	// A redis-server that exits at once must fail the test quickly, with its output.
	bin := t.TempDir()
	script := "#!/bin/sh\necho 'FATAL: broken on purpose' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "redis-server"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv(EnvURL, "")
	t.Setenv(EnvNoRedisServer, "")
	f := runFake(func(tb testing.TB) { Start(tb) })
	if !f.failed || !strings.Contains(f.msg, "broken on purpose") {
		t.Fatalf("Start with a broken redis-server: failed=%v msg=%q; want a failure showing its output", f.failed, f.msg)
	}
}

// fakeTB records failures and logs and runs cleanups, so that Start's own
// failures can be tested.
type fakeTB struct {
	testing.TB // not set: calling anything not overridden panics

	mu       sync.Mutex
	failed   bool
	msg      string
	logs     string
	cleanups []func()
}

func (f *fakeTB) Helper()      {}
func (f *fakeTB) Name() string { return "fake" }
func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}
func (f *fakeTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs += fmt.Sprintf(format, args...) + "\n"
}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = true
	f.msg += fmt.Sprintf(format, args...)
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.Logf("SKIP: "+format, args...)
	runtime.Goexit()
}

// runFake runs fn with a fakeTB in its own goroutine (so Fatalf can end it)
// and then the registered cleanups.
func runFake(fn func(testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f
}
