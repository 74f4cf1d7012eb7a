package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
)

// ReminderStore is what the reminder jobs need of the store; store.Store is one.
type ReminderStore interface {
	MeetupsEndingAfter(ctx context.Context, t time.Time, limit int) ([]flows.Meetup, error)
	SeriesEndingAfter(ctx context.Context, t time.Time, limit int) ([]flows.Series, error)
	Meetup(ctx context.Context, id string) (*flows.Meetup, error)
	Series(ctx context.Context, id string) (*flows.Series, error)
	PlanReminders(ctx context.Context, ds []flows.DueReminder) error
	DueReminders(ctx context.Context, now time.Time, n int) ([]flows.DueReminder, error)
	RunReminder(ctx context.Context, d flows.DueReminder, chunk int) (queued int, done bool, err error)
	SkipReminder(ctx context.Context, d flows.DueReminder) (bool, error)
	DropReminder(ctx context.Context, d flows.DueReminder) error
}

// Reminder defaults.
const (
	DefaultRemindChunk   = 1000                // alumni claimed per script call
	DefaultSeriesHorizon = 14 * 24 * time.Hour // series' sessions planned this far ahead
	planLimit            = 1000                // meetups and series planned per pass
	dueBatch             = 100                 // due reminders read at once
	maxDuePerPass        = 10000               // bounds one pass
)

// Reminders plans and sends the reminders of meetups and of workshop series' sessions. A pass plans
// (each upcoming meetup's reminder times, each series' sessions within the horizon, into the store's
// due index) and then sends what is due: every due reminder is claimed for its alumni in chunks, each
// (reminder, alumnus) queued in the bulk lane in the same script as its claim. A reminder whose
// event has started is skipped, logged and counted; one still useful after downtime goes out late.
type Reminders struct {
	Store ReminderStore
	Atlas *area.Atlas
	Log   *slog.Logger
	// Skipped hears of each reminder skipped because its moment passed (kind "m" or "s"): the
	// alumnibot_reminders_skipped_total counter. Optional.
	Skipped func(kind string)
	// Queued hears how many reminder messages a pass queued (optional).
	Queued        func(kind string, n int)
	Chunk         int           // default DefaultRemindChunk
	SeriesHorizon time.Duration // default DefaultSeriesHorizon
}

// Job is the reminders' periodic job: plan, then send what is due, every 30 s.
func (r *Reminders) Job() Job {
	return Job{Name: "reminders", Spec: "@every 30s", TTL: 10 * time.Minute, Run: r.Pass}
}

// Pass plans and sends once.
func (r *Reminders) Pass(ctx context.Context, now time.Time) error {
	return errors.Join(r.Plan(ctx, now), r.Send(ctx, now))
}

// Plan lists the reminders of every upcoming meetup and series session in the due index. Planning
// again changes nothing; a reminder already done is not planned again.
func (r *Reminders) Plan(ctx context.Context, now time.Time) error {
	ms, err := r.Store.MeetupsEndingAfter(ctx, now, planLimit)
	if err != nil {
		return err
	}
	var ds []flows.DueReminder
	for _, m := range ms {
		if m.Status != flows.MeetupPublished || !m.Start.After(now) {
			continue
		}
		for _, at := range ReminderTimes(r.Atlas, m) {
			ds = append(ds, flows.DueReminder{Kind: flows.ReminderMeetup, ID: m.ID, At: at})
		}
	}
	ss, err := r.Store.SeriesEndingAfter(ctx, now, planLimit)
	if err != nil {
		return err
	}
	horizon := r.SeriesHorizon
	if horizon <= 0 {
		horizon = DefaultSeriesHorizon
	}
	for _, s := range ss {
		for _, sess := range s.Sessions(now, 50) {
			if sess.After(now.Add(horizon)) {
				break
			}
			ds = append(ds, flows.DueReminder{Kind: flows.ReminderSeries, ID: s.ID, At: sess.Add(-s.Reminder())})
		}
	}
	return r.Store.PlanReminders(ctx, ds)
}

// ReminderTimes are a meetup's reminder times in its venue's zone.
func ReminderTimes(atlas *area.Atlas, m flows.Meetup) []time.Time {
	zone := time.UTC
	if prov, ok := atlas.Province(m.Province); ok {
		zone = prov.Zone
	}
	return flows.ReminderTimes(m, zone)
}

// Send takes the reminders due by now and queues them for their alumni, chunk by chunk. A reminder
// left half done by a crash is resumed where its progress says.
func (r *Reminders) Send(ctx context.Context, now time.Time) error {
	chunk := r.Chunk
	if chunk <= 0 {
		chunk = DefaultRemindChunk
	}
	var errs []error
	seen := 0
	for seen < maxDuePerPass && ctx.Err() == nil {
		ds, err := r.Store.DueReminders(ctx, now, dueBatch)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			break
		}
		progress := false
		for _, d := range ds {
			seen++
			left, err := r.one(ctx, d, now, chunk)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			progress = progress || !left
		}
		if !progress { // every one failed: try again at the next pass
			break
		}
	}
	return errors.Join(errs...)
}

// one sends one due reminder; left is true when it stays in the index (an error, or stopping).
func (r *Reminders) one(ctx context.Context, d flows.DueReminder, now time.Time, chunk int) (left bool, err error) {
	start, ok, err := r.event(ctx, d)
	if err != nil {
		return true, err
	}
	if !ok { // no longer one of its event's reminders (moved, changed, cancelled, gone)
		return false, r.Store.DropReminder(ctx, d)
	}
	if !now.Before(start) {
		took, err := r.Store.SkipReminder(ctx, d)
		if err != nil {
			return true, err
		}
		if took {
			r.Log.Warn("reminder skipped: its event has started", "kind", d.Kind, "id", d.ID, "due", d.At, "start", start)
			if r.Skipped != nil {
				r.Skipped(d.Kind)
			}
		}
		return false, nil
	}
	if late := now.Sub(d.At); late > time.Minute {
		r.Log.Info("reminder sent late", "kind", d.Kind, "id", d.ID, "due", d.At, "late", late.Round(time.Second))
	}
	total := 0
	for ctx.Err() == nil {
		n, done, err := r.Store.RunReminder(ctx, d, chunk)
		total += n
		if err != nil {
			return true, fmt.Errorf("reminder %s %s at %s: %w", d.Kind, d.ID, d.At.UTC().Format(time.RFC3339), err)
		}
		if done {
			if r.Queued != nil {
				r.Queued(d.Kind, total)
			}
			return false, nil
		}
	}
	return true, ctx.Err()
}

// event is the start of the meetup or session a reminder is about; ok is false when the reminder is
// not one of its event's any more.
func (r *Reminders) event(ctx context.Context, d flows.DueReminder) (time.Time, bool, error) {
	if d.Kind == flows.ReminderSeries {
		s, err := r.Store.Series(ctx, d.ID)
		if err != nil || s == nil {
			return time.Time{}, false, err
		}
		sess := d.At.Add(s.Reminder())
		next := s.Sessions(sess.Add(-time.Second), 1)
		return sess, len(next) == 1 && next[0].Equal(sess), nil
	}
	m, err := r.Store.Meetup(ctx, d.ID)
	if err != nil || m == nil || m.Status != flows.MeetupPublished {
		return time.Time{}, false, err
	}
	for _, at := range ReminderTimes(r.Atlas, *m) {
		if at.Equal(d.At) {
			return m.Start, true, nil
		}
	}
	return time.Time{}, false, nil
}
