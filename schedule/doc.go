// Package schedule runs alumnibot's periodic jobs on robfig/cron schedules: passing on seats whose
// offers ran out, and sweeping the outbound queue's registry. Every run takes a lock in Redis first,
// so with several replicas each run happens once. Notices are not sent from here: every replica
// consumes the outbound queue (bot/lane.go), which needs no lock.
//
// It may import flows; it knows nothing of Telegram or Redis beyond the small interfaces it is given.
package schedule
