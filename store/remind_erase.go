package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Personal data (/datasaya, /hapusdata): the reminders and workshop series part. An alumnus's claims
// and queued reminders may be at any meetup or series, so both go over the index of all meetups and
// the index of all series (ab:meetups, ab:series): one small script each, no keyspace SCAN.

// eraseReminders takes an alumnus out of every meetup's and series' reminders: their "off" marks, the
// claims of reminders sent or queued to them (rm:<at>, the ats read from the event's rm hash), their
// entries still queued in the event's bulk stream, a series' subscribers; then their own keys (the
// series they follow, every reminder off). Running it again changes nothing more.
func (s *Store) eraseReminders(ctx context.Context, user int64, _ time.Time) error {
	a := strconv.FormatInt(user, 10)
	events, err := s.reminderEvents(ctx)
	if err != nil {
		return err
	}
	for _, tag := range events {
		ats, err := s.rdb.HKeys(ctx, tag+"rm").Result()
		if err != nil {
			return fmt.Errorf("list the reminders of %s: %w", tag, err)
		}
		keys := []string{tag + "rmoff", tag + "rmq", tag + "subs"}
		seen := map[string]bool{}
		for _, f := range ats {
			at, _, _ := strings.Cut(f, ":")
			if !seen[at] {
				seen[at] = true
				keys = append(keys, tag+"rm:"+at)
			}
		}
		if err := eraseRemindScript.Run(ctx, s.rdb, keys, a).Err(); err != nil {
			return fmt.Errorf("erase the reminders of %d at %s: %w", user, tag, err)
		}
	}
	if err := s.rdb.Del(ctx, s.userKey(user, "ws"), s.userKey(user, "rmoff")).Err(); err != nil {
		return fmt.Errorf("erase the reminder settings of %d: %w", user, err)
	}
	return nil
}

// reminderEvents lists the key prefix (hash tag) of every meetup and every series.
func (s *Store) reminderEvents(ctx context.Context) ([]string, error) {
	mts, err := s.allMeetups(ctx)
	if err != nil {
		return nil, err
	}
	wss, err := s.rdb.ZRange(ctx, s.seriesIndex(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	out := make([]string, 0, len(mts)+len(wss))
	for _, id := range mts {
		out = append(out, s.prefix+"{mt:"+id+"}:")
	}
	for _, id := range wss {
		out = append(out, s.seriesKey(id, ""))
	}
	return out, nil
}

// eraseRemindScript: KEYS rmoff, rmq, subs (a meetup has none), then the event's claim hashes rm:<at>;
// ARGV[1] the alumnus.
var eraseRemindScript = redis.NewScript(`
local a = ARGV[1]
redis.call('SREM', KEYS[1], a)
redis.call('SREM', KEYS[3], a)
for i = 4, #KEYS do redis.call('HDEL', KEYS[i], a) end
for _, e in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do
  local f = e[2]
  for j = 1, #f, 2 do
    if f[j] == 'to' and f[j + 1] == a then redis.call('XDEL', KEYS[2], e[1]) end
  end
end
return 1`)

// remindData adds the alumnus's reminder settings (all off, or off for given meetups and series) and
// the series they follow.
func (s *Store) remindData(ctx context.Context, user int64, out map[string]any) error {
	settings := map[string]any{}
	n, err := s.rdb.Exists(ctx, s.userKey(user, "rmoff")).Result()
	if err != nil {
		return fmt.Errorf("read reminder settings: %w", err)
	}
	if n == 1 {
		settings["all_off"] = true
	}
	a := strconv.FormatInt(user, 10)
	mts, err := s.allMeetups(ctx)
	if err != nil {
		return err
	}
	var offM []string
	for _, id := range mts {
		if off, err := s.rdb.SIsMember(ctx, s.prefix+"{mt:"+id+"}:rmoff", a).Result(); err != nil {
			return fmt.Errorf("read reminder settings at %s: %w", id, err)
		} else if off {
			offM = append(offM, id)
		}
	}
	if len(offM) > 0 {
		settings["off_for_meetups"] = offM
	}
	wss, err := s.rdb.ZRange(ctx, s.seriesIndex(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list series: %w", err)
	}
	var offS []string
	for _, id := range wss {
		if off, err := s.rdb.SIsMember(ctx, s.seriesKey(id, "rmoff"), a).Result(); err != nil {
			return fmt.Errorf("read reminder settings of series %s: %w", id, err)
		} else if off {
			offS = append(offS, id)
		}
	}
	if len(offS) > 0 {
		settings["off_for_series"] = offS
	}
	if len(settings) > 0 {
		out["reminder_settings"] = settings
	}
	ids, err := s.MySeries(ctx, user)
	if err != nil {
		return err
	}
	var follows []map[string]any
	for _, id := range ids {
		rec := map[string]any{"series": id}
		sr, err := s.Series(ctx, id)
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if sr != nil {
			rec["title"] = sr.Title
		}
		follows = append(follows, rec)
	}
	if len(follows) > 0 {
		out["series_followed"] = follows
	}
	return nil
}
