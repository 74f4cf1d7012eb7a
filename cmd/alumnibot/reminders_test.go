package main

import (
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// Skipped reminders are counted on /metrics as alumnibot_reminders_skipped_total, by kind.
func TestReminderMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	r := newReminders(nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), reg)
	r.Skipped("m")
	r.Skipped("m")
	r.Queued("s", 5)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			got[mf.GetName()+"/"+m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
		}
	}
	if got["alumnibot_reminders_skipped_total/m"] != 2 || got["alumnibot_reminders_queued_total/s"] != 5 {
		t.Errorf("metrics %v", got)
	}
}
