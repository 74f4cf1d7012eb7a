// Command alumnicast is the broadcast load driver: it runs a real announcement through the bot
// against a fake Telegram (bot/bottest) that enforces Telegram's limits, and reports messages per
// second, 429s, the busiest second, duplicates, missing recipients, the bot's peak memory, and how
// fast alumni chatting meanwhile got their answers compared with an idle bot.
//
// It starts the fake Bot API server on loopback and the bot itself, out of process: -replicas copies
// of the -bot binary (`alumnibot serve`), pointed at the server, with BROADCAST_RATE=-rate. One
// replica polls for updates; several take them by webhook (they need none: the announcement is
// created straight in Redis). The driver seeds -recipients onboarded, active alumni of one province
// (-province) under -prefix through the store's Commit, which writes the audience index as onboarding
// does, then creates an announcement job for that province as /siaran's confirmation does
// (store.CreateBroadcast, a plain text as the console sends one). The replicas' broadcast runners
// build its recipient list and feed the bulk lane; their bulk lanes send it. -mode load skips the job:
// it queues entries of the load driver's own bulk kind (bot.LoadKind) straight into a bulk stream.
//
//	go build -o /tmp/alumnibot ./cmd/alumnibot
//	go run ./cmd/alumnicast -bot /tmp/alumnibot -redis redis://127.0.0.1:6379/0 -recipients 10000 -limit 30 -rate 30
//
// -kill-at 0.5 kills one replica with SIGKILL when half the messages were accepted, and starts it
// again; -chatters 100 plays 100 alumni through onboarding before the broadcast (idle) and 100 others
// during it, and compares their answer latencies. The driver exits 1 when a recipient is missing,
// or got more duplicates than the kills allow (one per kill).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
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
		fmt.Fprintln(os.Stderr, "alumnicast:", err)
		os.Exit(1)
	}
}

type options struct {
	bin        string
	replicas   int
	redisURL   string
	prefix     string
	keep       bool
	recipients int
	limit      int
	rate       string
	paid       bool
	latency    time.Duration
	killAt     float64
	chatters   int
	stall      time.Duration
	botLog     string
	mode       string
	province   string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("alumnicast", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bin, "bot", "", "the alumnibot binary to run (go build -o /tmp/alumnibot ./cmd/alumnibot)")
	fs.IntVar(&o.replicas, "replicas", 1, "bot processes sharing the broadcast")
	fs.StringVar(&o.redisURL, "redis", "", "Redis URL for the bot and the driver")
	fs.StringVar(&o.prefix, "prefix", "", "REDIS_PREFIX of the run (default alumnicast:<time>:, deleted afterwards unless -keep)")
	fs.BoolVar(&o.keep, "keep", false, "keep the run's keys")
	fs.IntVar(&o.recipients, "recipients", 10000, "recipients of the broadcast")
	fs.IntVar(&o.limit, "limit", 30, "the fake Telegram's limit: messages accepted in any second across chats (0: none)")
	fs.StringVar(&o.rate, "rate", "", "BROADCAST_RATE of the bot (default: the bot's, 25)")
	fs.BoolVar(&o.paid, "paid", false, "BROADCAST_PAID=1")
	fs.DurationVar(&o.latency, "latency", 0, "the fake Telegram's answer delay, to imitate the network")
	fs.Float64Var(&o.killAt, "kill-at", 0, "kill a replica with SIGKILL when this fraction of the messages went, then start it again (0: never)")
	fs.IntVar(&o.chatters, "chatters", 0, "alumni onboarding during the broadcast (and as many before it, for the idle latency); needs -replicas 1")
	fs.DurationVar(&o.stall, "stall", 2*time.Minute, "give up when nothing was delivered for this long")
	fs.StringVar(&o.botLog, "bot-log", "", "file for the bots' logs (default: discarded)")
	fs.StringVar(&o.mode, "mode", "job", "job: seed alumni and send them a real announcement; load: queue load-kind entries straight into the bulk lane")
	fs.StringVar(&o.province, "province", "", "province code of the seeded alumni and the announcement's audience (default: the atlas's last, on the last page of onboarding's list, which -chatters never reach)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.bin == "":
		return o, errors.New("-bot is required: the alumnibot binary")
	case o.redisURL == "":
		return o, errors.New("-redis is required")
	case o.replicas < 1 || o.replicas > 16:
		return o, errors.New("-replicas must be from 1 to 16")
	case o.recipients < 1:
		return o, errors.New("-recipients must be at least 1")
	case o.killAt < 0 || o.killAt >= 1:
		return o, errors.New("-kill-at must be from 0 to below 1")
	case o.mode != "job" && o.mode != "load":
		return o, errors.New("-mode must be job or load")
	case o.chatters > 0 && o.replicas != 1:
		return o, errors.New("-chatters needs -replicas 1 (the replica polls for the alumni's updates)")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	now := time.Now()
	if o.prefix == "" {
		o.prefix = fmt.Sprintf("alumnicast:%d:", now.Unix())
	}
	rdb, err := store.Open(o.redisURL, 16)
	if err != nil {
		return err
	}
	defer rdb.Close()
	if !o.keep {
		defer func() {
			n, err := deleteKeys(context.WithoutCancel(ctx), rdb, o.prefix)
			if err != nil {
				fmt.Fprintln(stderr, "alumnicast: cleaning up:", err)
				return
			}
			fmt.Fprintf(stdout, "deleted %d keys under %q\n", n, o.prefix)
		}()
	}
	st := store.New(rdb, o.prefix)

	// The run's prefix is a deployment whose audience index exists from the start: marked migrated
	// here, so no replica rebuilds the index at start-up (alumnibot serve does, once) while the
	// alumni are being seeded.
	if _, _, err := st.MigrateAudiences(ctx); err != nil {
		return err
	}
	firstUser := 2_000_000_000_000 + (now.Unix()%1_000_000)*1_000_000
	var job flows.Broadcast
	if o.mode == "job" {
		if job, err = seed(ctx, st, o, firstUser, now, stdout); err != nil {
			return err
		}
	}

	srv := bottest.NewServer()
	defer srv.Close()
	srv.SetRecordCalls(false)
	srv.SetLatency(o.latency)
	srv.SetQuietPeriod(2 * time.Second)

	logOut := io.Discard
	if o.botLog != "" {
		f, err := os.Create(o.botLog)
		if err != nil {
			return err
		}
		defer f.Close()
		logOut = f
	}
	fleet := &fleet{o: o, api: srv.URL, log: logOut}
	for i := range o.replicas {
		if err := fleet.start(i); err != nil {
			return err
		}
	}
	defer fleet.stopAll()
	fmt.Fprintf(stdout, "fake Bot API %s (limit %d/s, latency %v); %d replica(s) of %s, prefix %q, BROADCAST_RATE=%s paid=%v\n",
		srv.URL, o.limit, o.latency, o.replicas, o.bin, o.prefix, orDefault(o.rate, "default"), o.paid)

	if o.replicas == 1 {
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := loaddriver.WaitForBot(wctx, srv, firstUser-1, now.UnixMicro(), nil)
		cancel()
		if err != nil {
			return fmt.Errorf("the bot did not answer: %w", err)
		}
	} else if err := fleet.waitHealthy(ctx); err != nil {
		return err
	}

	var idle, busy *loaddriver.Report
	chattersFrom := firstUser + int64(o.recipients) + 10
	if o.chatters > 0 {
		fmt.Fprintf(stdout, "%d alumni chatting, bot idle ...\n", o.chatters)
		if idle, err = chat(ctx, srv, o.chatters, chattersFrom); err != nil {
			return err
		}
	}
	srv.SetWindowLimit(o.limit)

	samplers := fleet.samplers()
	sampling, stopSampling := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, s := range samplers {
		wg.Go(func() { s.run(sampling, 100*time.Millisecond) })
	}
	var killed sync.Once
	var kills []string
	cfg := loaddriver.BroadcastConfig{
		Recipients: o.recipients, FirstUser: firstUser, Stall: o.stall,
		Start: loaddriver.StartLoad(func(ctx context.Context, entries []map[string]string) error {
			return st.QueueBulk(ctx, "alumnicast", entries)
		}, firstUser, o.recipients),
		Text: loaddriver.LoadText,
		Progress: func(sent int) {
			if o.killAt > 0 && float64(sent) >= o.killAt*float64(o.recipients) {
				killed.Do(func() {
					kills = append(kills, fleet.killAndRestart(0, sent))
					samplers = append(samplers, fleet.sampler(0))
					wg.Go(func() { samplers[len(samplers)-1].run(sampling, 100*time.Millisecond) })
				})
			}
		},
	}
	if o.mode == "job" {
		cfg.Start, cfg.Text = loaddriver.StartJob(st, job), job.Text
	}
	fmt.Fprintf(stdout, "broadcast (%s) to %d recipients ...\n", o.mode, o.recipients)
	var rep *loaddriver.BroadcastReport
	var chatErr error
	var cw sync.WaitGroup
	if o.chatters > 0 {
		cw.Go(func() {
			// Once the broadcast is under way.
			for srv.SendStats().Sent < 100 && ctx.Err() == nil {
				time.Sleep(50 * time.Millisecond)
			}
			busy, chatErr = chat(ctx, srv, o.chatters, chattersFrom+int64(o.chatters)+10)
		})
	}
	rep, err = loaddriver.Broadcast(ctx, srv, cfg)
	cw.Wait()
	stopSampling()
	wg.Wait()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	rep.Write(stdout)
	if o.mode == "job" {
		fmt.Fprintln(stdout, jobFigures(ctx, st, job.ID))
	}
	for _, k := range kills {
		fmt.Fprintln(stdout, k)
	}
	for i := range o.replicas {
		fmt.Fprintf(stdout, "replica %d: %s\n", i, fleet.bulkMetrics(i))
	}
	for _, s := range samplers {
		fmt.Fprintf(stdout, "%s: peak RSS %.1f MB (VmHWM %.1f MB)\n", s.name, float64(s.peak)/1024, float64(s.hwm)/1024)
	}
	if idle != nil {
		if chatErr != nil {
			return chatErr
		}
		fmt.Fprintf(stdout, "answer latency, idle:   p50 %v, p99 %v (worst step's p99), %d/%d alumni done\n",
			p50(idle), p99(idle), idle.Completed, idle.Alumni)
		fmt.Fprintf(stdout, "answer latency, during: p50 %v, p99 %v (worst step's p99), %d/%d alumni done\n",
			p50(busy), p99(busy), busy.Completed, busy.Alumni)
		if p99(idle) > 0 {
			fmt.Fprintf(stdout, "p99 during / idle: %.2f\n", float64(p99(busy))/float64(p99(idle)))
		}
	}
	if ld, err := uptime(); err == nil {
		fmt.Fprintln(stdout, "load average:", ld)
	}
	if len(rep.Missing) > 0 || rep.Duplicates > len(kills) {
		return fmt.Errorf("%d missing, %d duplicates (%d kills)", len(rep.Missing), rep.Duplicates, len(kills))
	}
	return nil
}

// seed onboards the recipients and says how long it took; it returns the announcement to create.
func seed(ctx context.Context, st *store.Store, o options, first int64, now time.Time, stdout io.Writer) (flows.Broadcast, error) {
	if o.province == "" {
		atlas, err := area.Load()
		if err != nil {
			return flows.Broadcast{}, err
		}
		provs := atlas.Provinces()
		o.province = provs[len(provs)-1].Code
	}
	t0 := time.Now()
	if err := loaddriver.SeedAlumni(ctx, st, first, o.recipients, o.province, "", 16); err != nil {
		return flows.Broadcast{}, err
	}
	size, err := st.AudienceSize(ctx, flows.Audience{Kind: flows.AudProvince, Province: o.province})
	if err != nil {
		return flows.Broadcast{}, err
	}
	fmt.Fprintf(stdout, "seeded %d alumni of province %s in %.1fs (audience now %d)\n",
		o.recipients, o.province, time.Since(t0).Seconds(), size)
	if size != int64(o.recipients) {
		return flows.Broadcast{}, fmt.Errorf("the audience of province %s is %d, not the %d seeded (another run's prefix?)", o.province, size, o.recipients)
	}
	return loaddriver.Job(fmt.Sprintf("bcast%d", now.Unix()), first-2, o.province), nil
}

// jobFigures waits (up to 10 s) for the job's own figures to settle and states them.
func jobFigures(ctx context.Context, st *store.Store, id string) string {
	var b *flows.Broadcast
	var err error
	for range 100 {
		if b, err = st.Broadcast(ctx, id); err != nil || b == nil {
			return fmt.Sprintf("job %s: %v", id, err)
		}
		if b.Over() {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Sprintf("job %s: %s, total %d, sent %d, failed %d, blocked %d, not found %d, skipped %d",
		id, b.State, b.Total, b.Sent, b.Failed, b.Blocked, b.NotFound, b.Skipped)
}

// chat plays n alumni through onboarding, 100 at a time at most.
func chat(ctx context.Context, srv *bottest.Server, n int, first int64) (*loaddriver.Report, error) {
	rep, err := loaddriver.Run(ctx, srv, loaddriver.Config{Alumni: n, Concurrency: min(n, 100), FirstUser: first,
		ReplyTimeout: time.Minute, Settle: func(ctx context.Context) error { return nil }})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func p99(r *loaddriver.Report) time.Duration {
	var d time.Duration
	for _, s := range r.Steps {
		d = max(d, s.P99)
	}
	return d.Round(100 * time.Microsecond)
}

func p50(r *loaddriver.Report) time.Duration {
	var ds []time.Duration
	for _, s := range r.Steps {
		ds = append(ds, s.P50)
	}
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2].Round(100 * time.Microsecond)
}

// fleet is the bot processes.
type fleet struct {
	o     options
	api   string
	log   io.Writer
	mu    sync.Mutex
	cmds  []*exec.Cmd
	ports []int
}

func (f *fleet) port(i int) int { return f.ports[i] }

// freePort finds a free loopback port for a replica's HTTP_ADDR.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (f *fleet) start(i int) error {
	o := f.o
	if i >= len(f.ports) {
		p, err := freePort()
		if err != nil {
			return err
		}
		f.ports = append(f.ports, p)
	}
	env := append(os.Environ(),
		"TELEGRAM_BOT_TOKEN=123456:alumnicast", "TELEGRAM_API_URL="+f.api, "REDIS_URL="+o.redisURL,
		"REDIS_PREFIX="+o.prefix, "HTTP_ADDR=127.0.0.1:"+strconv.Itoa(f.port(i)), "LOG_LEVEL=warn")
	if o.rate != "" {
		env = append(env, "BROADCAST_RATE="+o.rate)
	}
	if o.paid {
		env = append(env, "BROADCAST_PAID=1")
	}
	if o.replicas > 1 {
		env = append(env, fmt.Sprintf("WEBHOOK_URL=http://127.0.0.1:%d/hook", f.port(i)), "WEBHOOK_SECRET=alumnicast-secret-0123")
	}
	cmd := exec.Command(o.bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, f.log, f.log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start replica %d: %w", i, err)
	}
	f.mu.Lock()
	if i < len(f.cmds) {
		f.cmds[i] = cmd
	} else {
		f.cmds = append(f.cmds, cmd)
	}
	f.mu.Unlock()
	return nil
}

func (f *fleet) waitHealthy(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for i := range f.cmds {
		for {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", f.port(i)))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("replica %d did not become healthy: %v", i, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

// bulkMetrics reads the bulk lane's series from a replica's /metrics (since it started).
func (f *fleet) bulkMetrics(i int) string {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", f.port(i)))
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "alumnibot_bulk_") {
			out = append(out, strings.TrimPrefix(line, "alumnibot_bulk_"))
		}
	}
	return strings.Join(out, ", ")
}

// killAndRestart kills replica i with SIGKILL and starts it again, and says so.
func (f *fleet) killAndRestart(i, sent int) string {
	f.mu.Lock()
	cmd := f.cmds[i]
	f.mu.Unlock()
	pid := cmd.Process.Pid
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	at := time.Now()
	if err := f.start(i); err != nil {
		return fmt.Sprintf("killed replica %d (pid %d) after %d messages; restart failed: %v", i, pid, sent, err)
	}
	return fmt.Sprintf("killed replica %d (pid %d) with SIGKILL after %d messages, restarted at %s (its held messages are taken over after the bulk lease, 1 min)",
		i, pid, sent, at.Format("15:04:05"))
}

func (f *fleet) stopAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.cmds {
		_ = c.Process.Signal(syscall.SIGTERM)
	}
	for _, c := range f.cmds {
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = c.Process.Kill()
		}
	}
}

func (f *fleet) samplers() []*sampler {
	var out []*sampler
	for i := range f.cmds {
		out = append(out, f.sampler(i))
	}
	return out
}

func (f *fleet) sampler(i int) *sampler {
	f.mu.Lock()
	defer f.mu.Unlock()
	pid := f.cmds[i].Process.Pid
	return &sampler{pid: pid, name: fmt.Sprintf("replica %d (pid %d)", i, pid)}
}

// sampler follows a process's resident memory through /proc (Linux).
type sampler struct {
	pid       int
	name      string
	peak, hwm int64 // kB
}

func (s *sampler) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if rss, hwm, err := procMem(s.pid); err == nil {
			s.peak, s.hwm = max(s.peak, rss), max(s.hwm, hwm)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// procMem is VmRSS and VmHWM (kB) from /proc/<pid>/status.
func procMem(pid int) (rss, hwm int64, err error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(line, ":")
		f := strings.Fields(v)
		if !ok || len(f) == 0 {
			continue
		}
		switch k {
		case "VmRSS":
			rss, _ = strconv.ParseInt(f[0], 10, 64)
		case "VmHWM":
			hwm, _ = strconv.ParseInt(f[0], 10, 64)
		}
	}
	return rss, hwm, nil
}

func uptime() (string, error) {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "", err
	}
	return strings.Join(strings.Fields(string(raw))[:3], " "), nil
}

// deleteKeys removes the run's keys.
func deleteKeys(ctx context.Context, rdb redis.UniversalClient, prefix string) (int, error) {
	n := 0
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := rdb.Unlink(ctx, batch...).Err()
		n += len(batch)
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 500 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
