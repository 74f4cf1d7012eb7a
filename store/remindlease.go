package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// The scheduler's lease (schedule.Leaser): one replica at a time runs the periodic jobs.
//
//	ab:lease:<name>   string  the holder's name   expires PX ttl unless the holder renews it

func (s *Store) leaseKey(name string) string { return s.prefix + "lease:" + name }

var renewLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)

var releaseLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// AcquireLease takes the lease if nobody holds it (SET NX PX); true if owner holds it now.
func (s *Store) AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.leaseKey(name), owner, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", name, err)
	}
	return ok, nil
}

// RenewLease extends the lease for ttl if owner still holds it; false if it ran out or another took it.
func (s *Store) RenewLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	n, err := renewLeaseScript.Run(ctx, s.rdb, []string{s.leaseKey(name)}, owner, ttl.Milliseconds()).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, fmt.Errorf("renew lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives the lease up if owner holds it, so another replica takes it at once.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	if err := releaseLeaseScript.Run(ctx, s.rdb, []string{s.leaseKey(name)}, owner).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}
