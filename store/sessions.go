package store

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// Lifetimes of temporary keys.
const (
	ConvTTL   = 7 * 24 * time.Hour // an abandoned conversation is forgotten after a week
	MarkerTTL = 48 * time.Hour     // longer than Telegram keeps an update it could redeliver
	ReplayTTL = time.Hour          // a redelivery after a crash comes within minutes
)

//go:embed commit.lua
var commitLua string
var commitScript = redis.NewScript(commitLua)

// markInactiveScript flags a profile inactive only if it exists, so a blocked sender leaves no stub.
var markInactiveScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'active', '0') return 1 end
return 0`)

var _ flows.Sessions = (*Store)(nil)

// Load reads a chat's session and de-duplication marker and counts the input for flood control, in one
// round trip.
func (s *Store) Load(ctx context.Context, user, update int64, now time.Time) (flows.Loaded, error) {
	floodKey := s.userKey(user, "flood:"+strconv.FormatInt(now.Unix()/int64(flows.FloodWindow/time.Second), 10))
	pipe := s.rdb.Pipeline()
	conv := pipe.HMGet(ctx, s.userKey(user, "conv"), "v", "s", "p")
	prof := pipe.HGetAll(ctx, s.userKey(user, "profile"))
	marker := pipe.Exists(ctx, s.markerKey(user, update))
	replay := pipe.Get(ctx, s.replayKey(user, update))
	flood := pipe.Incr(ctx, floodKey)
	pipe.Expire(ctx, floodKey, 2*flows.FloodWindow)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return flows.Loaded{}, fmt.Errorf("load session of %d: %w", user, err)
	}
	for _, err := range []error{conv.Err(), prof.Err(), flood.Err(), marker.Err()} {
		if err != nil { // the marker's redis.Nil can hide another command's failure in Exec's answer
			return flows.Loaded{}, fmt.Errorf("load session of %d: %w", user, err)
		}
	}
	var l flows.Loaded
	if marker.Val() == 1 {
		l.Applied = true
		if r, err := replay.Result(); err == nil {
			l.Result = []byte(r)
		}
	}
	l.Recent = int(flood.Val())
	vals := conv.Val()
	if v, ok := vals[0].(string); ok {
		l.Version, _ = strconv.ParseInt(v, 10, 64)
	}
	if js, ok := vals[1].(string); ok && js != "" {
		if err := json.Unmarshal([]byte(js), &l.Session.Conv); err != nil {
			// A corrupt conversation is dropped rather than blocking the user forever.
			l.Session.Conv = flows.Conv{}
		}
	}
	if h := prof.Val(); len(h) > 0 {
		p, err := decodeProfile(h)
		if err != nil {
			return flows.Loaded{}, fmt.Errorf("load profile of %d: %w", user, err)
		}
		l.Session.Profile = p
	}
	if p, ok := vals[2].(string); ok && p != "" && !l.Applied {
		// An earlier update's replies never reached the user (sending failed): hand them over too.
		// Rare, so the extra round trip is taken only then.
		if prev, err := strconv.ParseInt(p, 10, 64); err == nil && prev != update {
			res, err := s.rdb.Get(ctx, s.replayKey(user, prev)).Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				return flows.Loaded{}, fmt.Errorf("load undelivered update %d of %d: %w", prev, user, err)
			}
			if err == nil {
				l.Undelivered = []byte(res)
			}
		}
	}
	return l, nil
}

// Commit stores an applied update; see flows.Sessions.
func (s *Store) Commit(ctx context.Context, c flows.Commit) error {
	conv, err := json.Marshal(c.Next.Conv)
	if err != nil {
		return fmt.Errorf("encode conversation: %w", err)
	}
	args := []any{c.Version, conv, ConvTTL.Milliseconds(), MarkerTTL.Milliseconds(), c.Result, ReplayTTL.Milliseconds()}
	switch {
	case c.Next.Profile == nil && c.Prev.Profile != nil:
		args = append(args, "del")
	case c.Next.Profile != nil && (c.Prev.Profile == nil || !sameProfile(*c.Prev.Profile, *c.Next.Profile)):
		args = append(args, "set")
		args = append(args, encodeProfile(c.Next.Profile)...)
	default:
		args = append(args, "keep")
	}
	keys := []string{s.userKey(c.User, "conv"), s.userKey(c.User, "profile"), s.markerKey(c.User, c.Update), s.replayKey(c.User, c.Update)}
	res, err := commitScript.Run(ctx, s.rdb, keys, args...).Text()
	if err != nil {
		return fmt.Errorf("commit update %d of %d: %w", c.Update, c.User, err)
	}
	switch res {
	case "ok":
		return nil
	case "applied":
		return flows.ErrApplied
	case "conflict":
		return flows.ErrConflict
	}
	return fmt.Errorf("commit update %d of %d: unexpected answer %q", c.Update, c.User, res)
}

// Delivered drops the replay records of updates whose replies were sent, in one round trip.
func (s *Store) Delivered(ctx context.Context, ds ...flows.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	for _, d := range ds {
		pipe.Unlink(ctx, s.replayKey(d.User, d.Update))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("drop %d replay records: %w", len(ds), err)
	}
	return nil
}

// Undelivered notes that an applied update's replies could not be sent; see flows.Sessions.
func (s *Store) Undelivered(ctx context.Context, user, update int64) error {
	if err := s.rdb.HSet(ctx, s.userKey(user, "conv"), "p", update).Err(); err != nil {
		return fmt.Errorf("note update %d of %d undelivered: %w", update, user, err)
	}
	return nil
}

// MarkInactive records that the alumnus blocked the bot, so broadcasts skip them.
func (s *Store) MarkInactive(ctx context.Context, user int64) error {
	if err := markInactiveScript.Run(ctx, s.rdb, []string{s.userKey(user, "profile")}).Err(); err != nil {
		return fmt.Errorf("mark %d inactive: %w", user, err)
	}
	return nil
}

// Profile reads an alumnus's profile; nil when there is none.
func (s *Store) Profile(ctx context.Context, user int64) (*flows.Profile, error) {
	h, err := s.rdb.HGetAll(ctx, s.userKey(user, "profile")).Result()
	if err != nil {
		return nil, fmt.Errorf("read profile of %d: %w", user, err)
	}
	if len(h) == 0 {
		return nil, nil
	}
	return decodeProfile(h)
}

func (s *Store) markerKey(user, update int64) string {
	return s.userKey(user, "upd:"+strconv.FormatInt(update, 10))
}

func (s *Store) replayKey(user, update int64) string {
	return s.userKey(user, "res:"+strconv.FormatInt(update, 10))
}

func sameProfile(a, b flows.Profile) bool {
	return a.Name == b.Name && a.Province == b.Province && a.Regency == b.Regency && a.Wave == b.Wave &&
		a.Lang == b.Lang && a.ConsentAt.Equal(b.ConsentAt) && a.CreatedAt.Equal(b.CreatedAt) &&
		a.Active == b.Active && a.ReferredBy == b.ReferredBy
}

func encodeProfile(p *flows.Profile) []any {
	active := "0"
	if p.Active {
		active = "1"
	}
	f := []any{
		"name", p.Name, "province", p.Province, "regency", p.Regency, "wave", p.Wave, "lang", string(p.Lang),
		"consent_at", formatTime(p.ConsentAt), "created_at", formatTime(p.CreatedAt), "active", active,
	}
	if p.ReferredBy != 0 {
		f = append(f, "referred_by", p.ReferredBy)
	}
	return f
}

func decodeProfile(h map[string]string) (*flows.Profile, error) {
	p := &flows.Profile{
		Name: h["name"], Province: h["province"], Regency: h["regency"],
		Lang: locales.Lang(h["lang"]), Active: h["active"] != "0",
	}
	var err error
	if p.Wave, err = strconv.Atoi(h["wave"]); err != nil {
		return nil, fmt.Errorf("wave %q: %w", h["wave"], err)
	}
	if p.ConsentAt, err = parseTime(h["consent_at"]); err != nil {
		return nil, err
	}
	if p.CreatedAt, err = parseTime(h["created_at"]); err != nil {
		return nil, err
	}
	if r := h["referred_by"]; r != "" {
		if p.ReferredBy, err = strconv.ParseInt(r, 10, 64); err != nil {
			return nil, fmt.Errorf("referred_by %q: %w", r, err)
		}
	}
	return p, nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w", s, err)
	}
	return t, nil
}
