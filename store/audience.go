package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Audience indexes: who an announcement can reach, kept as profiles change, so that choosing an
// audience never scans every key. Memory is the constraint (18.9 million alumni in a few GB): an
// alumnus is a member of ONE set, their province's in their shard; regency and wave are counters only,
// and an audience by regency or wave is read from the province sets and filtered by the profiles when
// its list is built (a job that takes days to send can take minutes to build).
//
//	ab:aud:{a<n>}:p:<prov>     set   active alumni of a province in shard n (user id % 64; "-" when
//	                                 the profile has no province)
//	ab:aud:{a<n>}:n            hash  counts of shard n: all, p:<prov>, r:<regency>, w:<wave>,
//	                                 pw:<prov>:<wave> — what the preview's recipient count reads
//
// The keys of one shard share the hash tag {a<n>}: the set and its counts change in one script, the 18.9
// million alumni spread over 64 slots, and a job snapshots one shard's sets server-side. The profile
// lives under the user's own hash tag, so the index is written right after each commit (Commit →
// indexProfile) and `alumnibot reindex` (Reindex) rebuilds it should a crash fall in between.

// AudShards is the number of shards of the audience index.
const AudShards = 64

func audShard(user int64) int {
	if user < 0 {
		user = -user
	}
	return int(user % AudShards)
}

func (s *Store) audTag(shard int) string    { return s.prefix + "aud:{a" + strconv.Itoa(shard) + "}:" }
func (s *Store) audCounts(shard int) string { return s.audTag(shard) + "n" }

func audProvince(p *flows.Profile) string {
	if p.Province == "" {
		return "-"
	}
	return p.Province
}

// audFields are an indexed profile's set (under the shard's tag) and counter fields; "" when the
// profile is not indexed (absent or inactive).
func audFields(p *flows.Profile) (set string, counters []string) {
	if p == nil || !p.Active {
		return "", nil
	}
	prov := audProvince(p)
	counters = []string{"all", "p:" + prov}
	if p.Regency != "" {
		counters = append(counters, "r:"+p.Regency)
	}
	if p.Wave > 0 {
		w := strconv.Itoa(p.Wave)
		counters = append(counters, "w:"+w, "pw:"+prov+":"+w)
	}
	return "p:" + prov, counters
}

// indexScript moves one alumnus in their shard: out of the previous profile's set (its counts go down
// only if they were a member), into the next one's (up only if they were not). KEYS: the counts, the
// previous set or the counts again, the next set or the counts again. ARGV: user, number of previous
// counters, previous counters..., next counters...
var indexScript = redis.NewScript(`
local user = ARGV[1]
local np = tonumber(ARGV[2])
if KEYS[2] ~= KEYS[1] and redis.call('SREM', KEYS[2], user) == 1 then
  for i = 3, 2 + np do redis.call('HINCRBY', KEYS[1], ARGV[i], -1) end
end
if KEYS[3] ~= KEYS[1] and redis.call('SADD', KEYS[3], user) == 1 then
  for i = 3 + np, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
end
return 1`)

// indexProfile moves an alumnus from the index of prev to that of next (either may be nil). Running it
// twice after a change within one province counts the change twice (a crash between the commit and a
// retry; Reindex mends it); everything else is idempotent.
func (s *Store) indexProfile(ctx context.Context, user int64, prev, next *flows.Profile) error {
	ps, pc := audFields(prev)
	ns, nc := audFields(next)
	if ps == ns && slices.Equal(pc, nc) {
		return nil
	}
	shard := audShard(user)
	counts := s.audCounts(shard)
	keys := []string{counts, counts, counts}
	if ps != "" {
		keys[1] = s.audTag(shard) + ps
	}
	if ns != "" {
		keys[2] = s.audTag(shard) + ns
	}
	args := []any{user, len(pc)}
	for _, c := range pc {
		args = append(args, c)
	}
	for _, c := range nc {
		args = append(args, c)
	}
	if err := indexScript.Run(ctx, s.rdb, keys, args...).Err(); err != nil {
		return fmt.Errorf("index the profile of %d: %w", user, err)
	}
	return nil
}

// unindexUser takes an alumnus out of the index (they blocked the bot).
func (s *Store) unindexUser(ctx context.Context, user int64) error {
	p, err := s.Profile(ctx, user)
	if err != nil || p == nil {
		return err
	}
	p.Active = true // where they were while active
	return s.indexProfile(ctx, user, p, nil)
}

// audCounterFields are the counter fields whose sum, per shard, is the audience's size; nil for a
// meetup group.
func audCounterFields(a flows.Audience) []string {
	switch a.Kind {
	case flows.AudAll:
		return []string{"all"}
	case flows.AudProvince:
		return []string{"p:" + a.Province}
	case flows.AudRegency:
		return []string{"r:" + a.Regency}
	case flows.AudWaves:
		var fs []string
		for w := a.WaveFrom; w <= a.WaveTo; w++ {
			if a.Province != "" {
				fs = append(fs, "pw:"+a.Province+":"+strconv.Itoa(w))
			} else {
				fs = append(fs, "w:"+strconv.Itoa(w))
			}
		}
		return fs
	}
	return nil
}

// AudienceSize counts an audience's alumni now; see flows.Broadcasts. Indexed audiences take one
// pipelined round trip over the shards' counts.
func (s *Store) AudienceSize(ctx context.Context, a flows.Audience) (int64, error) {
	if a.Kind == flows.AudMeetup {
		return s.meetupGroupSize(ctx, a)
	}
	fields := audCounterFields(a)
	if len(fields) == 0 {
		return 0, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, AudShards)
	for n := range AudShards {
		cmds[n] = pipe.HMGet(ctx, s.audCounts(n), fields...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("count audience %+v: %w", a, err)
	}
	var total int64
	for _, c := range cmds {
		for _, v := range c.Val() {
			if str, ok := v.(string); ok {
				n, _ := strconv.ParseInt(str, 10, 64)
				total += n
			}
		}
	}
	return total, nil
}

// meetupGroupKey is the key holding a meetup group's alumni, and its type.
func (s *Store) meetupGroupKey(a flows.Audience) (string, string) {
	k := s.rsvpKeys(a.Meetup)
	switch a.Group {
	case flows.GroupGoing:
		return k[1], "set"
	case flows.GroupWaiting:
		return k[3], "zset"
	case flows.GroupCheckedIn:
		return k[9], "hash"
	}
	return "", ""
}

func (s *Store) meetupGroupSize(ctx context.Context, a flows.Audience) (int64, error) {
	if a.Group == flows.GroupNoSeat {
		all, err := s.AudienceSize(ctx, flows.Audience{Kind: flows.AudProvince, Province: a.Province})
		if err != nil {
			return 0, err
		}
		holders, err := s.meetupHolders(ctx, a.Meetup)
		if err != nil {
			return 0, err
		}
		var in int64
		for u := range holders {
			if p, err := s.rdb.SIsMember(ctx, s.audTag(audShard(u))+"p:"+a.Province, u).Result(); err == nil && p {
				in++
			}
		}
		return max(all-in, 0), nil
	}
	key, typ := s.meetupGroupKey(a)
	var n int64
	var err error
	switch typ {
	case "set":
		n, err = s.rdb.SCard(ctx, key).Result()
	case "zset":
		n, err = s.rdb.ZCard(ctx, key).Result()
	case "hash":
		n, err = s.rdb.HLen(ctx, key).Result()
	}
	if err != nil {
		return 0, fmt.Errorf("count audience %+v: %w", a, err)
	}
	return n, nil
}

// meetupHolders are the alumni holding a place at a meetup: confirmed, offered or waitlisted. A
// meetup holds a few hundred, so they are read whole.
func (s *Store) meetupHolders(ctx context.Context, meetup string) (map[int64]bool, error) {
	k := s.rsvpKeys(meetup)
	pipe := s.rdb.Pipeline()
	going := pipe.SMembers(ctx, k[1])
	offers := pipe.ZRange(ctx, k[2], 0, -1)
	wait := pipe.ZRange(ctx, k[3], 0, -1)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("holders of %s: %w", meetup, err)
	}
	out := map[int64]bool{}
	for _, ids := range [][]string{going.Val(), offers.Val(), wait.Val()} {
		for _, id := range ids {
			if u, err := strconv.ParseInt(id, 10, 64); err == nil {
				out[u] = true
			}
		}
	}
	return out, nil
}

// Reindex rebuilds the audience indexes from the profiles (`alumnibot reindex`): it drops every index
// set, then walks the profiles with SCAN, a thousand at a time. While it runs, audiences count short;
// run it when a crash may have left the indexes behind the profiles. It returns the alumni indexed.
func (s *Store) Reindex(ctx context.Context) (int, error) {
	err := s.scanKeys(ctx, s.prefix+"aud:*", func(_ redis.Cmdable, keys []string) error {
		pipe := s.rdb.Pipeline()
		for _, k := range keys {
			if !strings.Contains(k, "}:bc:") { // a job's snapshot being built from stays
				pipe.Unlink(ctx, k)
			}
		}
		_, err := pipe.Exec(ctx)
		return wrapErr(err, "drop audience indexes")
	})
	if err != nil {
		return 0, err
	}
	indexed := 0
	err = s.scanKeys(ctx, s.prefix+"{u:*}:profile", func(c redis.Cmdable, keys []string) error {
		read, err := s.readProfiles(ctx, c, keys)
		if err != nil {
			return err
		}
		if reindexRead != nil {
			reindexRead()
		}
		ids := make([]int64, len(keys))
		for i, k := range keys {
			id, ok := userOfKey(k)
			if !ok || read[i] == nil {
				continue
			}
			ids[i] = id
			if err := s.indexProfile(ctx, id, nil, read[i]); err != nil {
				return err
			}
		}
		// An alumnus whose profile changed between the read and the index write (onboarding goes on
		// while the index is built) was moved by their commit from where the walk had not put them yet,
		// and then put back there by the walk: read again, and move whoever changed.
		again, err := s.readProfiles(ctx, c, keys)
		if err != nil {
			return err
		}
		for i, p := range again {
			if ids[i] == 0 {
				continue
			}
			if err := s.indexProfile(ctx, ids[i], read[i], p); err != nil {
				return err
			}
			if p != nil && p.Active {
				indexed++
			}
		}
		return nil
	})
	return indexed, err
}

// reindexRead, when set (tests), runs between Reindex's read of a batch of profiles and its index
// writes: where a concurrent commit can fall.
var reindexRead func()

// MigrateAudiences builds the audience index once for a deployment whose alumni were onboarded before
// it existed: the first replica to start takes the marker ab:migrated:aud and runs Reindex. ran is
// false when another replica did (or does) it. A failure drops the marker, so the next start tries
// again.
func (s *Store) MigrateAudiences(ctx context.Context) (n int, ran bool, err error) {
	marker := s.prefix + "migrated:aud"
	ok, err := s.rdb.SetNX(ctx, marker, "1", 0).Result()
	if err != nil || !ok {
		return 0, false, wrapErr(err, "audience migration marker")
	}
	if n, err = s.Reindex(ctx); err != nil {
		_ = s.rdb.Del(context.WithoutCancel(ctx), marker).Err()
		return n, true, err
	}
	return n, true, nil
}
