package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

func TestTransient(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("load session of 7: %w", err) } // as the store wraps
	mustDo := func(reply string) error { return redisError(reply) }
	// A replica refuses writes (READONLY), as during a failover: a real server's reply.
	rdb := redistest.Start(t).Client(t)
	ctx := context.Background()
	if err := rdb.Do(ctx, "REPLICAOF", "127.0.0.1", "1").Err(); err != nil {
		t.Skipf("REPLICAOF: %v", err)
	}
	readonly := rdb.Set(ctx, "k", "v", 0).Err()
	if readonly == nil {
		t.Fatal("a replica took a write")
	}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{wrap(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), true},
		{wrap(context.DeadlineExceeded), true},
		{wrap(redis.ErrPoolTimeout), true},
		{wrap(readonly), true},
		{wrap(mustDo("BUSY Redis is busy running a script.")), true},
		{wrap(mustDo("BUSYGROUP Consumer Group name already exists")), false},
		{wrap(mustDo("WRONGTYPE Operation against a key holding the wrong kind of value")), false},
		{wrap(redis.Nil), false},
		{flows.ErrConflict, false},
		{errors.New("decode conversation: unexpected end of JSON input"), false},
	} {
		if got := store.Transient(c.err); got != c.want {
			t.Errorf("Transient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// redisError is an error reply of the Redis server (one go-redis has no type of its own for).
type redisError string

func (e redisError) Error() string { return string(e) }
func (redisError) RedisError()     {}
