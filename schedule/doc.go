// Package schedule runs alumnibot's periodic jobs on robfig/cron schedules: passing on seats whose
// offers ran out, and sending the notices that changes left in the outbox. Every run takes a lock in
// Redis first, so with several replicas each run happens once.
//
// It may import flows; it knows nothing of Telegram or Redis beyond the small interfaces it is given.
package schedule
