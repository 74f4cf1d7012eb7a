package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// The bulk lane's keys besides the shared rate (ratelimit.go):
//
//	ab:{u:<id>}:bulkpace   string  set for a second after a bulk message to the alumnus: at most one
//	                               a second to one chat (Telegram's limit in a chat)   expires 1 s
//	ab:{bq:<name>}:q       stream  bulk messages queued by QueueBulk (the load driver, tests); each
//	                               kind's own streams live under its own hash tag (broadcasts, reminders)

// bulkQueueChunk is how many entries QueueBulk writes per round trip.
const bulkQueueChunk = 1000

// BulkQueue is the key of a stream QueueBulk writes to.
func (s *Store) BulkQueue(name string) string { return s.prefix + "{bq:" + name + "}:q" }

// QueueBulk appends messages to the bulk stream of that name and lists it in the bulk lane's
// registry. Each entry needs the lane's fields "k" (kind) and "to" (chat). It is for the load driver
// and tests: a real kind queues its messages in the script of the change that causes them.
func (s *Store) QueueBulk(ctx context.Context, name string, entries []map[string]string) error {
	stream := s.BulkQueue(name)
	for len(entries) > 0 {
		n := min(len(entries), bulkQueueChunk)
		pipe := s.rdb.Pipeline()
		for _, e := range entries[:n] {
			vals := make([]any, 0, 2*len(e))
			for k, v := range e {
				vals = append(vals, k, v)
			}
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: vals})
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("queue bulk messages in %s: %w", stream, err)
		}
		entries = entries[n:]
	}
	if err := s.rdb.SAdd(ctx, s.queueRegistry(BulkLane), stream).Err(); err != nil {
		return fmt.Errorf("register %s: %w", stream, err)
	}
	return nil
}

// TakeBulkPace claims the one-second slot of a chat for a bulk message. When another bulk message
// went to it less than a second ago it returns false and how long until the slot frees.
func (s *Store) TakeBulkPace(ctx context.Context, chat int64, every time.Duration) (bool, time.Duration, error) {
	key := s.userKey(chat, "bulkpace")
	ok, err := s.rdb.SetNX(ctx, key, 1, every).Result()
	if err != nil {
		return false, 0, fmt.Errorf("bulk pace of %d: %w", chat, err)
	}
	if ok {
		return true, 0, nil
	}
	left, err := s.rdb.PTTL(ctx, key).Result()
	if err != nil {
		return false, 0, fmt.Errorf("bulk pace of %d: %w", chat, err)
	}
	return false, max(left, time.Millisecond), nil
}
