package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// The outbound queue: everything the bot sends on its own waits in Redis Streams.
//
// A lane is a kind of traffic with its own consumer loop ("notices" today; issue 8 adds a
// rate-limited "bulk" lane). A lane's messages live in many streams — one per meetup for notices,
// each under the hash tag of the keys whose change causes them, so the script that makes the change
// XADDs the message in the same step, on Redis Cluster too. A lane's consumer group has the lane's
// name in each of its streams; every replica is a consumer of it, so the group hands each entry to one
// replica at a time and no lock is needed.
//
//	ab:{mt:<id>}:q        stream  the meetup's notices (fields: flows.Notice.Fields, version 1)
//	ab:queues:<lane>      set     the streams of a lane that may hold messages: consumers read these
//	ab:deadletter         stream  messages given up on, with the error; capped at about 10,000
//
// An entry's life: XADD by a script; XREADGROUP hands it to one consumer (ReadQueue); once sent,
// XACK and XDEL (AckQueue) so a stream only ever holds what is not done yet. An entry handed out and
// not acknowledged within the lane's lease is taken over by XAUTOCLAIM (ClaimQueue), by any
// consumer: that is how another replica finishes a dead one's messages. A failed attempt is retried
// with backoff by making the entry look idle for a while already (XCLAIM IDLE, RequeueQueue), so it
// is due again after the backoff instead of the whole lease; its delivery count (XPENDING) counts
// the attempts. What fails for good goes to the dead-letter stream, then is acknowledged.
//
// The registry is written after each script that queued something, and its error returned; should
// that fail (or the process die in between), SweepNoticeQueues finds the stream again from the
// durable index of meetups. A consumer removes a stream from the registry once it is empty, and
// checks again after removing it, so a message queued meanwhile is never stranded.

// NoticesLane is the lane of notices to alumni (offers, expiries, meetup changes and cancellations).
const NoticesLane = "notices"

// BulkLane is the lane of messages to many alumni at once (broadcasts, reminders), sent at one rate
// shared by every replica; bot.BulkLane documents its entries.
const BulkLane = "bulk"

// deadLetterMax caps the dead-letter stream (approximately: MAXLEN ~).
const deadLetterMax = 10000

func (s *Store) queueRegistry(lane string) string { return s.prefix + "queues:" + lane }
func (s *Store) deadLetterKey() string            { return s.prefix + "deadletter" }
func (s *Store) noticeQueue(meetup string) string { return s.rsvpKeys(meetup)[8] }

// registerNotices lists a meetup's notice stream in the notices lane's registry.
func (s *Store) registerNotices(ctx context.Context, meetup string) error {
	if err := s.rdb.SAdd(ctx, s.queueRegistry(NoticesLane), s.noticeQueue(meetup)).Err(); err != nil {
		return fmt.Errorf("register the notices of %s: %w", meetup, err)
	}
	return nil
}

// QueueStreams lists the streams of a lane that may hold messages.
func (s *Store) QueueStreams(ctx context.Context, lane string) ([]string, error) {
	return s.members(ctx, s.queueRegistry(lane), "list the %s queues", lane)
}

// ensureGroup creates the lane's consumer group in a stream (and the stream), reading from its start:
// a stream only holds messages not done yet.
func (s *Store) ensureGroup(ctx context.Context, lane, stream string) error {
	err := s.rdb.XGroupCreateMkStream(ctx, stream, lane, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create group %s of %s: %w", lane, stream, err)
	}
	return nil
}

func noGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

func outbound(stream string, m redis.XMessage, deliveries int64) flows.Outbound {
	f := make(map[string]string, len(m.Values))
	for k, v := range m.Values {
		f[k] = fmt.Sprint(v)
	}
	return flows.Outbound{Queue: stream, ID: m.ID, Deliveries: deliveries, Fields: f}
}

// ReadQueue hands up to n messages of a stream that no consumer had yet to this one (XREADGROUP).
func (s *Store) ReadQueue(ctx context.Context, lane, stream, consumer string, n int) ([]flows.Outbound, error) {
	args := &redis.XReadGroupArgs{Group: lane, Consumer: consumer, Streams: []string{stream, ">"}, Count: int64(n), Block: -1}
	res, err := s.rdb.XReadGroup(ctx, args).Result()
	if noGroup(err) {
		if err := s.ensureGroup(ctx, lane, stream); err != nil {
			return nil, err
		}
		res, err = s.rdb.XReadGroup(ctx, args).Result()
	}
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, err)
	}
	var out []flows.Outbound
	for _, st := range res {
		for _, m := range st.Messages {
			out = append(out, outbound(stream, m, 1))
		}
	}
	return out, nil
}

// ClaimQueue hands up to n messages of a stream to this consumer that were handed out before and
// not acknowledged for at least minIdle (XAUTOCLAIM): a dead consumer's, and failed ones whose
// backoff ran out. Their Deliveries say how often they were handed out, this time included.
func (s *Store) ClaimQueue(ctx context.Context, lane, stream, consumer string, minIdle time.Duration, n int) ([]flows.Outbound, error) {
	var msgs []redis.XMessage
	start := "0-0"
	for len(msgs) < n {
		got, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: stream, Group: lane, Consumer: consumer, MinIdle: minIdle, Start: start, Count: int64(n - len(msgs)),
		}).Result()
		if noGroup(err) {
			return nil, s.ensureGroup(ctx, lane, stream)
		}
		if err != nil {
			return nil, fmt.Errorf("claim %s: %w", stream, err)
		}
		msgs = append(msgs, got...)
		if next == "0-0" || next == "" {
			break
		}
		start = next
	}
	if len(msgs) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	counts := make([]*redis.XPendingExtCmd, len(msgs))
	for i, m := range msgs {
		counts[i] = pipe.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: lane, Start: m.ID, End: m.ID, Count: 1})
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("delivery counts of %s: %w", stream, err)
	}
	out := make([]flows.Outbound, 0, len(msgs))
	for i, m := range msgs {
		d := int64(1)
		if p, err := counts[i].Result(); err == nil && len(p) == 1 {
			d = p[0].RetryCount
		}
		out = append(out, outbound(stream, m, d))
	}
	return out, nil
}

// RequeueQueue leaves a message handed to this consumer pending, as if idle for idle already (so it
// is claimed again once it has been idle for the lane's lease), with its delivery count set to
// deliveries: a failed attempt keeps its count and waits out a backoff shorter than the lease; a
// message not attempted gets its count back and idle = the lease, due at once (XCLAIM IDLE
// RETRYCOUNT JUSTID).
func (s *Store) RequeueQueue(ctx context.Context, lane, consumer string, m flows.Outbound, idle time.Duration, deliveries int64) error {
	err := s.rdb.Do(ctx, "XCLAIM", m.Queue, lane, consumer, 0, m.ID,
		"IDLE", max(idle, 0).Milliseconds(), "RETRYCOUNT", max(deliveries, 0), "JUSTID").Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("requeue %s of %s: %w", m.ID, m.Queue, err)
	}
	return nil
}

// AckQueue marks a message done: acknowledged and deleted from its stream, in one transaction.
func (s *Store) AckQueue(ctx context.Context, lane string, m flows.Outbound) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, m.Queue, lane, m.ID)
		p.XDel(ctx, m.Queue, m.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("ack %s of %s: %w", m.ID, m.Queue, err)
	}
	return nil
}

// DeadLetter records a message given up on, with the reason, in the dead-letter stream, then
// acknowledges it. A crash in between records it twice, never loses it.
func (s *Store) DeadLetter(ctx context.Context, lane string, m flows.Outbound, reason string) error {
	entry, err := json.Marshal(m.Fields)
	if err != nil {
		return fmt.Errorf("dead-letter %s of %s: %w", m.ID, m.Queue, err)
	}
	err = s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.deadLetterKey(), MaxLen: deadLetterMax, Approx: true, Values: []any{
		"lane", lane, "queue", m.Queue, "id", m.ID, "attempts", m.Deliveries, "error", reason,
		"at", time.Now().Unix(), "entry", string(entry),
	}}).Err()
	if err != nil {
		return fmt.Errorf("dead-letter %s of %s: %w", m.ID, m.Queue, err)
	}
	return s.AckQueue(ctx, lane, m)
}

// DeadLetters reads up to n records of the dead-letter stream, oldest first.
func (s *Store) DeadLetters(ctx context.Context, n int) ([]flows.DeadLetter, error) {
	msgs, err := s.rdb.XRangeN(ctx, s.deadLetterKey(), "-", "+", int64(n)).Result()
	if err != nil {
		return nil, fmt.Errorf("read dead letters: %w", err)
	}
	out := make([]flows.DeadLetter, 0, len(msgs))
	for _, m := range msgs {
		str := func(k string) string { v, _ := m.Values[k].(string); return v }
		d := flows.DeadLetter{Lane: str("lane"), Queue: str("queue"), ID: str("id"), Error: str("error")}
		d.Attempts, _ = strconv.ParseInt(str("attempts"), 10, 64)
		if sec, err := strconv.ParseInt(str("at"), 10, 64); err == nil {
			d.At = time.Unix(sec, 0)
		}
		_ = json.Unmarshal([]byte(str("entry")), &d.Fields)
		out = append(out, d)
	}
	return out, nil
}

// ReleaseQueue takes an empty stream off its lane's registry. It looks again after removing it and
// puts it back if a message came meanwhile (writers register after queueing), so none is stranded.
func (s *Store) ReleaseQueue(ctx context.Context, lane, stream string) error {
	n, err := s.rdb.XLen(ctx, stream).Result()
	if err != nil || n > 0 {
		return wrapErr(err, "length of %s", stream)
	}
	if err := s.rdb.SRem(ctx, s.queueRegistry(lane), stream).Err(); err != nil {
		return fmt.Errorf("release %s: %w", stream, err)
	}
	if n, err = s.rdb.XLen(ctx, stream).Result(); err != nil || n == 0 {
		if err != nil {
			// Unsure: list it again rather than strand it.
			_ = s.rdb.SAdd(ctx, s.queueRegistry(lane), stream).Err()
		}
		return wrapErr(err, "length of %s", stream)
	}
	return wrapErr(s.rdb.SAdd(ctx, s.queueRegistry(lane), stream).Err(), "register %s", stream)
}

func wrapErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// QueueStats counts a lane's messages not done yet (queued, or handed out and not acknowledged)
// and finds when the oldest was queued, over the streams of its registry.
func (s *Store) QueueStats(ctx context.Context, lane string) (flows.QueueStats, error) {
	var st flows.QueueStats
	streams, err := s.QueueStreams(ctx, lane)
	if err != nil || len(streams) == 0 {
		return st, err
	}
	pipe := s.rdb.Pipeline()
	lens := make([]*redis.IntCmd, len(streams))
	firsts := make([]*redis.XMessageSliceCmd, len(streams))
	for i, q := range streams {
		lens[i] = pipe.XLen(ctx, q)
		firsts[i] = pipe.XRangeN(ctx, q, "-", "+", 1)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return st, fmt.Errorf("%s queue stats: %w", lane, err)
	}
	for i := range streams {
		st.Pending += lens[i].Val()
		if ms := firsts[i].Val(); len(ms) > 0 {
			if t := (flows.Outbound{ID: ms[0].ID}).Enqueued(); st.Oldest.IsZero() || t.Before(st.Oldest) {
				st.Oldest = t
			}
		}
	}
	return st, nil
}

// SweepNoticeQueues lists again, from the durable index of meetups, every meetup whose notice
// stream holds messages: a registration lost to a failure or a crash strands nothing for longer
// than one sweep. It returns how many streams hold messages.
func (s *Store) SweepNoticeQueues(ctx context.Context) (int, error) {
	const chunk = 500
	found := 0
	for start := int64(0); ; start += chunk {
		ids, err := s.rdb.ZRange(ctx, s.meetupIndex(), start, start+chunk-1).Result()
		if err != nil {
			return found, fmt.Errorf("sweep notice queues: %w", err)
		}
		if len(ids) == 0 {
			return found, nil
		}
		pipe := s.rdb.Pipeline()
		lens := make([]*redis.IntCmd, len(ids))
		for i, id := range ids {
			lens[i] = pipe.XLen(ctx, s.noticeQueue(id))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return found, fmt.Errorf("sweep notice queues: %w", err)
		}
		var busy []any
		for i, id := range ids {
			if lens[i].Val() > 0 {
				busy = append(busy, s.noticeQueue(id))
			}
		}
		if len(busy) > 0 {
			if err := s.rdb.SAdd(ctx, s.queueRegistry(NoticesLane), busy...).Err(); err != nil {
				return found, fmt.Errorf("sweep notice queues: %w", err)
			}
			found += len(busy)
		}
		if len(ids) < chunk {
			return found, nil
		}
	}
}

// PeekNotices reads up to n notices of a meetup's queue not done yet, oldest first, changing nothing.
func (s *Store) PeekNotices(ctx context.Context, meetup string, n int) ([]flows.Notice, error) {
	msgs, err := s.rdb.XRangeN(ctx, s.noticeQueue(meetup), "-", "+", int64(n)).Result()
	if err != nil {
		return nil, fmt.Errorf("read the notices of %s: %w", meetup, err)
	}
	out := make([]flows.Notice, 0, len(msgs))
	for _, m := range msgs {
		nt, err := flows.DecodeNotice(outbound("", m, 0).Fields)
		if err != nil {
			return nil, fmt.Errorf("notice %s of %s: %w", m.ID, meetup, err)
		}
		out = append(out, nt)
	}
	return out, nil
}

// OutboxMeetups lists the meetups whose notice streams are in the notices lane's registry.
func (s *Store) OutboxMeetups(ctx context.Context) ([]string, error) {
	qs, err := s.QueueStreams(ctx, NoticesLane)
	if err != nil {
		return nil, err
	}
	pre := s.prefix + "{mt:"
	var ids []string
	for _, q := range qs {
		if id, ok := strings.CutSuffix(strings.TrimPrefix(q, pre), "}:q"); ok && strings.HasPrefix(q, pre) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// Lock takes a named lock for at most ttl, so that of several replicas one runs a periodic job. The
// returned func releases it (only if still ours). ok is false when another replica holds it.
func (s *Store) Lock(ctx context.Context, name string, ttl time.Duration) (unlock func(), ok bool, err error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	key := s.prefix + "lock:" + name
	ok, err = s.rdb.SetNX(ctx, key, token, ttl).Result()
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = unlockScript.Run(ctx, s.rdb, []string{key}, token).Err()
	}, true, nil
}
