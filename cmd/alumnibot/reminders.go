package main

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/schedule"
	"github.com/alumnibot/alumnibot/store"
)

// newReminders is the reminder job with its counters on /metrics: reminders skipped because their
// event had started (after downtime), and reminder messages queued, by kind ("m" meetup, "s" series).
func newReminders(st *store.Store, atlas *area.Atlas, log *slog.Logger, reg prometheus.Registerer) *schedule.Reminders {
	skipped := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alumnibot_reminders_skipped_total",
		Help: "Reminders not sent because their meetup or session had started by the time they were due to go (e.g. after downtime).",
	}, []string{"kind"})
	queued := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alumnibot_reminders_queued_total",
		Help: "Reminder messages queued in the bulk lane, one per alumnus and reminder.",
	}, []string{"kind"})
	reg.MustRegister(skipped, queued)
	return &schedule.Reminders{Store: st, Atlas: atlas, Log: log,
		Skipped: func(kind string) { skipped.WithLabelValues(kind).Inc() },
		Queued:  func(kind string, n int) { queued.WithLabelValues(kind).Add(float64(n)) },
	}
}
