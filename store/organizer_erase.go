package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Personal data (/datasaya, /hapusdata): what an organizer made. An announcement's job names the
// organizer who confirmed it (its progress and summary go to their chat) and the message it copies,
// in their chat; a workshop series made in /buatworkshop names its creator. The announcements and
// series stay — alumni received and follow them — without the organizer: a job still sending then has
// nowhere to show its progress, which the runner logs and goes on (the erased organizer has no role
// any more either). A job not over yet keeps the message it copies (their chat id with it), or the
// alumni still waiting for it would get nothing; once it is over the reference goes too.

// eraseOrganizer takes the organizer's id out of every announcement they confirmed and every series
// they made. Running it again changes nothing more.
func (s *Store) eraseOrganizer(ctx context.Context, user int64, _ time.Time) error {
	a := strconv.FormatInt(user, 10)
	bcs, err := s.rdb.ZRange(ctx, s.bcRecent(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list announcements: %w", err)
	}
	for _, id := range bcs {
		def, err := s.rdb.HGet(ctx, s.bcJob(id), "def").Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read announcement %s: %w", id, err)
		}
		next := def
		if n, ok := withoutField(next, "o", a); ok {
			next = n
		}
		if state, err := s.rdb.HGet(ctx, s.bcJob(id), "state").Result(); err == nil && (state == "done" || state == "stopped") {
			if n, ok := withoutCopy(next, a); ok {
				next = n
			}
		}
		if next != def {
			if err := swapScript.Run(ctx, s.rdb, []string{s.bcJob(id)}, "def", def, next).Err(); err != nil {
				return fmt.Errorf("forget the organizer of announcement %s: %w", id, err)
			}
		}
	}
	wss, err := s.rdb.ZRange(ctx, s.seriesIndex(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list series: %w", err)
	}
	for _, id := range wss {
		k := s.seriesKey(id, "series")
		def, err := s.rdb.Get(ctx, k).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read series %s: %w", id, err)
		}
		if next, ok := withoutField(def, "created_by", a); ok {
			if err := swapScript.Run(ctx, s.rdb, []string{k}, "", def, next).Err(); err != nil {
				return fmt.Errorf("forget the creator of series %s: %w", id, err)
			}
		}
	}
	return nil
}

// withoutField is the JSON object def without its field f when that field is the number id; false
// when it is not (or def is not an object). Other fields are kept byte for byte.
func withoutField(def, f, id string) (string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(def), &m) != nil || string(m[f]) != id {
		return "", false
	}
	delete(m, f)
	b, err := json.Marshal(m)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// withoutCopy is the job's JSON def without the message it copies when that message is in the chat
// id; false when it is not.
func withoutCopy(def, id string) (string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(def), &m) != nil {
		return "", false
	}
	var c struct {
		Chat json.RawMessage `json:"c"`
	}
	if json.Unmarshal(m["c"], &c) != nil || string(c.Chat) != id {
		return "", false
	}
	delete(m, "c")
	b, err := json.Marshal(m)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// swapScript replaces a value only if it is still the one read: a hash field (ARGV[1]) or, when
// ARGV[1] is "", a string key. ARGV[2] the old value, ARGV[3] the new one.
var swapScript = redis.NewScript(`
if ARGV[1] == '' then
  if redis.call('GET', KEYS[1]) == ARGV[2] then redis.call('SET', KEYS[1], ARGV[3]) return 1 end
  return 0
end
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end
return 0`)

// organizerData lists the announcements an organizer confirmed and the series they made.
func (s *Store) organizerData(ctx context.Context, user int64, out map[string]any) error {
	a := strconv.FormatInt(user, 10)
	bcs, err := s.rdb.ZRange(ctx, s.bcRecent(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list announcements: %w", err)
	}
	var sent []string
	for _, id := range bcs {
		def, err := s.rdb.HGet(ctx, s.bcJob(id), "def").Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("read announcement %s: %w", id, err)
		}
		if _, ok := withoutField(def, "o", a); ok {
			sent = append(sent, id)
		}
	}
	if len(sent) > 0 {
		out["announcements_you_sent"] = sent
	}
	wss, err := s.rdb.ZRange(ctx, s.seriesIndex(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list series: %w", err)
	}
	var made []string
	for _, id := range wss {
		def, err := s.rdb.Get(ctx, s.seriesKey(id, "series")).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("read series %s: %w", id, err)
		}
		if _, ok := withoutField(def, "created_by", a); ok {
			made = append(made, id)
		}
	}
	if len(made) > 0 {
		out["series_you_made"] = made
	}
	return nil
}
