package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// EachProfile calls fn for every alumnus's profile, walking the profile keys with SCAN a batch at a
// time and reading each batch in one round trip, so memory stays bounded by a batch whatever the
// number of alumni (the super-admin's export of the whole list). On Redis Cluster every master is
// walked. A profile deleted during the walk is skipped; one added may be missed (SCAN's guarantee).
func (s *Store) EachProfile(ctx context.Context, fn func(user int64, p flows.Profile) error) error {
	return s.scanKeys(ctx, s.prefix+"{u:*}:profile", func(c redis.Cmdable, keys []string) error {
		return s.eachProfileOf(ctx, c, keys, fn)
	})
}

// scanKeys calls fn with each batch of the keys matching a pattern (SCAN, 500 at a time), and the
// client of the node that holds them: on Redis Cluster every master is walked.
func (s *Store) scanKeys(ctx context.Context, match string, fn func(c redis.Cmdable, keys []string) error) error {
	walk := func(ctx context.Context, c redis.Cmdable) error {
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, match, 500).Result()
			if err != nil {
				return fmt.Errorf("scan %s: %w", match, err)
			}
			if len(keys) > 0 {
				if err := fn(c, keys); err != nil {
					return err
				}
			}
			if cursor = next; cursor == 0 {
				return nil
			}
		}
	}
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return walk(ctx, c) })
	}
	return walk(ctx, s.rdb)
}

func (s *Store) eachProfileOf(ctx context.Context, c redis.Cmdable, keys []string, fn func(int64, flows.Profile) error) error {
	if len(keys) == 0 {
		return nil
	}
	ps, err := s.readProfiles(ctx, c, keys)
	if err != nil {
		return err
	}
	for i, k := range keys {
		id, ok := userOfKey(k)
		if !ok || ps[i] == nil {
			continue
		}
		if err := fn(id, *ps[i]); err != nil {
			return err
		}
	}
	return nil
}
