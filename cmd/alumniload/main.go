// Command alumniload is alumnibot's load driver: it plays many alumni at once through the whole
// onboarding conversation against a running bot and checks that every one of them received exactly
// the replies of their own conversation, in order.
//
// It starts a fake Telegram Bot API server (bot/bottest) on loopback, prints its URL, waits until a
// bot polls it, then drives -alumni simulated alumni, -concurrency at a time. Each one sends /start,
// taps their name, taps a province, taps a regency, types their wave, taps the consent button and
// sends /profil, waiting for the bot's answer to each input before the next. At the end every chat's
// transcript (inputs, bot messages with their ids, callback answers) is compared with the expected
// one. It reports throughput, latency percentiles per input, errors and mismatches, and exits 1 if
// any alumnus failed or saw a reply that was not theirs.
//
// Against a separately started bot (what production runs):
//
//	go run ./cmd/alumniload -listen 127.0.0.1:8081 &
//	TELEGRAM_BOT_TOKEN=123:abc TELEGRAM_API_URL=http://127.0.0.1:8081 REDIS_URL=redis://127.0.0.1:6379/0 \
//	    REDIS_PREFIX=load: HTTP_ADDR=127.0.0.1:8090 go run ./cmd/alumnibot serve
//
// With -pid or -pidfile (the bot's process id) it also reports the bot's CPU time and resident memory during the
// run (Linux, from /proc); with -redis it reports the Redis server's CPU time (INFO cpu).
//
// Or with the bot in this process, in one command (its keys, under a fresh -prefix, are deleted
// afterwards unless -keep):
//
//	go run ./cmd/alumniload -inprocess -redis redis://127.0.0.1:6379/0
//
// Every run uses fresh user ids and update ids (derived from the clock unless -first-user is given),
// so reruns against the same Redis and the same running bot work. The fake server accepts any token
// and must stay on loopback; -listen refuses other addresses.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/loaddriver"
	"github.com/alumnibot/alumnibot/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "alumniload:", err)
		os.Exit(1)
	}
}

type options struct {
	listen       string
	alumni       int
	concurrency  int
	firstUser    int64
	replyTimeout time.Duration
	wait         time.Duration
	inprocess    bool
	cpuProfile   string
	memProfile   string
	before       string
	after        string
	redisURL     string
	prefix       string
	workers      int
	keep         bool
	pid          int
	pidFile      string

	meetup         bool
	webhooks       []string
	webhookSecret  string
	webhookTimeout time.Duration
	webhookTries   int
	pauseRedis     time.Duration
	kill           int
	killPidFile    string
	faultAt        float64
	show           int
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("alumniload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "", "loopback address of the fake Bot API server (default 127.0.0.1:8081; with -inprocess a free port)")
	fs.IntVar(&o.alumni, "alumni", 1000, "alumni to onboard")
	fs.IntVar(&o.concurrency, "concurrency", 100, "alumni in conversation at once")
	fs.Int64Var(&o.firstUser, "first-user", 0, "Telegram user id of the first alumnus (default: derived from the clock, fresh for every run)")
	fs.DurationVar(&o.replyTimeout, "timeout", 30*time.Second, "longest wait for the bot's answer to one input")
	fs.DurationVar(&o.wait, "wait", 5*time.Minute, "longest wait for the bot to start polling")
	fs.BoolVar(&o.inprocess, "inprocess", false, "run the bot in this process (needs -redis)")
	fs.StringVar(&o.before, "before", "", "shell command run once the bot answered, just before the alumni start (e.g. callgrind_control -z PID)")
	fs.StringVar(&o.after, "after", "", "shell command run as soon as the last alumnus finished, before the report (e.g. callgrind_control -d PID)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write this process's allocations (pprof allocs) to the file at the end; see -cpuprofile")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of this process to the file (with -inprocess: the bot's and the driver's work; go tool pprof -focus picks the bot's)")
	fs.StringVar(&o.redisURL, "redis", "", "Redis URL: the in-process bot's store; otherwise only read for its CPU time (INFO cpu)")
	fs.StringVar(&o.prefix, "prefix", "", "key prefix of the in-process bot (default alumniload:<time>:, deleted afterwards)")
	fs.IntVar(&o.workers, "workers", 64, "workers of the in-process bot (WORKERS)")
	fs.BoolVar(&o.keep, "keep", false, "keep the in-process bot's keys")
	fs.IntVar(&o.pid, "pid", 0, "process id of the bot under test, to report its CPU time and memory (Linux)")
	fs.StringVar(&o.pidFile, "pidfile", "", "file holding the bot's process id, read once the bot answered (instead of -pid)")
	fs.BoolVar(&o.meetup, "meetup", false, "after onboarding each alumnus takes a seat at a meetup the driver creates first (needs -redis; -prefix must be the bot's REDIS_PREFIX)")
	var webhooks string
	fs.StringVar(&webhooks, "webhook", "", "comma-separated webhook URLs of bot replicas: updates are pushed to them (round-robin, retried on the next) instead of polled")
	fs.StringVar(&o.webhookSecret, "webhook-secret", "", "the replicas' WEBHOOK_SECRET")
	fs.DurationVar(&o.webhookTimeout, "webhook-timeout", 2*time.Second, "how long one webhook request may take before it is retried on the next replica")
	fs.IntVar(&o.webhookTries, "webhook-tries", 30, "requests per update at most (the delay between them doubles from 250ms up to 5s)")
	fs.DurationVar(&o.pauseRedis, "pause-redis", 0, "mid-run (see -fault-at), hang Redis for this long: CLIENT PAUSE <ms> ALL through -redis")
	fs.IntVar(&o.kill, "kill", 0, "mid-run (see -fault-at), kill this process id with SIGKILL (a bot replica)")
	fs.StringVar(&o.killPidFile, "kill-pidfile", "", "like -kill, the process id read from this file when the fault fires")
	fs.IntVar(&o.show, "show", 10, "how many errors, mismatches, duplicates and lost replies to list")
	fs.Float64Var(&o.faultAt, "fault-at", 0.5, "when the faults fire: the fraction of the run's updates sent before")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, u := range strings.Split(webhooks, ",") {
		if u = strings.TrimSpace(u); u != "" {
			o.webhooks = append(o.webhooks, u)
		}
	}
	if len(o.webhooks) > 0 && o.inprocess {
		return o, errors.New("-webhook drives separately started replicas; it does not go with -inprocess")
	}
	if o.meetup && o.redisURL == "" {
		return o, errors.New("-meetup needs -redis (and -prefix, the bot's REDIS_PREFIX) to create the meetup")
	}
	if o.meetup && !o.inprocess && o.prefix == "" {
		return o, errors.New("-meetup needs -prefix: the bot's REDIS_PREFIX, e.g. load:")
	}
	if o.pauseRedis > 0 && o.redisURL == "" {
		return o, errors.New("-pause-redis needs -redis")
	}
	if o.faultAt < 0 || o.faultAt > 1 {
		return o, errors.New("-fault-at must be from 0 to 1")
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.alumni < 1 || o.concurrency < 1 {
		return o, errors.New("-alumni and -concurrency must be at least 1")
	}
	if o.inprocess && o.redisURL == "" {
		return o, errors.New("-inprocess needs -redis, e.g. redis://127.0.0.1:6379/0")
	}
	if o.listen == "" {
		o.listen = "127.0.0.1:8081"
		if o.inprocess {
			o.listen = "127.0.0.1:0"
		}
	}
	if err := checkLoopback(o.listen); err != nil {
		return o, err
	}
	return o, nil
}

// checkLoopback refuses to serve the fake Bot API, which takes any token, beyond this machine.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen %q: the fake Bot API server listens on loopback only (127.0.0.1, ::1, localhost)", addr)
	}
	return nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	now := time.Now()
	if o.firstUser == 0 {
		// Ten thousand alumni a second keeps reruns apart for eleven days.
		o.firstUser = 1_000_000_000_000 + (now.Unix()%1_000_000)*100_000
	}

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	if o.memProfile != "" {
		defer func() {
			if err := writeAllocs(o.memProfile); err != nil {
				fmt.Fprintln(stderr, "alumniload:", err)
			}
		}()
	}

	srv, err := bottest.NewServerAt(o.listen)
	if err != nil {
		return err
	}
	defer srv.Close()
	srv.SetRecordCalls(false)
	fmt.Fprintf(stdout, "fake Bot API server: %s (TELEGRAM_API_URL; any TELEGRAM_BOT_TOKEN)\n", srv.URL)

	var rdb redis.UniversalClient
	if o.redisURL != "" {
		if rdb, err = store.Open(o.redisURL, o.workers+16); err != nil {
			return err
		}
		defer rdb.Close()
	}

	pid := o.pid
	if o.inprocess {
		pid = os.Getpid()
		if o.prefix == "" {
			o.prefix = fmt.Sprintf("alumniload:%d:", now.Unix())
		}
		if !o.keep {
			defer func() {
				n, err := deleteKeys(context.WithoutCancel(ctx), rdb, o.prefix)
				if err != nil {
					fmt.Fprintln(stderr, "alumniload: cleaning up:", err)
					return
				}
				fmt.Fprintf(stdout, "deleted %d keys under %q\n", n, o.prefix)
			}()
		}
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		stopBot, err := loaddriver.StartBot(loaddriver.BotConfig{
			APIURL: srv.URL, Redis: rdb, Prefix: o.prefix, Workers: o.workers, Log: log,
		})
		if err != nil {
			return err
		}
		defer func() {
			if err := stopBot(); err != nil {
				fmt.Fprintln(stderr, "alumniload: bot:", err)
			}
		}()
		fmt.Fprintf(stdout, "bot running in this process, Redis %s, prefix %q\n", redactURL(o.redisURL), o.prefix)
	}

	var hook *loaddriver.Webhook
	var deliver func(ctx context.Context, id int64) error
	if len(o.webhooks) > 0 {
		hook = &loaddriver.Webhook{Srv: srv, URLs: o.webhooks, Secret: o.webhookSecret,
			Timeout: o.webhookTimeout, Tries: o.webhookTries}
		deliver = hook.Deliver
		// Replies that come late (a replica that held an update past its timeout) must be in the
		// transcripts: they are what a duplicate looks like.
		srv.SetQuietPeriod(2 * time.Second)
	}

	var meetup *flows.Meetup
	if o.meetup {
		atlas, err := area.Load()
		if err != nil {
			return err
		}
		m, err := loaddriver.LoadMeetup(atlas, fmt.Sprintf("load-%d", o.firstUser), 2*o.alumni+100, now)
		if err != nil {
			return err
		}
		if err := loaddriver.SeedMeetup(ctx, store.New(rdb, o.prefix), m); err != nil {
			return fmt.Errorf("creating the meetup: %w", err)
		}
		meetup = &m
		fmt.Fprintf(stdout, "meetup %s created under prefix %q, %d seats\n", m.ID, o.prefix, m.Capacity)
	}

	wctx, cancel := context.WithTimeout(ctx, o.wait)
	if hook == nil {
		fmt.Fprintln(stdout, "waiting for the bot to poll ...")
		// Update ids from the clock too: a bot still running from an earlier run polls past its ids.
		err = loaddriver.WaitForBot(wctx, srv, o.firstUser-1, now.UnixMicro(), nil)
	} else {
		fmt.Fprintf(stdout, "waiting for %d webhook replicas to answer ...\n", len(o.webhooks))
		for i, u := range o.webhooks {
			// Each replica on its own, retried until it listens.
			w := &loaddriver.Webhook{Srv: srv, URLs: []string{u}, Secret: o.webhookSecret, Timeout: 10 * time.Second,
				Tries: 1 << 20, Delay: 200 * time.Millisecond, MaxDelay: time.Second}
			id := int64(0)
			if i == 0 {
				id = now.UnixMicro()
			}
			if err = loaddriver.WaitForBot(wctx, srv, o.firstUser-1-int64(i), id, w.Deliver); err != nil {
				break
			}
		}
	}
	cancel()
	if err != nil {
		return fmt.Errorf("the bot did not answer within %s (is it running with TELEGRAM_API_URL=%s?): %w", o.wait, srv.URL, err)
	}
	fmt.Fprintf(stdout, "bot answered; %d alumni, %d at a time, user ids from %d\n", o.alumni, o.concurrency, o.firstUser)

	if o.pidFile != "" && !o.inprocess {
		raw, err := os.ReadFile(o.pidFile)
		if err != nil {
			return err
		}
		if pid, err = strconv.Atoi(strings.TrimSpace(string(raw))); err != nil {
			return fmt.Errorf("-pidfile %s: %w", o.pidFile, err)
		}
	}
	botProc := newProcSampler(pid)
	self := newProcSampler(os.Getpid())
	redisCPU0, redisErr := redisCPU(ctx, rdb)
	sampling, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		botProc.sampleEvery(sampling, 100*time.Millisecond)
	}()

	perAlumnus := len(loaddriver.Inputs)
	if meetup != nil {
		perAlumnus += len(loaddriver.MeetupInputs)
	}
	faults := o.faults(rdb, int(o.faultAt*float64(perAlumnus*o.alumni)))
	cfg := loaddriver.Config{
		Alumni: o.alumni, Concurrency: o.concurrency, FirstUser: o.firstUser, ReplyTimeout: o.replyTimeout,
		Meetup: meetup, Deliver: deliver, Faults: faults,
	}
	if hook != nil {
		cfg.Explain = hook.History
	}
	if hook != nil {
		cfg.Settle = func(ctx context.Context) error {
			// An update no replica accepted stays pending for ever: wait for quiet, not for that.
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := srv.WaitIdle(sctx); err != nil && ctx.Err() == nil && hook.Stats().GaveUp == 0 {
				return err
			}
			return nil
		}
	}
	rep, err := func() (*loaddriver.Report, error) {
		if err := shell(ctx, "-before", o.before, stderr); err != nil {
			return nil, err
		}
		return loaddriver.Run(ctx, srv, cfg)
	}()
	stopSampling()
	<-sampled
	if err != nil {
		return err
	}
	if err := shell(ctx, "-after", o.after, stderr); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	rep.Show = o.show
	rep.Write(stdout)
	if hook != nil {
		hook.Stats().Write(stdout)
	}
	fmt.Fprintln(stdout)

	// CPU and memory over the run, Settle included (the samplers ran until Run returned).
	updates := float64(rep.Updates)
	if o.inprocess {
		botProc.report(stdout, "this process (bot, fake server, driver)", updates)
	} else {
		if pid != 0 {
			botProc.report(stdout, fmt.Sprintf("bot (pid %d)", pid), updates)
		}
		self.report(stdout, "alumniload (fake server, driver)", updates)
	}
	if rdb != nil {
		if redisErr == nil {
			var redisCPU1 time.Duration
			if redisCPU1, redisErr = redisCPU(ctx, rdb); redisErr == nil {
				d := redisCPU1 - redisCPU0
				fmt.Fprintf(stdout, "redis-server: cpu %.2fs, %.0fµs/update\n", d.Seconds(), float64(d.Microseconds())/updates)
			}
		}
		if redisErr != nil {
			fmt.Fprintln(stdout, "redis-server: cpu unknown:", redisErr)
		}
	}
	if !rep.OK() {
		return fmt.Errorf("%d of %d alumni failed: %d errors, %d mismatches, %d duplicates, %d lost",
			rep.Alumni-rep.Completed, rep.Alumni, len(rep.Errors), len(rep.Mismatches), len(rep.Duplicates), len(rep.Lost))
	}
	return nil
}

// faults are the mid-run faults asked for, each fired once after updates updates.
func (o options) faults(rdb redis.UniversalClient, updates int) []loaddriver.Fault {
	var fs []loaddriver.Fault
	if o.pauseRedis > 0 {
		fs = append(fs, loaddriver.Fault{Name: fmt.Sprintf("Redis hung for %s (CLIENT PAUSE ALL)", o.pauseRedis), AfterUpdates: updates,
			Do: func(ctx context.Context) error {
				return rdb.Do(ctx, "CLIENT", "PAUSE", o.pauseRedis.Milliseconds(), "ALL").Err()
			}})
	}
	if o.kill != 0 || o.killPidFile != "" {
		fs = append(fs, loaddriver.Fault{Name: "replica killed (SIGKILL)", AfterUpdates: updates,
			Do: func(context.Context) error {
				pid := o.kill
				if o.killPidFile != "" {
					raw, err := os.ReadFile(o.killPidFile)
					if err != nil {
						return err
					}
					if pid, err = strconv.Atoi(strings.TrimSpace(string(raw))); err != nil {
						return fmt.Errorf("-kill-pidfile %s: %w", o.killPidFile, err)
					}
				}
				if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
					return fmt.Errorf("kill -9 %d: %w", pid, err)
				}
				return nil
			}})
	}
	return fs
}

// redisCPU is the Redis server's CPU time so far (user + system, main process and threads).
func redisCPU(ctx context.Context, rdb redis.UniversalClient) (time.Duration, error) {
	if rdb == nil {
		return 0, errors.New("no -redis")
	}
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, err
	}
	var total float64
	found := 0
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, fmt.Errorf("INFO cpu %s: %w", k, err)
			}
			total += f
			found++
		}
	}
	if found != 2 {
		return 0, errors.New("INFO cpu has no used_cpu_sys/used_cpu_user")
	}
	return time.Duration(total * float64(time.Second)), nil
}

// deleteKeys removes every key under prefix, on every master of a Cluster; it refuses the
// production default prefix.
func deleteKeys(ctx context.Context, rdb redis.UniversalClient, prefix string) (int, error) {
	if prefix == "" || prefix == store.DefaultPrefix {
		return 0, fmt.Errorf("refusing to delete keys under %q", prefix)
	}
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		total := 0
		err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			n, err := deleteKeysOn(ctx, node, prefix)
			mu.Lock()
			total += n
			mu.Unlock()
			return err
		})
		return total, err
	}
	return deleteKeysOn(ctx, rdb, prefix)
}

func deleteKeysOn(ctx context.Context, rdb redis.Cmdable, prefix string) (int, error) {
	n := 0
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		// One key per command: in a Cluster the keys of one user share a slot, different users do not.
		if err := rdb.Unlink(ctx, iter.Val()).Err(); err != nil {
			return n, err
		}
		n++
	}
	return n, iter.Err()
}

// redactURL hides a password in a Redis URL.
func redactURL(u string) string {
	if at := strings.LastIndex(u, "@"); at >= 0 {
		if scheme := strings.Index(u, "://"); scheme >= 0 && scheme < at {
			return u[:scheme+3] + "***" + u[at:]
		}
	}
	return u
}

// shell runs a -before or -after command, if one was given.
func shell(ctx context.Context, flag, command string, stderr io.Writer) error {
	if command == "" {
		return nil
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %q: %w", flag, command, err)
	}
	return nil
}

func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("allocs profile: %w", err)
	}
	return f.Close()
}
