package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// tellScript queues one notice of a kind for every holder of a seat, an offer or a waitlist place,
// in the meetup's outbound queue stream (encoding v1 of flows/notices.go).
// KEYS: going, offers, waitlist, q (one hash tag); ARGV: kind, meetup.
var tellScript = redis.NewScript(`
local n = 0
local function tell(a)
  redis.call('XADD', KEYS[4], '*', 'v', '1', 'kind', ARGV[1], 'alumnus', a, 'meetup', ARGV[2])
  n = n + 1
end
for _, a in ipairs(redis.call('SMEMBERS', KEYS[1])) do tell(a) end
for _, a in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do tell(a) end
for _, a in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do tell(a) end
return n`)

// TellHolders queues a notice for everyone holding a seat, an offer or a waitlist place at a meetup,
// in one script, and returns how many were queued. An error after the script (the queue could not be
// registered, see registerNotices) still returns the count: the notices are queued.
func (s *Store) TellHolders(ctx context.Context, meetup string, kind flows.NoticeKind) (int, error) {
	k := s.rsvpKeys(meetup)
	n, err := tellScript.Run(ctx, s.rdb, []string{k[1], k[2], k[3], k[8]}, string(kind), meetup).Int()
	if err != nil {
		return 0, fmt.Errorf("tell holders of %s: %w", meetup, err)
	}
	if n > 0 {
		return n, s.registerNotices(ctx, meetup)
	}
	return n, nil
}
