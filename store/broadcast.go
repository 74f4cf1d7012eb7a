package store

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// A broadcast job (issue 8): an announcement confirmed in /siaran, sent once to every recipient.
//
//	ab:{bc:<id>}:job       hash    def (JSON flows.Broadcast), state, figures, the build's and the
//	                               feed's cursors (broadcast.lua)
//	ab:{bc:<id>}:r:<c>     list    chunk c of the fixed recipient list, ≤ 1,000 ids; deleted once queued
//	ab:{bc:<id>}:q         stream  the job's entries of the bulk lane: k=bc, to=<id>, bc=<id>
//	ab:aud:{a<n>}:bc:<id>  zset    the audience's shard n as it was when the build reached it, read by
//	                               rank; deleted once copied (expires after SnapshotTTL anyway)
//	ab:bc:recent           zset    broadcast ids by creation (unix ms): /siaran's list
//	ab:bc:due              zset    scheduled broadcasts by send time (unix ms)
//	ab:bc:active           set     broadcasts being built, sent, or waiting for their final summary
//
// Life of a job: created (scheduled, or building at once) → building: the audience is copied shard by
// shard from a frozen snapshot into chunks, each batch with the build cursor in one script, so a
// builder that dies leaves a cursor the next one goes on from → sending: Feed moves recipients from
// the chunks into the job's stream and the feed cursor past them in one script (a crash leaves both or
// neither), only while the stream holds fewer than the caller's max (backpressure) → fed → done when
// every entry has an outcome (BroadcastDone, counted once per entry). Stop makes every entry still
// queued a skip.

//go:embed broadcast.lua
var broadcastLua string

var broadcastScript = redis.NewScript(broadcastLua)

// snapshotScript freezes one shard of an audience for a job's build, once: a province's set (ARGV[1]
// "one", ARGV[2] the province), or the union of all the shard's province sets ("all", listed by the
// shard's counts). KEYS: snapshot, the shard's counts. ARGV[3]: lifetime (s); ARGV[4]: the shard's
// key prefix. The sets are the shard's, under its hash tag.
var snapshotScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  local srcs = {}
  if ARGV[1] == 'one' then
    srcs = {ARGV[4] .. 'p:' .. ARGV[2]}
  else
    local h = redis.call('HGETALL', KEYS[2])
    for i = 1, #h, 2 do
      if string.sub(h[i], 1, 2) == 'p:' and tonumber(h[i + 1]) > 0 then table.insert(srcs, ARGV[4] .. h[i]) end
    end
  end
  if #srcs > 0 then
    redis.call('ZUNIONSTORE', KEYS[1], #srcs, unpack(srcs))
    redis.call('EXPIRE', KEYS[1], ARGV[3])
  end
end
return redis.call('ZCARD', KEYS[1])`)

// Job tuning.
const (
	ChunkSize   = 1000               // recipients per chunk, and per build batch
	SnapshotTTL = 7 * 24 * time.Hour // a build's shard snapshot outlives any build
)

func (s *Store) bcTag(id string) string          { return s.prefix + "{bc:" + id + "}:" }
func (s *Store) bcJob(id string) string          { return s.bcTag(id) + "job" }
func (s *Store) bcChunk(id string, c int) string { return s.bcTag(id) + "r:" + strconv.Itoa(c) }

// BroadcastQueue is the job's stream of the bulk lane.
func (s *Store) BroadcastQueue(id string) string { return s.bcTag(id) + "q" }
func (s *Store) bcRecent() string                { return s.prefix + "bc:recent" }
func (s *Store) bcDue() string                   { return s.prefix + "bc:due" }
func (s *Store) bcActive() string                { return s.prefix + "bc:active" }
func (s *Store) bcSnap(shard int, id string) string {
	return s.audTag(shard) + "bc:" + id
}

func (s *Store) runBroadcast(ctx context.Context, id string, keys []string, args ...any) *redis.Cmd {
	return broadcastScript.Run(ctx, s.rdb, append([]string{s.bcJob(id)}, keys...), args...)
}

// CreateBroadcast saves a confirmed announcement; see flows.Broadcasts.
func (s *Store) CreateBroadcast(ctx context.Context, b flows.Broadcast, now time.Time) (flows.Broadcast, error) {
	if b.ID == "" || len(b.ID) > flows.MaxBroadcastID {
		return flows.Broadcast{}, fmt.Errorf("create broadcast: bad id %q", b.ID)
	}
	b.Created = now
	def, err := json.Marshal(b)
	if err != nil {
		return flows.Broadcast{}, fmt.Errorf("encode broadcast %s: %w", b.ID, err)
	}
	state := flows.BcBuilding
	if b.SendAt.After(now) {
		state = flows.BcScheduled
	}
	if err := s.runBroadcast(ctx, b.ID, nil, "create", def, state, now.UnixMilli()).Err(); err != nil {
		return flows.Broadcast{}, fmt.Errorf("create broadcast %s: %w", b.ID, err)
	}
	saved, err := s.Broadcast(ctx, b.ID)
	if err != nil {
		return flows.Broadcast{}, err
	}
	if saved == nil {
		return flows.Broadcast{}, fmt.Errorf("create broadcast %s: gone at once", b.ID)
	}
	// The indexes of jobs, written after the job (another slot); a re-run of the update writes them again.
	pipe := s.rdb.Pipeline()
	pipe.ZAdd(ctx, s.bcRecent(), redis.Z{Score: float64(saved.Created.UnixMilli()), Member: b.ID})
	switch saved.State {
	case flows.BcScheduled:
		pipe.ZAdd(ctx, s.bcDue(), redis.Z{Score: float64(saved.SendAt.UnixMilli()), Member: b.ID})
	default:
		pipe.SAdd(ctx, s.bcActive(), b.ID)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return flows.Broadcast{}, fmt.Errorf("list broadcast %s: %w", b.ID, err)
	}
	return *saved, nil
}

// Broadcast reads a job; nil when there is none.
func (s *Store) Broadcast(ctx context.Context, id string) (*flows.Broadcast, error) {
	h, err := s.rdb.HGetAll(ctx, s.bcJob(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("read broadcast %s: %w", id, err)
	}
	if len(h) == 0 {
		return nil, nil
	}
	return decodeBroadcast(id, h)
}

func decodeBroadcast(id string, h map[string]string) (*flows.Broadcast, error) {
	var b flows.Broadcast
	if err := json.Unmarshal([]byte(h["def"]), &b); err != nil {
		return nil, fmt.Errorf("decode broadcast %s: %w", id, err)
	}
	n := func(f string) int64 { v, _ := strconv.ParseInt(h[f], 10, 64); return v }
	ms := func(f string) time.Time {
		if v := n(f); v > 0 {
			return time.UnixMilli(v)
		}
		return time.Time{}
	}
	b.State = h["state"]
	b.Total, b.Sent, b.Failed, b.Blocked, b.NotFound, b.Skipped =
		n("total"), n("sent"), n("failed"), n("blocked"), n("not_found"), n("skipped")
	b.Started, b.Finished = ms("started"), ms("finished")
	if pm := n("pm"); pm != 0 {
		b.Progress = int(pm)
	}
	if c := ms("created"); !c.IsZero() {
		b.Created = c
	}
	return &b, nil
}

// StopBroadcast stops a job that is not over; see flows.Broadcasts.
func (s *Store) StopBroadcast(ctx context.Context, id string, now time.Time) (*flows.Broadcast, error) {
	if err := s.runBroadcast(ctx, id, nil, "stop", now.UnixMilli()).Err(); err != nil {
		return nil, fmt.Errorf("stop broadcast %s: %w", id, err)
	}
	pipe := s.rdb.Pipeline()
	pipe.ZRem(ctx, s.bcDue(), id)
	pipe.SAdd(ctx, s.bcActive(), id) // for its final summary
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("stop broadcast %s: %w", id, err)
	}
	return s.Broadcast(ctx, id)
}

// RecentBroadcasts lists up to n jobs, newest first.
func (s *Store) RecentBroadcasts(ctx context.Context, n int) ([]flows.Broadcast, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.bcRecent(), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("list broadcasts: %w", err)
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, s.bcJob(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("read broadcasts: %w", err)
	}
	out := make([]flows.Broadcast, 0, len(ids))
	for i, id := range ids {
		if len(cmds[i].Val()) == 0 {
			continue
		}
		b, err := decodeBroadcast(id, cmds[i].Val())
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, nil
}

// ActiveBroadcasts lists the jobs being built or sent, or waiting for their final summary.
func (s *Store) ActiveBroadcasts(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.bcActive()).Result()
	if err != nil {
		return nil, fmt.Errorf("list active broadcasts: %w", err)
	}
	slices.Sort(ids)
	return ids, nil
}

// StartDueBroadcasts starts the scheduled jobs whose time has come, and returns how many.
func (s *Store) StartDueBroadcasts(ctx context.Context, now time.Time) (int, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, s.bcDue(), &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: 100}).Result()
	if err != nil {
		return 0, fmt.Errorf("due broadcasts: %w", err)
	}
	for _, id := range ids {
		if err := s.runBroadcast(ctx, id, nil, "start", now.UnixMilli()).Err(); err != nil {
			return 0, fmt.Errorf("start broadcast %s: %w", id, err)
		}
		// Active first, then off the schedule: a crash in between starts it again, which changes nothing.
		if err := s.rdb.SAdd(ctx, s.bcActive(), id).Err(); err != nil {
			return 0, fmt.Errorf("start broadcast %s: %w", id, err)
		}
		if err := s.rdb.ZRem(ctx, s.bcDue(), id).Err(); err != nil {
			return 0, fmt.Errorf("start broadcast %s: %w", id, err)
		}
	}
	return len(ids), nil
}

// SetBroadcastProgress records the organizer's progress message of a job that had none (a scheduled
// one: its progress is a new message when it starts).
func (s *Store) SetBroadcastProgress(ctx context.Context, id string, message int) error {
	return wrapErr(s.rdb.HSet(ctx, s.bcJob(id), "pm", message).Err(), "progress message of %s", id)
}

// FinishBroadcast takes a job that is over off the active list.
func (s *Store) FinishBroadcast(ctx context.Context, id string) error {
	return wrapErr(s.rdb.SRem(ctx, s.bcActive(), id).Err(), "finish broadcast %s", id)
}

// ClaimSummary says whether this caller is the one to send a finished job's final summary (once).
func (s *Store) ClaimSummary(ctx context.Context, id string) (bool, error) {
	n, err := s.runBroadcast(ctx, id, nil, "summary").Int()
	if err != nil {
		return false, fmt.Errorf("claim the summary of %s: %w", id, err)
	}
	return n == 1, nil
}

// BroadcastState reads what the bulk lane needs per message: the job's definition and its state.
func (s *Store) BroadcastState(ctx context.Context, id string) (*flows.Broadcast, error) {
	vals, err := s.rdb.HMGet(ctx, s.bcJob(id), "def", "state").Result()
	if err != nil {
		return nil, fmt.Errorf("read broadcast %s: %w", id, err)
	}
	def, _ := vals[0].(string)
	if def == "" {
		return nil, nil
	}
	var b flows.Broadcast
	if err := json.Unmarshal([]byte(def), &b); err != nil {
		return nil, fmt.Errorf("decode broadcast %s: %w", id, err)
	}
	b.State, _ = vals[1].(string)
	return &b, nil
}

// BroadcastDone counts one entry's outcome ("sent", "failed", "blocked", "not_found", "skipped"),
// once per entry however often it is called.
func (s *Store) BroadcastDone(ctx context.Context, id string, m flows.Outbound, outcome string, now time.Time) error {
	switch outcome {
	case "sent", "failed", "blocked", "not_found", "skipped":
	default:
		return fmt.Errorf("broadcast %s: unknown outcome %q", id, outcome)
	}
	err := s.runBroadcast(ctx, id, []string{s.BroadcastQueue(id)}, "done", m.ID, outcome, now.UnixMilli()).Err()
	return wrapErr(err, "count %s of %s for broadcast %s", outcome, m.ID, id)
}

// Feed queues up to batch recipients of a sending job into its stream of the bulk lane, keeping at most
// maxWaiting entries waiting there, and lists the stream in the lane's registry. It returns how many it
// queued. Any replica may feed any job at any time: each step is one script guarded by the cursor.
func (s *Store) Feed(ctx context.Context, id string, maxWaiting, batch int, now time.Time) (int, error) {
	queued := 0
	for queued < batch {
		c, err := s.rdb.HGet(ctx, s.bcJob(id), "feed_c").Int()
		if err != nil {
			if errors.Is(err, redis.Nil) {
				return queued, nil
			}
			return queued, fmt.Errorf("feed broadcast %s: %w", id, err)
		}
		n, err := s.runBroadcast(ctx, id, []string{s.BroadcastQueue(id), s.bcChunk(id, c)},
			"feed", c, maxWaiting, batch-queued, id, now.UnixMilli()).Int()
		if err != nil {
			return queued, fmt.Errorf("feed broadcast %s: %w", id, err)
		}
		if n > 0 {
			queued += n
			continue
		}
		if n == -2 { // the cursor moved (to the next chunk, or by another feeder): read it again
			continue
		}
		break // 0: the stream is full; -1: not sending
	}
	if queued > 0 {
		if err := s.rdb.SAdd(ctx, s.queueRegistry(BulkLane), s.BroadcastQueue(id)).Err(); err != nil {
			return queued, fmt.Errorf("register broadcast %s: %w", id, err)
		}
	}
	return queued, nil
}

// RegisterBroadcastQueue lists a job's stream in the bulk lane's registry again (a registration a
// crash left out), when it holds entries.
func (s *Store) RegisterBroadcastQueue(ctx context.Context, id string) error {
	n, err := s.rdb.XLen(ctx, s.BroadcastQueue(id)).Result()
	if err != nil || n == 0 {
		return wrapErr(err, "length of broadcast %s", id)
	}
	return wrapErr(s.rdb.SAdd(ctx, s.queueRegistry(BulkLane), s.BroadcastQueue(id)).Err(), "register broadcast %s", id)
}
