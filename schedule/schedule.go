package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/alumnibot/alumnibot/flows"
)

// Locker takes a named lock shared by all replicas; store.Store is one.
type Locker interface {
	Lock(ctx context.Context, name string, ttl time.Duration) (unlock func(), ok bool, err error)
}

// Job is one periodic task.
type Job struct {
	Name string // also the lock's name
	Spec string // cron spec, e.g. "@every 30s" or "*/5 * * * *"
	TTL  time.Duration
	Run  func(ctx context.Context, now time.Time) error
}

// Scheduler runs jobs on their schedules until its context ends.
type Scheduler struct {
	Locker Locker
	Log    *slog.Logger
	Now    func() time.Time
	Jobs   []Job
}

// Run starts the jobs and blocks until ctx ends, then waits for running jobs to finish.
func (s *Scheduler) Run(ctx context.Context) error {
	now := s.Now
	if now == nil {
		now = time.Now
	}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	for _, j := range s.Jobs {
		if _, err := c.AddFunc(j.Spec, func() { s.runOnce(ctx, j, now()) }); err != nil {
			return fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Spec, err)
		}
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// runOnce runs a job if no other replica is running it.
func (s *Scheduler) runOnce(ctx context.Context, j Job, now time.Time) {
	if ctx.Err() != nil {
		return
	}
	ttl := j.TTL
	if ttl <= 0 {
		ttl = time.Minute
	}
	unlock, ok, err := s.Locker.Lock(ctx, "job:"+j.Name, ttl)
	if err != nil {
		s.Log.Warn("job lock", "job", j.Name, "err", err)
		return
	}
	if !ok {
		return // another replica runs it
	}
	defer unlock()
	runCtx, cancel := context.WithTimeout(ctx, ttl)
	defer cancel()
	if err := j.Run(runCtx, now); err != nil {
		s.Log.Error("job failed", "job", j.Name, "err", err)
	}
}

// Offers is what passing on expired offers needs of the store.
type Offers interface {
	MeetupsEndingAfter(ctx context.Context, t time.Time, limit int) ([]flows.Meetup, error)
	ExpireOffers(ctx context.Context, meetup string, now, offerExpires time.Time) (expired, offered []int64, err error)
}

// ExpireOffers withdraws the offers that ran out and offers their seats to the next waitlisted alumni
// of every meetup not yet over. The RSVP script queues the notices for both.
func ExpireOffers(st Offers, log *slog.Logger) func(ctx context.Context, now time.Time) error {
	return func(ctx context.Context, now time.Time) error {
		ms, err := st.MeetupsEndingAfter(ctx, now, 1000)
		if err != nil {
			return err
		}
		var errs []error // one meetup's failure does not hold the others' seats
		for _, m := range ms {
			if m.Status != flows.MeetupPublished {
				continue
			}
			expired, offered, err := st.ExpireOffers(ctx, m.ID, now, flows.OfferExpiry(m, now))
			if err != nil {
				errs = append(errs, err)
			}
			if len(expired)+len(offered) > 0 {
				log.Info("offers passed on", "meetup", m.ID, "expired", len(expired), "offered", len(offered))
			}
		}
		return errors.Join(errs...)
	}
}
