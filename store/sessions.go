package store

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// Lifetimes and bounds of a chat's de-duplication records.
const (
	ConvTTL = 7 * 24 * time.Hour // an abandoned conversation is forgotten after a week, with its records
	// RecentUpdates is how many applied update ids a chat's conversation remembers. Telegram redelivers
	// only updates it has not seen confirmed, and a chat's updates are applied in order, so a
	// redelivered update is among the chat's last few; the flood limit caps a chat at 20 per 10 s.
	RecentUpdates = 32
	// ClaimTTL is how long the replica that applied (or replays) an update holds the sending of its
	// replies; see flows.ClaimTTL.
	ClaimTTL = flows.ClaimTTL
)

//go:embed commit.lua
var commitLua string
var commitScript = redis.NewScript(commitLua)

// claimScript claims the sending of an applied update's unsent replies if no claim holds them
// (KEYS: conv; ARGV: update, now ms, until ms); it returns the result, or nil when there is nothing to
// send or another replica holds the claim.
var claimScript = redis.NewScript(`
local f = 'r:' .. ARGV[1]
local r = redis.call('HGET', KEYS[1], f)
if not r then return false end
local sp = string.find(r, ' ', 1, true)
if tonumber(string.sub(r, 1, sp - 1)) > tonumber(ARGV[2]) then return false end
redis.call('HSET', KEYS[1], f, ARGV[3] .. string.sub(r, sp))
return string.sub(r, sp + 1)`)

// releaseScript gives up the claim on an applied update's replies (KEYS: conv; ARGV: update), so a
// redelivery or the chat's next update sends them.
var releaseScript = redis.NewScript(`
local f = 'r:' .. ARGV[1]
local r = redis.call('HGET', KEYS[1], f)
if not r then return 0 end
local sp = string.find(r, ' ', 1, true)
redis.call('HSET', KEYS[1], f, '0' .. string.sub(r, sp))
return 1`)

// renewScript extends the claim on an applied update's replies (KEYS: conv; ARGV: update, until ms)
// while they are unsent and not given up (Undelivered writes 0).
var renewScript = redis.NewScript(`
local f = 'r:' .. ARGV[1]
local r = redis.call('HGET', KEYS[1], f)
if not r then return 0 end
local sp = string.find(r, ' ', 1, true)
if tonumber(string.sub(r, 1, sp - 1)) == 0 then return 0 end
redis.call('HSET', KEYS[1], f, ARGV[2] .. string.sub(r, sp))
return 1`)

// markInactiveScript flags a profile inactive only if it exists, so a blocked sender leaves no stub.
var markInactiveScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'a', '0') return 1 end
return 0`)

var _ flows.Sessions = (*Store)(nil)

// Load reads a chat's session with its de-duplication records and counts the input for flood control,
// in one round trip. For an update applied before whose replies are unsent and unclaimed (their holder
// died or failed to send), it claims them in a second round trip and returns them as Result.
func (s *Store) Load(ctx context.Context, user, update int64, now time.Time) (flows.Loaded, error) {
	floodKey := s.userKey(user, "flood:"+strconv.FormatInt(now.Unix()/int64(flows.FloodWindow/time.Second), 10))
	convKey := s.userKey(user, "conv")
	pipe := s.rdb.Pipeline()
	conv := pipe.HGetAll(ctx, convKey)
	prof := pipe.HGetAll(ctx, s.userKey(user, "profile"))
	flood := pipe.Incr(ctx, floodKey)
	pipe.Expire(ctx, floodKey, 2*flows.FloodWindow)
	if _, err := pipe.Exec(ctx); err != nil {
		return flows.Loaded{}, fmt.Errorf("load session of %d: %w", user, err)
	}
	var l flows.Loaded
	l.Recent = int(flood.Val())
	h := conv.Val()
	if v, ok := h["v"]; ok {
		l.Version, _ = strconv.ParseInt(v, 10, 64)
	}
	if js := h["s"]; js != "" {
		if err := json.Unmarshal([]byte(js), &l.Session.Conv); err != nil {
			// A corrupt conversation is dropped rather than blocking the user forever.
			s.logger().Warn("unreadable conversation dropped", "user", user, "err", err)
			l.Session.Conv = flows.Conv{}
		}
	}
	if p := prof.Val(); len(p) > 0 {
		var bad error
		l.Session.Profile, bad = decodeProfile(p)
		if bad != nil {
			// What could not be read counts as not given: the alumnus goes on, and editing the profile
			// writes it anew.
			s.logger().Warn("profile partly unreadable", "user", user, "err", bad)
		}
	}
	nowMs := now.UnixMilli()
	id := strconv.FormatInt(update, 10)
	recent := strings.Fields(h["a"])
	if slices.Contains(recent, id) {
		l.Applied = true
		until, _, ok := pendingRecord(h["r:"+id])
		if ok && until > nowMs {
			l.HeldUntil = time.UnixMilli(until) // another replica holds the sending (or held it, and died)
		}
		if ok && until <= nowMs {
			res, err := claimScript.Run(ctx, s.rdb, []string{convKey}, id, nowMs, now.Add(ClaimTTL).UnixMilli()).Text()
			if err != nil && !errors.Is(err, redis.Nil) {
				return flows.Loaded{}, fmt.Errorf("claim replies of update %d of %d: %w", update, user, err)
			}
			if err == nil {
				l.Result = []byte(res)
				l.Sent, _ = strconv.Atoi(h["s:"+id])
			}
		}
		return l, nil
	}
	// Earlier updates whose replies are unsent and unclaimed go out with this one, oldest first.
	for i := len(recent) - 1; i >= 0; i-- {
		until, res, ok := pendingRecord(h["r:"+recent[i]])
		if !ok || until > nowMs {
			continue
		}
		prev, err := strconv.ParseInt(recent[i], 10, 64)
		if err != nil {
			continue
		}
		sent, _ := strconv.Atoi(h["s:"+recent[i]])
		l.Undelivered = append(l.Undelivered, flows.Pending{Update: prev, Result: []byte(res), Sent: sent})
	}
	return l, nil
}

// pendingRecord splits a conversation's r:<update> field: until when its sending is claimed (unix ms)
// and the JSON result.
func pendingRecord(v string) (until int64, result string, ok bool) {
	u, res, ok := strings.Cut(v, " ")
	if !ok {
		return 0, "", false
	}
	until, err := strconv.ParseInt(u, 10, 64)
	return until, res, err == nil
}

// Commit stores an applied update; see flows.Sessions.
func (s *Store) Commit(ctx context.Context, c flows.Commit) error {
	conv, err := json.Marshal(c.Next.Conv)
	if err != nil {
		return fmt.Errorf("encode conversation: %w", err)
	}
	carried := make([]string, len(c.Carries))
	for i, u := range c.Carries {
		carried[i] = strconv.FormatInt(u, 10)
	}
	args := []any{c.Version, conv, ConvTTL.Milliseconds(), c.Update, c.Result,
		c.Now.UnixMilli(), c.Now.Add(ClaimTTL).UnixMilli(), RecentUpdates, strings.Join(carried, " ")}
	switch {
	case c.Next.Profile == nil && c.Prev.Profile != nil:
		args = append(args, "del")
	case c.Next.Profile != nil && (c.Prev.Profile == nil || !sameProfile(*c.Prev.Profile, *c.Next.Profile)):
		args = append(args, "set")
		args = append(args, encodeProfile(c.Next.Profile)...)
	default:
		args = append(args, "keep")
	}
	keys := []string{s.userKey(c.User, "conv"), s.userKey(c.User, "profile")}
	res, err := commitScript.Run(ctx, s.rdb, keys, args...).Text()
	if err != nil {
		return fmt.Errorf("commit update %d of %d: %w", c.Update, c.User, err)
	}
	switch res {
	case "ok":
		if n := c.Next.Profile; n != nil && n.ReferredBy != 0 && (c.Prev.Profile == nil || c.Prev.Profile.ReferredBy != n.ReferredBy) {
			// The referrer's list is under their own hash tag, so it is written after the commit; on a
			// failure the link is still in the profile, and erasing the referrer misses only this.
			if err := s.noteReferral(ctx, n.ReferredBy, c.User); err != nil {
				s.logger().Warn("note referral", "user", c.User, "err", err)
			}
		}
		if args[9] != "keep" { // the profile changed: move the alumnus in the audience indexes
			if err := s.indexProfile(ctx, c.User, c.Prev.Profile, c.Next.Profile); err != nil {
				s.logger().Warn("audience index behind the profile (alumnibot reindex mends it)", "user", c.User, "err", err)
			}
		}
		return nil
	case "applied":
		return flows.ErrApplied
	case "conflict":
		return flows.ErrConflict
	}
	return fmt.Errorf("commit update %d of %d: unexpected answer %q", c.Update, c.User, res)
}

// Delivered drops the kept replies of updates that were sent, in one round trip.
func (s *Store) Delivered(ctx context.Context, ds ...flows.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	for _, d := range ds {
		id := strconv.FormatInt(d.Update, 10)
		pipe.HDel(ctx, s.userKey(d.User, "conv"), "r:"+id, "s:"+id)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("drop %d kept replies: %w", len(ds), err)
	}
	return nil
}

// Sent notes how many replies of an applied update went out; see flows.Sessions. One HSET, written
// only between the replies of an update that has several.
func (s *Store) Sent(ctx context.Context, user, update int64, n int) error {
	if err := s.rdb.HSet(ctx, s.userKey(user, "conv"), "s:"+strconv.FormatInt(update, 10), n).Err(); err != nil {
		return fmt.Errorf("note %d replies of update %d of %d sent: %w", n, update, user, err)
	}
	return nil
}

// Renew extends the claim on an applied update's replies that are still being sent; see
// flows.Sessions.
func (s *Store) Renew(ctx context.Context, user, update int64, now time.Time) error {
	if err := renewScript.Run(ctx, s.rdb, []string{s.userKey(user, "conv")}, update, now.Add(ClaimTTL).UnixMilli()).Err(); err != nil {
		return fmt.Errorf("renew the claim on update %d of %d: %w", update, user, err)
	}
	return nil
}

// Undelivered gives up the claim on an applied update's replies, which could not be sent; see
// flows.Sessions.
func (s *Store) Undelivered(ctx context.Context, user, update int64) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.userKey(user, "conv")}, update).Err(); err != nil {
		return fmt.Errorf("note update %d of %d undelivered: %w", update, user, err)
	}
	return nil
}

// MarkInactive records that the alumnus blocked the bot, so broadcasts skip them.
func (s *Store) MarkInactive(ctx context.Context, user int64) error {
	if err := markInactiveScript.Run(ctx, s.rdb, []string{s.userKey(user, "profile")}).Err(); err != nil {
		return fmt.Errorf("mark %d inactive: %w", user, err)
	}
	return s.unindexUser(ctx, user) // out of every audience
}

// Profile reads an alumnus's profile; nil when there is none. Fields that cannot be read are logged
// and left empty.
func (s *Store) Profile(ctx context.Context, user int64) (*flows.Profile, error) {
	h, err := s.rdb.HGetAll(ctx, s.userKey(user, "profile")).Result()
	if err != nil {
		return nil, fmt.Errorf("read profile of %d: %w", user, err)
	}
	if len(h) == 0 {
		return nil, nil
	}
	p, bad := decodeProfile(h)
	if bad != nil {
		s.logger().Warn("profile partly unreadable", "user", user, "err", bad)
	}
	return p, nil
}

// SetLogger names where the store logs what it reads but cannot use; the default is slog.Default().
func (s *Store) SetLogger(l *slog.Logger) { s.log = l }

func (s *Store) logger() *slog.Logger {
	if s.log == nil {
		return slog.Default()
	}
	return s.log
}

func sameProfile(a, b flows.Profile) bool {
	return a.Name == b.Name && a.Province == b.Province && a.Regency == b.Regency && a.Wave == b.Wave &&
		a.Lang == b.Lang && a.ConsentAt.Equal(b.ConsentAt) && a.CreatedAt.Equal(b.CreatedAt) &&
		a.Active == b.Active && a.ReferredBy == b.ReferredBy
}

// A profile hash is written with short field names and times in unix seconds, which keeps a settled
// alumnus's profile small (see TestMemoryPerAlumnus); profiles written before use the long names and
// RFC 3339 times, and are read as well (each field: the short name first, then the long one) until
// the conversation next writes the profile.
//
//	short  long         value
//	n      name         the name
//	p      province     area province code
//	r      regency      area regency code
//	w      wave         wave number
//	l      lang         id, en
//	c      consent_at   unix s (long: RFC 3339)
//	t      created_at   unix s (long: RFC 3339)
//	a      active       "0" once the alumnus blocked the bot; absent: active
//	f      referred_by  the referring alumnus's id; absent: none
//	mt                  the index of the alumnus's meetups (mine.go): not the conversation's
var profileNames = [][2]string{
	{"n", "name"}, {"p", "province"}, {"r", "regency"}, {"w", "wave"}, {"l", "lang"},
	{"c", "consent_at"}, {"t", "created_at"}, {"a", "active"}, {"f", "referred_by"},
}

func encodeProfile(p *flows.Profile) []any {
	f := []any{"n", p.Name, "p", p.Province, "r", p.Regency, "w", p.Wave, "l", string(p.Lang)}
	if !p.ConsentAt.IsZero() {
		f = append(f, "c", p.ConsentAt.Unix())
	}
	if !p.CreatedAt.IsZero() {
		f = append(f, "t", p.CreatedAt.Unix())
	}
	if !p.Active {
		f = append(f, "a", "0")
	}
	if p.ReferredBy != 0 {
		f = append(f, "f", p.ReferredBy)
	}
	return f
}

// profileField reads a profile field by its short name, else by its long one.
func profileField(h map[string]string, short string) string {
	if v, ok := h[short]; ok {
		return v
	}
	for _, n := range profileNames {
		if n[0] == short {
			return h[n[1]]
		}
	}
	return ""
}

// decodeProfile reads a profile hash. It always returns a profile: a field that cannot be read is left
// empty (zero) and named in the error, so one bad field never locks an alumnus out.
// readProfiles reads the profiles under keys through c (a Cluster node's client when the keys come
// from its SCAN), in one round trip; nil where there is none. A field that cannot be read is left
// empty, as Profile does.
func (s *Store) readProfiles(ctx context.Context, c redis.Cmdable, keys []string) ([]*flows.Profile, error) {
	pipe := c.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.HGetAll(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("read %d profiles: %w", len(keys), err)
	}
	out := make([]*flows.Profile, len(keys))
	for i, cmd := range cmds {
		if h := cmd.Val(); len(h) > 0 {
			out[i], _ = decodeProfile(h)
		}
	}
	return out, nil
}

func decodeProfile(h map[string]string) (*flows.Profile, error) {
	p := &flows.Profile{
		Name: profileField(h, "n"), Province: profileField(h, "p"), Regency: profileField(h, "r"),
		Lang: locales.Lang(profileField(h, "l")), Active: profileField(h, "a") != "0",
	}
	var errs []error
	var err error
	if w := profileField(h, "w"); w != "" {
		if p.Wave, err = strconv.Atoi(w); err != nil {
			p.Wave, errs = 0, append(errs, fmt.Errorf("wave %q: %w", w, err))
		}
	}
	if p.ConsentAt, err = parseTime(profileField(h, "c")); err != nil {
		errs = append(errs, fmt.Errorf("consent_at: %w", err))
	}
	if p.CreatedAt, err = parseTime(profileField(h, "t")); err != nil {
		errs = append(errs, fmt.Errorf("created_at: %w", err))
	}
	if r := profileField(h, "f"); r != "" {
		if p.ReferredBy, err = strconv.ParseInt(r, 10, 64); err != nil {
			p.ReferredBy, errs = 0, append(errs, fmt.Errorf("referred_by %q: %w", r, err))
		}
	}
	return p, errors.Join(errs...)
}

// parseTime reads a profile time: unix seconds, or RFC 3339 as profiles were written before.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(sec, 0).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w", s, err)
	}
	return t, nil
}
