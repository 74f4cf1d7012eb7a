package schedule

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Clock tells the time. The scheduler reads it on every tick, so a test advances a fake clock and
// calls Tick instead of sleeping on real time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now is time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// Leaser keeps the lease that lets one replica at a time run the periodic jobs; store.Store is one.
// AcquireLease takes a free lease (SET NX PX); RenewLease extends it only if owner still holds it (a
// compare-and-pexpire script), so a replica that lost it never extends another's.
type Leaser interface {
	AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	RenewLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, owner string) error
}

// Job is one periodic task.
type Job struct {
	Name string
	// Spec is a cron spec read in Location: "0 19 * * 3", "@every 30s", "@daily".
	Spec     string
	Location *time.Location // nil: UTC
	// TTL bounds one run; default DefaultJobTimeout.
	TTL time.Duration
	Run func(ctx context.Context, now time.Time) error
}

// Defaults.
const (
	DefaultLeaseTTL   = 30 * time.Second
	DefaultJobTimeout = 5 * time.Minute
	leaseName         = "scheduler"
	tickEvery         = time.Second
)

// Scheduler runs its jobs on their schedules, on one replica at a time: every replica ticks, the one
// holding the lease (renewed while it lives) runs the jobs that are due, another takes the lease over
// once the holder stops renewing it (it died) and the lease ran out.
type Scheduler struct {
	Lease    Leaser
	Log      *slog.Logger
	Clock    Clock         // nil: SystemClock
	Jobs     []Job         //
	Owner    string        // this replica's name in the lease; "" = host and a random suffix
	LeaseTTL time.Duration // default DefaultLeaseTTL; renewed every third of it

	once    sync.Once
	err     error
	entries []*entry
	leader  bool
	mu      sync.Mutex // one Tick at a time
}

type entry struct {
	job  Job
	sch  cron.Schedule
	loc  *time.Location
	run  cron.Job // the job wrapped in cron.Recover
	next time.Time
	now  time.Time // the time of the run in progress, for run
	ctx  context.Context
	err  error
}

func (s *Scheduler) setup() error {
	s.once.Do(func() {
		if s.Clock == nil {
			s.Clock = SystemClock{}
		}
		if s.Log == nil {
			s.Log = slog.Default()
		}
		if s.LeaseTTL <= 0 {
			s.LeaseTTL = DefaultLeaseTTL
		}
		if s.Owner == "" {
			host, _ := os.Hostname()
			var b [4]byte
			_, _ = rand.Read(b[:])
			s.Owner = host + "-" + hex.EncodeToString(b[:])
		}
		chain := cron.NewChain(cron.Recover(cronLogger{s.Log}))
		for _, j := range s.Jobs {
			sch, err := cron.ParseStandard(j.Spec)
			if err != nil {
				s.err = fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Spec, err)
				return
			}
			e := &entry{job: j, sch: sch, loc: j.Location}
			if e.loc == nil {
				e.loc = time.UTC
			}
			e.run = chain.Then(cron.FuncJob(func() { e.err = e.job.Run(e.ctx, e.now) }))
			s.entries = append(s.entries, e)
		}
	})
	return s.err
}

// Run ticks every second until ctx ends, renewing the lease in between, then gives the lease up.
func (s *Scheduler) Run(ctx context.Context) error {
	if err := s.setup(); err != nil {
		return err
	}
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		s.Tick(ctx, s.Clock.Now())
		select {
		case <-ctx.Done():
			s.release()
			return nil
		case <-t.C:
		}
	}
}

// Tick is one pass: take or renew the lease, then, as its holder, run every job due by now (each
// once however many of its times passed: a job catches up itself). It says whether this replica
// holds the lease. The first tick of a leader only plans: a job's first run is its first time after
// that tick, as with cron.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) bool {
	if err := s.setup(); err != nil {
		s.Log.Error("scheduler", "err", err)
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.hold(ctx) {
		return false
	}
	for _, e := range s.entries {
		if e.next.IsZero() {
			e.next = e.sch.Next(now.In(e.loc))
			continue
		}
		if now.Before(e.next) {
			continue
		}
		e.next = e.sch.Next(now.In(e.loc))
		s.runJob(ctx, e, now)
		if !s.hold(ctx) { // lost the lease during a long run: another replica runs the rest
			return false
		}
	}
	return true
}

// hold takes or renews the lease; false when another replica holds it (or Redis failed).
func (s *Scheduler) hold(ctx context.Context) bool {
	var ok bool
	var err error
	if s.leader {
		ok, err = s.Lease.RenewLease(ctx, leaseName, s.Owner, s.LeaseTTL)
	} else {
		ok, err = s.Lease.AcquireLease(ctx, leaseName, s.Owner, s.LeaseTTL)
	}
	if err != nil {
		s.Log.Warn("scheduler lease", "owner", s.Owner, "err", err)
		ok = false
	}
	if ok != s.leader {
		s.Log.Info("scheduler lease", "owner", s.Owner, "held", ok)
		if !ok {
			for _, e := range s.entries { // plan afresh when leading again
				e.next = time.Time{}
			}
		}
	}
	s.leader = ok
	return ok
}

// runJob runs one job with its timeout, renewing the lease while it runs.
func (s *Scheduler) runJob(ctx context.Context, e *entry, now time.Time) {
	ttl := e.job.TTL
	if ttl <= 0 {
		ttl = DefaultJobTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, ttl)
	defer cancel()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // renew while the job runs, on real time: the lease is real time in Redis
		defer wg.Done()
		t := time.NewTicker(s.LeaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if ok, err := s.Lease.RenewLease(runCtx, leaseName, s.Owner, s.LeaseTTL); err == nil && !ok {
					s.Log.Warn("scheduler lease lost during a run", "job", e.job.Name)
				}
			}
		}
	}()
	e.ctx, e.now, e.err = runCtx, now, nil
	e.run.Run()
	close(stop)
	wg.Wait()
	if e.err != nil {
		s.Log.Error("job failed", "job", e.job.Name, "err", e.err)
	}
}

func (s *Scheduler) release() {
	if !s.leader {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.Lease.ReleaseLease(ctx, leaseName, s.Owner); err != nil {
		s.Log.Warn("scheduler lease release", "err", err)
	}
	s.leader = false
}

// cronLogger is cron.Logger over slog, for cron.Recover.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Info("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
