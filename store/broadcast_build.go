package store

import (
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
		batch, err := s.readPart(ctx, id, a, part, rank)
		if err != nil {
			return false, err
		}
		nextPart, nextRank := part, rank+len(batch)
		if len(batch) < ChunkSize {
			nextPart, nextRank = part+1, 0
		}
		args := []any{"build", part, rank, chunks, nextPart, nextRank}
		for _, u := range batch {
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

// readPart reads up to ChunkSize recipients of a part from a rank.
func (s *Store) readPart(ctx context.Context, id string, a flows.Audience, part, rank int) ([]string, error) {
	if buildParts(a) == 1 {
		all, err := s.meetupGroup(ctx, a)
		if err != nil {
			return nil, err
		}
		if rank >= len(all) {
			return nil, nil
		}
		return all[rank:min(rank+ChunkSize, len(all))], nil
	}
	src := a
	if a.Kind == flows.AudMeetup { // not yet a seat: the meetup's province, less its holders
		src = flows.Audience{Kind: flows.AudProvince, Province: a.Province}
	}
	union, within := s.audSources(part, src)
	if len(union) == 0 {
		return nil, nil
	}
	snap := s.bcSnap(part, id)
	keys := []string{snap}
	flag := "0"
	if within != "" {
		keys, flag = append(keys, within), "1"
	}
	keys = append(keys, union...)
	if err := snapshotScript.Run(ctx, s.rdb, keys, flag, int64(SnapshotTTL.Seconds())).Err(); err != nil {
		return nil, fmt.Errorf("snapshot shard %d of broadcast %s: %w", part, id, err)
	}
	ids, err := s.rdb.ZRange(ctx, snap, int64(rank), int64(rank+ChunkSize-1)).Result()
	if err != nil && err != redis.Nil {
		return nil, fmt.Errorf("read shard %d of broadcast %s: %w", part, id, err)
	}
	return ids, nil
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
