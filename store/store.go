package store

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix starts every key unless Options say otherwise.
const DefaultPrefix = "ab:"

// Redis client settings that make a Redis outage fail fast. Every update waits for its Redis calls,
// and go-redis's defaults (a 5 s dial timeout, 5 dial attempts per connection, 3 retries per command)
// keep one update — and every chat queued behind it on its worker — waiting about 3 s when Redis
// refuses connections and over a minute when its host does not answer, before the user hears "try
// again". One retry still covers a pooled connection that a Redis restart or failover closed. A URL
// may still set dial_timeout and max_retries itself.
const (
	dialTimeout   = 2 * time.Second
	dialerRetries = 1 // dial attempts per new connection (go-redis: 5, 100 ms apart)
	maxRetries    = 1 // retries of a command after a network error (go-redis: 3)
)

// Open connects to the Redis named by url: "redis://", "rediss://" or "unix://" for one server, or a
// comma-separated list of "redis://host:port" nodes for a Redis Cluster. poolSize is the number of
// connections to keep per node; it should cover the number of concurrent workers.
func Open(url string, poolSize int) (redis.UniversalClient, error) {
	if poolSize <= 0 {
		poolSize = 10 * runtime.GOMAXPROCS(0)
	}
	if strings.Contains(url, ",") {
		var addrs []string
		var first *redis.Options
		for _, u := range strings.Split(url, ",") {
			o, err := redis.ParseURL(strings.TrimSpace(u))
			if err != nil {
				return nil, fmt.Errorf("REDIS_URL: cluster node %q: %w", u, err)
			}
			if first == nil {
				first = o
			}
			addrs = append(addrs, o.Addr)
		}
		failFast(first)
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs:         addrs,
			Username:      first.Username,
			Password:      first.Password,
			TLSConfig:     first.TLSConfig,
			PoolSize:      poolSize,
			DialTimeout:   first.DialTimeout,
			DialerRetries: first.DialerRetries,
			MaxRetries:    first.MaxRetries,
		}), nil
	}
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	o.PoolSize = poolSize
	failFast(o)
	return redis.NewClient(o), nil
}

// failFast applies dialTimeout, dialerRetries and maxRetries where the URL left the defaults.
func failFast(o *redis.Options) {
	if o.DialTimeout == 0 {
		o.DialTimeout = dialTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = maxRetries
	}
	o.DialerRetries = dialerRetries
}

// Store is alumnibot's state in one Redis (or Cluster).
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	codes  func() string // check-in codes; NewCode unless a test makes them predictable
	log    *slog.Logger  // what the store reads but cannot use (an unreadable profile); nil: slog.Default()
}

// New wraps a client. An empty prefix means DefaultPrefix.
func New(rdb redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{rdb: rdb, prefix: prefix, codes: NewCode}
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.rdb.Ping(ctx).Err()
}

// userKey builds a key of one user's; all of them share the hash tag {u:<id>}.
func (s *Store) userKey(user int64, suffix string) string {
	return s.prefix + "{u:" + strconv.FormatInt(user, 10) + "}:" + suffix
}
