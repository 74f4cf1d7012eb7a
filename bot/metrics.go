package bot

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the bot's Prometheus series. Label values are few and fixed, so children are looked up
// once and cached by the client library.
type metrics struct {
	updates  *prometheus.CounterVec // by kind: text, command, button, photo, other, ignored, blocked, duplicate, flood
	duration prometheus.Histogram   // handling time of one update, from dispatch to the last API call
	errors   *prometheus.CounterVec // by stage: handle, panic, send, queue
	api      *prometheus.CounterVec // Bot API calls by method and outcome
	inflight prometheus.Gauge       // updates dispatched and not yet finished

	// The outbound queue, by lane (see lane.go).
	queuePending   *prometheus.GaugeVec   // messages queued or handed out, not yet done
	queueOldest    *prometheus.GaugeVec   // age in seconds of the oldest of them
	queueDelivered *prometheus.CounterVec // sent (or nothing left to say) and acknowledged
	queueRetried   *prometheus.CounterVec // attempts that failed and will be tried again
	queueDead      *prometheus.CounterVec // given up on: written to the dead-letter stream

	bulk *bulkMetrics // the bulk lane's rate and outcomes (bulk_metrics.go)
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alumnibot_updates_total", Help: "Updates received, by kind.",
		}, []string{"kind"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "alumnibot_update_duration_seconds", Help: "Time to handle one update, replies included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alumnibot_errors_total", Help: "Errors while handling updates, by stage.",
		}, []string{"stage"}),
		api: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alumnibot_bot_api_calls_total", Help: "Bot API calls, by method and outcome.",
		}, []string{"method", "outcome"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "alumnibot_updates_in_flight", Help: "Updates dispatched and not yet handled.",
		}),
		queuePending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "alumnibot_queue_pending", Help: "Outbound messages queued or being sent, not yet done, by lane.",
		}, []string{"lane"}),
		queueOldest: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "alumnibot_queue_oldest_seconds", Help: "Age of the oldest outbound message not yet done, by lane.",
		}, []string{"lane"}),
		queueDelivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alumnibot_queue_delivered_total", Help: "Outbound messages sent and acknowledged, by lane.",
		}, []string{"lane"}),
		queueRetried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alumnibot_queue_retried_total", Help: "Outbound message attempts that will be tried again, by lane.",
		}, []string{"lane"}),
		queueDead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alumnibot_queue_dead_lettered_total", Help: "Outbound messages given up on and dead-lettered, by lane.",
		}, []string{"lane"}),
	}
	if reg != nil {
		reg.MustRegister(m.updates, m.duration, m.errors, m.api, m.inflight,
			m.queuePending, m.queueOldest, m.queueDelivered, m.queueRetried, m.queueDead)
	}
	m.bulk = newBulkMetrics(reg)
	return m
}

func (m *metrics) apiCall(method, outcome string) { m.api.WithLabelValues(method, outcome).Inc() }
func (m *metrics) update(kind string)             { m.updates.WithLabelValues(kind).Inc() }
func (m *metrics) fail(stage string)              { m.errors.WithLabelValues(stage).Inc() }
