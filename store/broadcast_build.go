package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Building a job's recipient list: the audience is read part by part — the 64 shards of an indexed
// audience, or the one list of a meetup group — a thousand at a time, and each batch is written as a
// chunk together with the build's cursor (broadcast.lua "build"). A shard is read from a snapshot
// frozen when the build first reaches it, by rank, so reading it again after a crash gives the same
// batches: nobody is skipped or listed twice. Memory: one batch at a time (and, for "not yet a seat",
// the meetup's holders).

// buildParts is how many parts an audience is read in.
func buildParts(a flows.Audience) int {
	if a.Kind == flows.AudMeetup && a.Group != flows.GroupNoSeat {
		return 1
	}
	return AudShards
}

// BuildBroadcast builds the recipient list of a job in the building state, from where it stands, and
// starts sending. It returns false when the job is not (or no longer) being built. Two builders at once
// do no harm: each batch is written only by the one whose cursor is current.
func (s *Store) BuildBroadcast(ctx context.Context, id string, now time.Time) (bool, error) {
	return s.buildBroadcast(ctx, id, now, -1)
}

// buildBroadcast is BuildBroadcast that stops after steps batches (a builder dying midway, in tests);
// -1: no limit.
func (s *Store) buildBroadcast(ctx context.Context, id string, now time.Time, steps int) (bool, error) {
	b, err := s.BroadcastState(ctx, id)
	if err != nil || b == nil || b.State != flows.BcBuilding {
		return false, err
	}
	a := b.Audience
	var skip map[int64]bool
	if a.Kind == flows.AudMeetup && a.Group == flows.GroupNoSeat {
		if skip, err = s.meetupHolders(ctx, a.Meetup); err != nil {
			return false, err
		}
	}
	parts := buildParts(a)
	for ; ctx.Err() == nil && steps != 0; steps-- {
		vals, err := s.rdb.HMGet(ctx, s.bcJob(id), "state", "b_part", "b_rank", "chunks").Result()
		if err != nil {
			return false, fmt.Errorf("build broadcast %s: %w", id, err)
		}
		if st, _ := vals[0].(string); st != flows.BcBuilding {
			return false, nil
		}
		part, _ := strconv.Atoi(fmt.Sprint(vals[1]))
		rank, _ := strconv.Atoi(fmt.Sprint(vals[2]))
		chunks, _ := strconv.Atoi(fmt.Sprint(vals[3]))
		if part >= parts {
			if err := s.runBroadcast(ctx, id, nil, "built", parts, now.UnixMilli()).Err(); err != nil {
				return false, fmt.Errorf("start broadcast %s: %w", id, err)
			}
			return true, nil
		}
		batch, keep, err := s.readPart(ctx, id, a, part, rank)
		if err != nil {
			return false, err
		}
		nextPart, nextRank := part, rank+len(batch)
		if len(batch) < ChunkSize {
			nextPart, nextRank = part+1, 0
		}
		args := []any{"build", part, rank, chunks, nextPart, nextRank}
		for _, u := range keep {
			if id, err := strconv.ParseInt(u, 10, 64); err == nil && !skip[id] {
				args = append(args, u)
			}
		}
		if err := s.runBroadcast(ctx, id, []string{s.bcChunk(id, chunks)}, args...).Err(); err != nil {
			return false, fmt.Errorf("build broadcast %s: %w", id, err)
		}
		if nextPart != part && parts == AudShards {
			_ = s.rdb.Del(ctx, s.bcSnap(part, id)).Err() // copied; it expires anyway
		}
	}
	return false, ctx.Err()
}

// readPart reads up to ChunkSize alumni of a part from a rank: the batch as read (its length moves the
// cursor) and those of it that are in the audience.
func (s *Store) readPart(ctx context.Context, id string, a flows.Audience, part, rank int) (batch, keep []string, err error) {
	if buildParts(a) == 1 {
		all, err := s.meetupGroup(ctx, a)
		if err != nil {
			return nil, nil, err
		}
		if rank >= len(all) {
			return nil, nil, nil
		}
		batch = all[rank:min(rank+ChunkSize, len(all))]
		return batch, batch, nil
	}
	mode, prov := "one", a.Province
	if a.Kind == flows.AudAll || a.Kind == flows.AudWaves && a.Province == "" {
		mode = "all"
	}
	snap := s.bcSnap(part, id)
	err = snapshotScript.Run(ctx, s.rdb, []string{snap, s.audCounts(part)}, mode, prov, int64(SnapshotTTL.Seconds()), s.audTag(part)).Err()
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot shard %d of broadcast %s: %w", part, id, err)
	}
	batch, err = s.rdb.ZRange(ctx, snap, int64(rank), int64(rank+ChunkSize-1)).Result()
	if err != nil && err != redis.Nil {
		return nil, nil, fmt.Errorf("read shard %d of broadcast %s: %w", part, id, err)
	}
	if a.Kind != flows.AudRegency && a.Kind != flows.AudWaves {
		return batch, batch, nil
	}
	return batch, s.filterProfiles(ctx, batch, a), nil
}

// filterProfiles keeps the alumni whose profile is of the audience's regency or waves: the index
// holds provinces only.
func (s *Store) filterProfiles(ctx context.Context, ids []string, a flows.Audience) []string {
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HMGet(ctx, s.prefix+"{u:"+id+"}:profile", "r", "regency", "w", "wave")
	}
	_, _ = pipe.Exec(ctx) // a profile that cannot be read is left out
	var keep []string
	for i, id := range ids {
		v := cmds[i].Val()
		if len(v) != 4 {
			continue
		}
		str := func(j int) string { x, _ := v[j].(string); return x }
		reg, wave := cmp.Or(str(0), str(1)), cmp.Or(str(2), str(3))
		switch a.Kind {
		case flows.AudRegency:
			if reg == a.Regency {
				keep = append(keep, id)
			}
		case flows.AudWaves:
			if w, err := strconv.Atoi(wave); err == nil && w >= a.WaveFrom && w <= a.WaveTo {
				keep = append(keep, id)
			}
		}
	}
	return keep
}

// meetupGroup lists a meetup group's alumni in a fixed order. A meetup's groups are a few hundred.
func (s *Store) meetupGroup(ctx context.Context, a flows.Audience) ([]string, error) {
	key, typ := s.meetupGroupKey(a)
	var ids []string
	var err error
	switch typ {
	case "set":
		ids, err = s.rdb.SMembers(ctx, key).Result()
	case "zset":
		ids, err = s.rdb.ZRange(ctx, key, 0, -1).Result()
	case "hash":
		ids, err = s.rdb.HKeys(ctx, key).Result()
	}
	if err != nil {
		return nil, fmt.Errorf("read %s of %s: %w", a.Group, a.Meetup, err)
	}
	slices.Sort(ids)
	return ids, nil
}
