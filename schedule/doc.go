// Package schedule runs alumnibot's periodic jobs — passing on seats whose offers ran out, sweeping
// the outbound queue's registry, planning and queueing reminders — on robfig/cron specs, each read in
// its own time.Location (WIB, WITA, WIT), with panics recovered by cron.Recover and logged through slog.
//
// Of several replicas one at a time runs the jobs: the one holding a lease in Redis, which it renews
// while it lives (a compare-and-pexpire script); when it dies, the lease runs out and another replica
// takes over at its next tick. Jobs are idempotent by themselves (a job that the old holder was
// running when it died is run again by the new one: reminders are claimed in Redis, so nothing is
// sent twice).
//
// The clock is injected (Clock): tests move a fake clock and call Tick; they never sleep on real
// time except for the lease itself, which lives in Redis.
//
// It may import flows; it knows nothing of Telegram or Redis beyond the small interfaces it is given.
package schedule
