package main

import (
	"strings"
	"testing"
)

// BROADCAST_RATE defaults to 25, goes up to 30, and up to 1,000 only with BROADCAST_PAID=1.
func TestBroadcastConfig(t *testing.T) {
	for _, tc := range []struct {
		rate, paid string
		want       float64
		wantPaid   bool
		err        string
	}{
		{"", "", 25, false, ""},
		{"30", "", 30, false, ""},
		{"2.5", "0", 2.5, false, ""},
		{"31", "", 0, false, "needs BROADCAST_PAID=1"},
		{"1000", "1", 1000, true, ""},
		{"", "true", 25, true, ""},
		{"1001", "1", 0, false, "from 1 to 1000"},
		{"0", "", 0, false, "BROADCAST_RATE"},
		{"fast", "", 0, false, "BROADCAST_RATE"},
		{"", "yes", 0, false, "BROADCAST_PAID"},
	} {
		env := map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc", "REDIS_URL": "redis://localhost:6379/0",
			"BROADCAST_RATE": tc.rate, "BROADCAST_PAID": tc.paid}
		c, err := loadConfig(func(k string) string { return env[k] })
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("rate %q paid %q: %v", tc.rate, tc.paid, err)
		case tc.err == "" && (c.BroadcastRate != tc.want || c.BroadcastPaid != tc.wantPaid):
			t.Errorf("rate %q paid %q: got %v %v, want %v %v", tc.rate, tc.paid, c.BroadcastRate, c.BroadcastPaid, tc.want, tc.wantPaid)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("rate %q paid %q: err %v, want one naming %q", tc.rate, tc.paid, err, tc.err)
		}
	}
}
