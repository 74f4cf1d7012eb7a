// Package redistest gives each test a Redis server. Every test in the project
// that needs Redis gets it from Start.
//
// Start picks the first of these that applies:
//
//  1. REDIS_TEST_URL is set (for example redis://127.0.0.1:6379/15): that
//     server and database are used, and the database is flushed (FLUSHDB) at
//     the start of every test that calls Start. The database must be dedicated
//     to tests. Tests cannot run in parallel against it: Start fails a test
//     that asks for it while another test of the same binary holds it, and
//     `go test` must be given -p 1 so that test binaries of different packages
//     do not flush each other's data. Stop and Restart skip the test, since a
//     shared server cannot be stopped.
//  2. redis-server is on PATH: a fresh server is started for the test, on a
//     unix socket in a new temporary directory, without persistence, and
//     stopped in t.Cleanup. Set ALUMNIBOT_TEST_NO_REDIS_SERVER=1 to skip this
//     choice (to exercise the fallback below on a machine that has
//     redis-server).
//  3. Otherwise an in-process miniredis, with a log line saying so. With
//     REDIS_TEST_REQUIRE_REAL=1 (set by .ci/run) this fallback fails the test
//     instead.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Environment variables read by Start.
const (
	// EnvURL names a dedicated Redis database to use instead of starting one.
	EnvURL = "REDIS_TEST_URL"
	// EnvRequireReal, when "1", makes the miniredis fallback a test failure.
	EnvRequireReal = "REDIS_TEST_REQUIRE_REAL"
	// EnvNoRedisServer, when "1", ignores a redis-server on PATH, so that the
	// miniredis fallback can be tested on a machine that has one.
	EnvNoRedisServer = "ALUMNIBOT_TEST_NO_REDIS_SERVER"
)

const (
	startTimeout = 10 * time.Second       // for a started redis-server to answer PING
	stopTimeout  = 10 * time.Second       // for a killed redis-server to exit
	pollStep     = 5 * time.Millisecond   // between PING attempts
	maxSockPath  = 100                    // unix socket paths must stay under 104 bytes (macOS), 108 (Linux)
	outputLimit  = 64 << 10               // redis-server output kept for error messages
	pingTimeout  = 500 * time.Millisecond // per PING attempt
)

// Server is a Redis for one test.
type Server struct {
	// URL reaches the server; it is usable with redis.ParseURL and store.Open:
	// redis://host:port/db or unix:///path/to/redis.sock.
	URL string
	// Real is true for a real Redis (REDIS_TEST_URL or redis-server), false
	// for miniredis.
	Real bool

	kind kind
	mini *miniredis.Miniredis // kindMini
	proc *process             // kindProcess; nil while stopped
	bin  string               // kindProcess: path of redis-server
	dir  string               // kindProcess: holds the socket
	sock string               // kindProcess: socket path
}

type kind int

const (
	kindShared kind = iota
	kindProcess
	kindMini
)

// sharedInUse guards the REDIS_TEST_URL database against concurrent tests of
// this binary.
var (
	sharedMu    sync.Mutex
	sharedInUse string // name of the test holding it, "" if none
)

// Start returns a fresh, empty Redis for this test; it is stopped (or, for
// REDIS_TEST_URL, released) in t.Cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return startShared(t, u)
	}
	if os.Getenv(EnvNoRedisServer) != "1" {
		if bin, err := exec.LookPath("redis-server"); err == nil {
			return startProcess(t, bin)
		}
	}
	if os.Getenv(EnvRequireReal) == "1" {
		t.Fatalf("redistest: %s=1 but no real Redis: set %s or put redis-server on PATH (and leave %s unset)",
			EnvRequireReal, EnvURL, EnvNoRedisServer)
	}
	return startMini(t)
}

// Client returns a new client connected to s, closed in t.Cleanup.
func (s *Server) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	opt, err := redis.ParseURL(s.URL)
	if err != nil {
		t.Fatalf("redistest: parse %q: %v", s.URL, err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Stop stops the server, keeping its address, to simulate an outage.
// Stopping a stopped server does nothing. With REDIS_TEST_URL it skips the
// test.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	switch s.kind {
	case kindShared:
		t.Skipf("redistest: cannot stop the shared Redis at %s=%s; this test needs a redis-server on PATH or miniredis", EnvURL, s.URL)
	case kindMini:
		s.mini.Close()
	case kindProcess:
		if s.proc != nil {
			if err := s.proc.kill(); err != nil {
				t.Fatalf("redistest: stop redis-server: %v", err)
			}
			s.proc = nil
		}
	}
}

// Restart starts the server again on the same address (stopping it first if
// it runs) and waits until it answers PING. Data may be lost, as in a real
// outage. With REDIS_TEST_URL it skips the test.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	switch s.kind {
	case kindShared:
		t.Skipf("redistest: cannot restart the shared Redis at %s=%s; this test needs a redis-server on PATH or miniredis", EnvURL, s.URL)
	case kindMini:
		s.mini.Close() // no-op if closed
		if err := s.mini.Restart(); err != nil {
			t.Fatalf("redistest: restart miniredis on %s: %v", s.mini.Addr(), err)
		}
		if err := waitPing(s.URL, startTimeout, nil); err != nil {
			t.Fatalf("redistest: miniredis did not answer after restart: %v", err)
		}
	case kindProcess:
		s.Stop(t)
		p, err := launch(s.bin, s.dir, s.sock, s.URL)
		if err != nil {
			t.Fatalf("redistest: restart redis-server: %v", err)
		}
		s.proc = p
	}
}

func startShared(t testing.TB, u string) *Server {
	t.Helper()
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("redistest: %s=%q: %v", EnvURL, u, err)
	}
	sharedMu.Lock()
	holder := sharedInUse
	if holder == "" {
		sharedInUse = t.Name()
	}
	sharedMu.Unlock()
	if holder != "" {
		t.Fatalf("redistest: %s is in use by %s: tests using the shared Redis must not run in parallel or nest", EnvURL, holder)
	}
	t.Cleanup(func() {
		sharedMu.Lock()
		sharedInUse = ""
		sharedMu.Unlock()
	})

	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("redistest: FLUSHDB on %s=%s: %v", EnvURL, u, err)
	}
	return &Server{URL: u, Real: true, kind: kindShared}
}

func startMini(t testing.TB) *Server {
	t.Helper()
	m, err := miniredis.Run()
	if err != nil {
		t.Fatalf("redistest: start miniredis: %v", err)
	}
	t.Cleanup(m.Close)
	t.Logf("redistest: no redis-server on PATH (or %s=1): using miniredis at %s; set %s=1 to forbid this", EnvNoRedisServer, m.Addr(), EnvRequireReal)
	return &Server{URL: "redis://" + m.Addr(), kind: kindMini, mini: m}
}

func startProcess(t testing.TB, bin string) *Server {
	t.Helper()
	dir, err := socketDir()
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	s := &Server{Real: true, kind: kindProcess, bin: bin, dir: dir, sock: filepath.Join(dir, "redis.sock")}
	s.URL = "unix://" + s.sock
	// Registered first so it runs last, after the process is gone.
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	t.Cleanup(func() {
		if s.proc != nil {
			if err := s.proc.kill(); err != nil {
				t.Errorf("redistest: stop redis-server: %v", err)
			}
			s.proc = nil
		}
	})
	p, err := launch(bin, dir, s.sock, s.URL)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	s.proc = p
	return s
}

// socketDir makes a new directory short enough to hold a unix socket.
func socketDir() (string, error) {
	var firstErr error
	for _, parent := range []string{"", "/tmp"} {
		dir, err := os.MkdirTemp(parent, "rt")
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if len(filepath.Join(dir, "redis.sock")) < maxSockPath {
			return dir, nil
		}
		_ = os.RemoveAll(dir)
	}
	if firstErr != nil {
		return "", fmt.Errorf("make socket directory: %w", firstErr)
	}
	return "", errors.New("make socket directory: temporary directory path too long for a unix socket")
}

// process is one running redis-server.
type process struct {
	cmd  *exec.Cmd
	out  *limitedBuffer
	done chan struct{} // closed when the process has exited
	err  error         // from Wait; read after done is closed
}

// launch starts redis-server on the socket and waits until it answers PING.
func launch(bin, dir, sock, url string) (*process, error) {
	out := &limitedBuffer{limit: outputLimit}
	cmd := exec.Command(bin,
		"--port", "0",
		"--unixsocket", sock,
		"--unixsocketperm", "700",
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
		"--daemonize", "no",
		"--logfile", "",
	)
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &process{cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := waitPing(url, startTimeout, p.done); err != nil {
		_ = p.kill()
		return nil, fmt.Errorf("redis-server on %s did not answer PING: %v\n--- redis-server output ---\n%s", sock, err, out.String())
	}
	return p, nil
}

// kill stops the process with SIGKILL (nothing is persisted, so nothing is
// lost that a graceful shutdown would keep) and waits for it to exit.
func (p *process) kill() error {
	select {
	case <-p.done:
		return nil // already exited
	default:
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopTimeout):
		return fmt.Errorf("pid %d did not exit within %v", p.cmd.Process.Pid, stopTimeout)
	}
}

// waitPing polls url with PING until it answers, the timeout passes, or
// exited (if not nil) is closed. It speaks RESP on a plain connection rather
// than through a go-redis client, whose pool retries failed dials with
// backoff and, after enough failures, probes only once a second.
func waitPing(url string, timeout time.Duration, exited <-chan struct{}) error {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		err = ping(opt.Network, opt.Addr)
		if err == nil {
			return nil
		}
		if exited != nil {
			select {
			case <-exited:
				return fmt.Errorf("process exited (last PING error: %v)", err)
			default:
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within %v (last PING error: %v)", timeout, err)
		}
		time.Sleep(pollStep)
	}
}

// ping sends one PING on a new connection and expects +PONG.
func ping(network, addr string) error {
	conn, err := net.DialTimeout(network, addr, pingTimeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(pingTimeout)); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line = strings.TrimSpace(line); line != "+PONG" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// limitedBuffer keeps the first limit bytes written to it; safe for
// concurrent use.
type limitedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	limit int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.limit - b.buf.Len(); room > 0 {
		if len(p) > room {
			b.buf.Write(p[:room])
		} else {
			b.buf.Write(p)
		}
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
