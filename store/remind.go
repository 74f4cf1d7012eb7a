package store

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Reminders of meetups and of workshop series' sessions (flows/remind.go). A reminder is due at a
// moment; the scheduler's planner lists it in the due index, and a pass takes the due ones and claims
// them for their alumni in chunks, queueing each claimed (reminder, alumnus) in the bulk lane in the
// same script (remind.lua), with the progress recorded, so a crash mid-run resumes where it was and
// sends nothing twice.
//
//	ab:rm:due                    zset    "<m|s>|<id>|<at unix s>" -> at: reminders planned, not done
//	ab:{mt:<id>}:rm              hash    <at>:cur (SSCAN cursor of a run), <at>:done: a meetup's reminders
//	ab:{mt:<id>}:rm:<at>         hash    alumnus -> "q" (queued) then the outcome   expires RemindKeep after
//	ab:{mt:<id>}:rmoff           set     alumni who turned this meetup's reminders off
//	ab:{mt:<id>}:rmq             stream  the meetup's reminders in the bulk lane (k=rm, to, m, at)
//	ab:{ws:<id>}:…               the same for a series: rm, rm:<at>, off (rmoff), rmq (k=ws, to, s, at)
//	ab:{u:<id>}:rmoff            string  "1": the alumnus turned every reminder off

//go:embed remind.lua
var remindLua string
var remindScript = redis.NewScript(remindLua)

// RemindChunk is how many alumni one script call claims a reminder for.
const RemindChunk = 1000

// RemindKeep is how long the claims of a reminder are kept after its run.
const RemindKeep = 30 * 24 * time.Hour

func (s *Store) dueKey() string { return s.prefix + "rm:due" }

// tagOf is the key prefix of a reminder's event: its meetup's or its series' hash tag.
func (s *Store) tagOf(kind, id string) string {
	if kind == flows.ReminderSeries {
		return s.prefix + "{ws:" + id + "}:"
	}
	return s.prefix + "{mt:" + id + "}:"
}

func dueMember(d flows.DueReminder) string {
	return d.Kind + "|" + d.ID + "|" + strconv.FormatInt(d.At.Unix(), 10)
}

func parseDue(member string, score float64) (flows.DueReminder, bool) {
	parts := strings.Split(member, "|")
	if len(parts) != 3 || (parts[0] != flows.ReminderMeetup && parts[0] != flows.ReminderSeries) {
		return flows.DueReminder{}, false
	}
	sec, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return flows.DueReminder{}, false
	}
	return flows.DueReminder{Kind: parts[0], ID: parts[1], At: time.Unix(sec, 0)}, true
}

// PlanReminders lists reminders in the due index, leaving out those already done. Planning the same
// reminder again changes nothing.
func (s *Store) PlanReminders(ctx context.Context, ds []flows.DueReminder) error {
	if len(ds) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	done := make([]*redis.StringCmd, len(ds))
	for i, d := range ds {
		done[i] = pipe.HGet(ctx, s.tagOf(d.Kind, d.ID)+"rm", strconv.FormatInt(d.At.Unix(), 10)+":done")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("plan reminders: %w", err)
	}
	var add []redis.Z
	for i, d := range ds {
		if done[i].Err() == redis.Nil {
			add = append(add, redis.Z{Score: float64(d.At.Unix()), Member: dueMember(d)})
		}
	}
	if len(add) == 0 {
		return nil
	}
	if err := s.rdb.ZAddNX(ctx, s.dueKey(), add...).Err(); err != nil {
		return fmt.Errorf("plan reminders: %w", err)
	}
	return nil
}

// DueReminders are up to n planned reminders due by now, the oldest first.
func (s *Store) DueReminders(ctx context.Context, now time.Time, n int) ([]flows.DueReminder, error) {
	zs, err := s.rdb.ZRangeByScoreWithScores(ctx, s.dueKey(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.Unix(), 10), Count: int64(n)}).Result()
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	out := make([]flows.DueReminder, 0, len(zs))
	for _, z := range zs {
		m, _ := z.Member.(string)
		if d, ok := parseDue(m, z.Score); ok {
			out = append(out, d)
		} else {
			s.rdb.ZRem(ctx, s.dueKey(), m) // not ours to read: drop it
		}
	}
	return out, nil
}

// PlannedReminders are the planned reminders of one event, for /pengingat's "next reminder".
func (s *Store) PlannedReminders(ctx context.Context, kind, id string, after time.Time, n int) ([]time.Time, error) {
	zs, err := s.rdb.ZRangeByScore(ctx, s.dueKey(), &redis.ZRangeBy{Min: strconv.FormatInt(after.Unix(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("planned reminders: %w", err)
	}
	var out []time.Time
	for _, m := range zs {
		if d, ok := parseDue(m, 0); ok && d.Kind == kind && d.ID == id {
			out = append(out, d.At)
			if len(out) == n {
				break
			}
		}
	}
	return out, nil
}

// RunReminder claims a reminder for the next chunk of its alumni and queues their messages in the
// bulk lane; done once every alumnus was reached, when it leaves the due index.
func (s *Store) RunReminder(ctx context.Context, d flows.DueReminder, chunk int) (queued int, done bool, err error) {
	tag := s.tagOf(d.Kind, d.ID)
	at := strconv.FormatInt(d.At.Unix(), 10)
	members, kind, field := tag+"going", "rm", "m"
	if d.Kind == flows.ReminderSeries {
		members, kind, field = tag+"subs", "ws", "s"
	}
	keys := []string{members, tag + "rmoff", tag + "rm", tag + "rm:" + at, tag + "rmq"}
	res, err := remindScript.Run(ctx, s.rdb, keys, at, chunk, kind, field, d.ID, int64(RemindKeep.Seconds())).Int64Slice()
	if err != nil || len(res) != 2 {
		return 0, false, fmt.Errorf("run reminder %s: %v %w", dueMember(d), res, err)
	}
	if res[0] > 0 {
		if err := s.rdb.SAdd(ctx, s.queueRegistry(BulkLane), tag+"rmq").Err(); err != nil {
			return int(res[0]), false, fmt.Errorf("register the reminders of %s: %w", d.ID, err)
		}
	}
	if res[1] == 1 {
		if err := s.rdb.ZRem(ctx, s.dueKey(), dueMember(d)).Err(); err != nil {
			return int(res[0]), true, fmt.Errorf("reminder %s done: %w", dueMember(d), err)
		}
	}
	return int(res[0]), res[1] == 1, nil
}

// SkipReminder marks a reminder done without sending it (its moment passed: the event started). It
// says whether this call took it off the index, so a skip is counted once.
func (s *Store) SkipReminder(ctx context.Context, d flows.DueReminder) (bool, error) {
	at := strconv.FormatInt(d.At.Unix(), 10)
	if err := s.rdb.HSet(ctx, s.tagOf(d.Kind, d.ID)+"rm", at+":done", "skipped").Err(); err != nil {
		return false, fmt.Errorf("skip reminder %s: %w", dueMember(d), err)
	}
	n, err := s.rdb.ZRem(ctx, s.dueKey(), dueMember(d)).Result()
	if err != nil {
		return false, fmt.Errorf("skip reminder %s: %w", dueMember(d), err)
	}
	return n == 1, nil
}

// DropReminder takes a reminder off the index that no longer exists (its meetup moved, its reminders
// changed, the meetup is gone).
func (s *Store) DropReminder(ctx context.Context, d flows.DueReminder) error {
	return wrapErr(s.rdb.ZRem(ctx, s.dueKey(), dueMember(d)).Err(), "drop reminder %s", dueMember(d))
}

// ReminderOutcome records how a queued reminder ended for its alumnus (idempotent), over their claim
// only: an alumnus erased while it was being sent (remind_erase.go), or a claim expired, is not written
// back.
func (s *Store) ReminderOutcome(ctx context.Context, kind, id string, at time.Time, alumnus int64, outcome string) error {
	key := s.tagOf(kind, id) + "rm:" + strconv.FormatInt(at.Unix(), 10)
	err := outcomeScript.Run(ctx, s.rdb, []string{key}, strconv.FormatInt(alumnus, 10), outcome).Err()
	return wrapErr(err, "reminder outcome %s", key)
}

// outcomeScript sets a field of a hash only if it is there.
var outcomeScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end
return 0`)

// ReminderClaims are the alumni a reminder was claimed for, with "q" or their outcome.
func (s *Store) ReminderClaims(ctx context.Context, kind, id string, at time.Time) (map[int64]string, error) {
	key := s.tagOf(kind, id) + "rm:" + strconv.FormatInt(at.Unix(), 10)
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("reminder claims %s: %w", key, err)
	}
	out := make(map[int64]string, len(m))
	for k, v := range m {
		a, _ := strconv.ParseInt(k, 10, 64)
		out[a] = v
	}
	return out, nil
}

// SetReminders turns an alumnus's reminders of one meetup or series (kind, id) on or off; kind ""
// means all of them.
func (s *Store) SetReminders(ctx context.Context, kind, id string, alumnus int64, on bool) error {
	var err error
	switch {
	case kind == "" && on:
		err = s.rdb.Del(ctx, s.userKey(alumnus, "rmoff")).Err()
	case kind == "":
		err = s.rdb.Set(ctx, s.userKey(alumnus, "rmoff"), "1", 0).Err()
	case on:
		err = s.rdb.SRem(ctx, s.tagOf(kind, id)+"rmoff", alumnus).Err()
	default:
		err = s.rdb.SAdd(ctx, s.tagOf(kind, id)+"rmoff", alumnus).Err()
	}
	return wrapErr(err, "set reminders %s %s of %d", kind, id, alumnus)
}

// RemindersOn says whether an alumnus's reminders of one meetup or series are on (kind "": all of
// them, the switch for everything).
func (s *Store) RemindersOn(ctx context.Context, kind, id string, alumnus int64) (bool, error) {
	if kind == "" {
		n, err := s.rdb.Exists(ctx, s.userKey(alumnus, "rmoff")).Result()
		return n == 0, wrapErr(err, "reminders of %d", alumnus)
	}
	off, err := s.rdb.SIsMember(ctx, s.tagOf(kind, id)+"rmoff", alumnus).Result()
	return !off, wrapErr(err, "reminders %s %s of %d", kind, id, alumnus)
}
