package bot

import "github.com/prometheus/client_golang/prometheus"

// bulkMetrics are the bulk lane's series: the shared rate as this replica last saw it, the 429s it
// got, and how its messages ended, by kind.
type bulkMetrics struct {
	rate      prometheus.Gauge       // msg/s, the shared rate
	throttled prometheus.Counter     // 429s answered to bulk messages of this replica
	lowered   prometheus.Counter     // of those, the ones that lowered the shared rate (one per burst)
	outcomes  *prometheus.CounterVec // by kind and outcome (BulkOutcome)
	late      prometheus.Counter     // slots dropped because the sender woke up too late for them
}

func newBulkMetrics(reg prometheus.Registerer) *bulkMetrics {
	m := &bulkMetrics{
		rate: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "alumnibot_bulk_rate", Help: "The bulk lane's shared rate in messages per second, as this replica last saw it.",
		}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alumnibot_bulk_throttled_total", Help: "429 answers to bulk messages.",
		}),
		lowered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alumnibot_bulk_rate_lowered_total", Help: "429s that lowered the shared bulk rate (one per burst, over all replicas).",
		}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alumnibot_bulk_messages_total", Help: "Bulk messages finished, by kind and outcome (sent, skipped, blocked, not_found, failed).",
		}, []string{"kind", "outcome"}),
		late: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alumnibot_bulk_late_slots_total", Help: "Slots of the bulk rate dropped because the sender woke up too late for them (a loaded machine).",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.rate, m.throttled, m.lowered, m.outcomes, m.late)
	}
	return m
}
