package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Personal data (/hapusdata): the announcements part. What an alumnus received is not kept per
// alumnus (a job keeps counts), so /datasaya has nothing to list here; an erasure takes them out of
// every place an announcement may still reach them from:
//
//   - the audience index (their shard's province set and counts, as MarkInactive does);
//   - every job's frozen snapshot of their shard (a build in progress there has its cursor moved
//     back by one when they were before it, so nobody else is skipped);
//   - every job's recipient chunks not yet queued (counted as skipped, so the job still ends), and
//     their entries waiting in its bulk stream (an outcome "skipped", as Done counts one).
//
// Jobs are found through ab:bc:recent, which lists every job ever made: a stopped job keeps the chunks
// it never queued. A builder that read a batch holding the alumnus from the snapshot just before the
// erasure and writes it just after puts them back in a chunk: a window of one script call.

// eraseBroadcasts does the above; running it again changes nothing more.
func (s *Store) eraseBroadcasts(ctx context.Context, user int64, now time.Time) error {
	p, err := s.Profile(ctx, user)
	if err != nil {
		return err
	}
	if p != nil { // inactive: already out (audFields says so)
		if err := s.indexProfile(ctx, user, p, nil); err != nil {
			return err
		}
	}
	ids, err := s.rdb.ZRange(ctx, s.bcRecent(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list announcements: %w", err)
	}
	a := strconv.FormatInt(user, 10)
	shard := audShard(user)
	for _, id := range ids {
		if err := s.eraseFromJob(ctx, id, a, shard, now); err != nil {
			return err
		}
	}
	return nil
}

// eraseFromJob takes the alumnus a out of one job: its snapshot of their shard, then its chunks and
// stream (one script under the job's tag).
func (s *Store) eraseFromJob(ctx context.Context, id, a string, shard int, now time.Time) error {
	snap := s.bcSnap(shard, id)
	rank := int64(-1)
	r, err := s.rdb.ZRank(ctx, snap, a).Result()
	switch {
	case err == nil:
		if err := s.rdb.ZRem(ctx, snap, a).Err(); err != nil {
			return fmt.Errorf("take %s out of the snapshot of %s: %w", a, id, err)
		}
		rank = r
	case !errors.Is(err, redis.Nil):
		return fmt.Errorf("read the snapshot of %s: %w", id, err)
	}
	chunks, err := s.rdb.HGet(ctx, s.bcJob(id), "chunks").Int()
	if errors.Is(err, redis.Nil) {
		return nil // no job (or no longer)
	}
	if err != nil {
		return fmt.Errorf("read job %s: %w", id, err)
	}
	keys := []string{s.bcJob(id), s.BroadcastQueue(id)}
	for c := range chunks {
		keys = append(keys, s.bcChunk(id, c))
	}
	if err := eraseJobScript.Run(ctx, s.rdb, keys, a, shard, rank, now.UnixMilli()).Err(); err != nil {
		return fmt.Errorf("take %s out of announcement %s: %w", a, id, err)
	}
	return nil
}

// eraseJobScript: KEYS job, q, r:0 … r:<chunks-1>; ARGV the alumnus, their shard, their rank in the
// job's snapshot of it before it was taken out (-1: not there), now (unix ms).
var eraseJobScript = redis.NewScript(`
local job, a = KEYS[1], ARGV[1]
local function num(f) return tonumber(redis.call('HGET', job, f) or '0') end
local state = redis.call('HGET', job, 'state')
if not state then return 0 end
-- The build reads the snapshot by rank: one fewer before its cursor moves the cursor back by one.
local rank = tonumber(ARGV[3])
if state == 'building' and rank >= 0 and redis.call('HGET', job, 'b_part') == ARGV[2] and num('b_rank') > rank then
  redis.call('HINCRBY', job, 'b_rank', -1)
end
local fc, fp, skipped = num('feed_c'), num('feed_p'), 0
for i = 3, #KEYS do
  local c = i - 3
  local pos = redis.call('LPOS', KEYS[i], a, 'COUNT', 0)
  if #pos > 0 then
    redis.call('LREM', KEYS[i], 0, a)
    for _, p in ipairs(pos) do
      if c == fc and p < fp then fp = fp - 1 -- already queued: its stream entry is counted below
      elseif c >= fc then skipped = skipped + 1 end
    end
  end
end
if fc < #KEYS - 2 then redis.call('HSET', job, 'feed_p', fp) end
for _, e in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do
  local f = e[2]
  for j = 1, #f, 2 do
    if f[j] == 'to' and f[j + 1] == a then
      redis.call('XDEL', KEYS[2], e[1])
      skipped = skipped + 1
    end
  end
end
if skipped > 0 then
  redis.call('HINCRBY', job, 'skipped', skipped)
  if state == 'fed' then
    local settled = num('sent') + num('failed') + num('blocked') + num('not_found') + num('skipped')
    if settled >= num('total') then redis.call('HSET', job, 'state', 'done', 'finished', ARGV[4]) end
  end
end
return skipped`)
