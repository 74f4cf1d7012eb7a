package store

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix starts every key unless Options say otherwise.
const DefaultPrefix = "ab:"

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
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs:     addrs,
			Username:  first.Username,
			Password:  first.Password,
			TLSConfig: first.TLSConfig,
			PoolSize:  poolSize,
		}), nil
	}
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	o.PoolSize = poolSize
	return redis.NewClient(o), nil
}

// Store is alumnibot's state in one Redis (or Cluster).
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

// New wraps a client. An empty prefix means DefaultPrefix.
func New(rdb redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{rdb: rdb, prefix: prefix}
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.rdb.Ping(ctx).Err()
}

// userKey builds a key of one user's; all of them share the hash tag {u:<id>}.
func (s *Store) userKey(user int64, suffix string) string {
	return fmt.Sprintf("%s{u:%d}:%s", s.prefix, user, suffix)
}
