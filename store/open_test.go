package store_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/store"
)

// Open makes a Redis outage fail fast unless the URL says otherwise: go-redis's defaults keep each
// update waiting seconds (refused connections) to minutes (an unreachable host).
func TestOpenFailsFast(t *testing.T) {
	for _, tc := range []struct {
		url         string
		dialTimeout time.Duration
		maxRetries  int
	}{
		{"redis://127.0.0.1:6379/0", 2 * time.Second, 1},
		{"unix:///tmp/redis.sock", 2 * time.Second, 1},
		{"redis://127.0.0.1:6379/0?dial_timeout=7s&max_retries=4", 7 * time.Second, 4},
	} {
		rdb, err := store.Open(tc.url, 8)
		if err != nil {
			t.Fatal(err)
		}
		o := rdb.(*redis.Client).Options()
		if o.DialTimeout != tc.dialTimeout || o.MaxRetries != tc.maxRetries || o.DialerRetries != 1 || o.PoolSize != 8 {
			t.Errorf("Open(%q): dial timeout %v, max retries %d, dialer retries %d, pool %d; want %v, %d, 1, 8",
				tc.url, o.DialTimeout, o.MaxRetries, o.DialerRetries, o.PoolSize, tc.dialTimeout, tc.maxRetries)
		}
		_ = rdb.Close()
	}
	rdb, err := store.Open("redis://127.0.0.1:7000,redis://127.0.0.1:7001", 8)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if o := rdb.(*redis.ClusterClient).Options(); o.DialTimeout != 2*time.Second || o.MaxRetries != 1 || o.DialerRetries != 1 {
		t.Errorf("cluster: dial timeout %v, max retries %d, dialer retries %d; want 2s, 1, 1", o.DialTimeout, o.MaxRetries, o.DialerRetries)
	}
}
