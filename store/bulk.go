package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// The bulk lane's keys besides the shared rate (ratelimit.go):
//
//	ab:{u:<id>}:bulkpace   string  the entry that sends the alumnus a bulk message, held until a
//	                               second or two after it: at most one a second to one chat
//	                               (Telegram's limit in a chat)
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

var paceScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 0
end
return redis.call('PTTL', KEYS[1])`)

// TakeBulkPace claims a chat's slot for a bulk message for every, on behalf of holder (the entry's
// id): taken again by the same holder it is extended. When another holder has it, it returns false
// and how long until it frees.
func (s *Store) TakeBulkPace(ctx context.Context, chat int64, holder string, every time.Duration) (bool, time.Duration, error) {
	left, err := paceScript.Run(ctx, s.rdb, []string{s.userKey(chat, "bulkpace")}, holder, max(every.Milliseconds(), 1)).Int64()
	if err != nil {
		return false, 0, fmt.Errorf("bulk pace of %d: %w", chat, err)
	}
	if left == 0 {
		return true, 0, nil
	}
	return false, max(time.Duration(left)*time.Millisecond, time.Millisecond), nil
}
