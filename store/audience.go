package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Audience indexes: sets of active alumni, kept as profiles change, so that choosing an announcement's
// audience never scans every key. Each index is split over AudShards shards by user id, and the keys
// of one shard share the hash tag {a<n>}: on a Cluster the 18.9 million alumni spread over 64 slots,
// and one shard's sets can be combined server-side (SUNIONSTORE, SINTERCARD) into a job's snapshot.
//
//	ab:aud:{a<n>}:all          set   every active alumnus of shard n
//	ab:aud:{a<n>}:p:<prov>     set   … of a province
//	ab:aud:{a<n>}:r:<regency>  set   … of a regency
//	ab:aud:{a<n>}:w:<wave>     set   … of a wave
//
// The profile lives under the user's own hash tag, so the indexes cannot change in the profile's
// script: they are written right after each commit (Commit → indexProfile), idempotently, and
// `alumnibot reindex` (Reindex) rebuilds them from the profiles should a crash fall in between.

// AudShards is the number of shards of every audience index.
const AudShards = 64

func audShard(user int64) int {
	if user < 0 {
		user = -user
	}
	return int(user % AudShards)
}

func (s *Store) audTag(shard int) string { return s.prefix + "aud:{a" + strconv.Itoa(shard) + "}:" }

// audKeys are the index sets an alumnus with profile p belongs to; none when inactive or absent.
func (s *Store) audKeys(user int64, p *flows.Profile) []string {
	if p == nil || !p.Active {
		return nil
	}
	tag := s.audTag(audShard(user))
	keys := []string{tag + "all"}
	if p.Province != "" {
		keys = append(keys, tag+"p:"+p.Province)
	}
	if p.Regency != "" {
		keys = append(keys, tag+"r:"+p.Regency)
	}
	if p.Wave > 0 {
		keys = append(keys, tag+"w:"+strconv.Itoa(p.Wave))
	}
	return keys
}

// indexProfile moves an alumnus from the sets of prev to those of next, in one transaction (one
// shard, one slot). Running it again changes nothing.
func (s *Store) indexProfile(ctx context.Context, user int64, prev, next *flows.Profile) error {
	add := s.audKeys(user, next)
	keep := make(map[string]bool, len(add))
	for _, k := range add {
		keep[k] = true
	}
	var rem []string
	for _, k := range s.audKeys(user, prev) {
		if !keep[k] {
			rem = append(rem, k)
		}
	}
	if len(add) == 0 && len(rem) == 0 {
		return nil
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range rem {
			p.SRem(ctx, k, user)
		}
		for _, k := range add {
			p.SAdd(ctx, k, user)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("index the profile of %d: %w", user, err)
	}
	return nil
}

// unindexUser takes an alumnus out of every index their profile puts them in (they blocked the bot).
func (s *Store) unindexUser(ctx context.Context, user int64) error {
	p, err := s.Profile(ctx, user)
	if err != nil || p == nil {
		return err
	}
	p.Active = true // the keys they were in while active
	return s.indexProfile(ctx, user, p, nil)
}

// audSources are, for one shard, the sets whose union is the audience, and the set it is then
// intersected with ("" for none): a wave range within a province.
func (s *Store) audSources(shard int, a flows.Audience) (union []string, within string) {
	tag := s.audTag(shard)
	switch a.Kind {
	case flows.AudAll:
		return []string{tag + "all"}, ""
	case flows.AudProvince:
		return []string{tag + "p:" + a.Province}, ""
	case flows.AudRegency:
		return []string{tag + "r:" + a.Regency}, ""
	case flows.AudWaves:
		for w := a.WaveFrom; w <= a.WaveTo; w++ {
			union = append(union, tag+"w:"+strconv.Itoa(w))
		}
		if a.Province != "" {
			within = tag + "p:" + a.Province
		}
		return union, within
	}
	return nil, ""
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

// AudienceSize counts an audience's alumni now; see flows.Broadcasts. Indexed audiences take one
// pipelined round trip over the shards.
func (s *Store) AudienceSize(ctx context.Context, a flows.Audience) (int64, error) {
	if a.Kind == flows.AudMeetup {
		return s.meetupGroupSize(ctx, a)
	}
	pipe := s.rdb.Pipeline()
	var cmds []*redis.IntCmd
	for n := range AudShards {
		union, within := s.audSources(n, a)
		for _, k := range union {
			if within != "" {
				cmds = append(cmds, pipe.SInterCard(ctx, 0, k, within))
			} else {
				cmds = append(cmds, pipe.SCard(ctx, k))
			}
		}
	}
	if len(cmds) == 0 {
		return 0, nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("count audience %+v: %w", a, err)
	}
	var total int64
	for _, c := range cmds {
		total += c.Val() // the sets of a union are disjoint: one province, regency, wave per alumnus
	}
	return total, nil
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

// scanKeys calls fn with every batch of keys matching pattern, on every master of a Cluster.
func (s *Store) scanKeys(ctx context.Context, pattern string, fn func(keys []string) error) error {
	scan := func(ctx context.Context, c redis.Cmdable) error {
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, pattern, 1000).Result()
			if err != nil {
				return fmt.Errorf("scan %s: %w", pattern, err)
			}
			if len(keys) > 0 {
				if err := fn(keys); err != nil {
					return err
				}
			}
			if next == 0 {
				return nil
			}
			cursor = next
		}
	}
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return scan(ctx, c) })
	}
	return scan(ctx, s.rdb)
}

// Reindex rebuilds the audience indexes from the profiles (`alumnibot reindex`): it drops every index
// set, then walks the profiles with SCAN, a thousand at a time. While it runs, audiences count short;
// run it when a crash may have left the indexes behind the profiles. It returns the alumni indexed.
func (s *Store) Reindex(ctx context.Context) (int, error) {
	err := s.scanKeys(ctx, s.prefix+"aud:*", func(keys []string) error {
		pipe := s.rdb.Pipeline()
		for _, k := range keys {
			pipe.Unlink(ctx, k)
		}
		_, err := pipe.Exec(ctx)
		return wrapErr(err, "drop audience indexes")
	})
	if err != nil {
		return 0, err
	}
	indexed := 0
	pre := s.prefix + "{u:"
	err = s.scanKeys(ctx, pre+"*}:profile", func(keys []string) error {
		pipe := s.rdb.Pipeline()
		cmds := make([]*redis.MapStringStringCmd, len(keys))
		for i, k := range keys {
			cmds[i] = pipe.HGetAll(ctx, k)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("read profiles: %w", err)
		}
		for i, k := range keys {
			id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(k, pre), "}:profile"), 10, 64)
			if err != nil || len(cmds[i].Val()) == 0 {
				continue
			}
			p, _ := decodeProfile(cmds[i].Val())
			if err := s.indexProfile(ctx, id, nil, p); err != nil {
				return err
			}
			if p.Active {
				indexed++
			}
		}
		return nil
	})
	return indexed, err
}
