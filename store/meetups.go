package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Meetup keys: each meetup's keys share the hash tag {mt:<id>} (its RSVPs will live beside it);
// the index of all meetups by end time is one sorted set.
//
//	ab:{mt:<id>}:meetup   string  JSON flows.Meetup                        never expires
//	ab:meetups            zset    meetup ids scored by end (unix seconds)   never expires
func (s *Store) meetupKey(id string) string { return s.prefix + "{mt:" + id + "}:meetup" }
func (s *Store) meetupIndex() string        { return s.prefix + "meetups" }

// SaveMeetup creates or replaces a meetup unconditionally: for seeding (the console, tests) and for
// the record of a cancellation. The bot and EVENTS_FILE change meetups through WriteMeetup, which
// checks what the store holds and tells the alumni.
func (s *Store) SaveMeetup(ctx context.Context, m flows.Meetup) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode meetup %s: %w", m.ID, err)
	}
	// Two slots: a pipeline, not a transaction. The index is written second, so a listed meetup
	// always exists; a crash in between leaves an unlisted meetup that the next save lists.
	// The meetup and the facts the RSVP script needs share a slot: one transaction.
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.meetupKey(m.ID), raw, 0)
		p.HSet(ctx, s.rsvpKeys(m.ID)[0], "capacity", m.Capacity, "status", string(m.Status), "end", m.End.Unix())
		return nil
	})
	if err != nil {
		return fmt.Errorf("save meetup %s: %w", m.ID, err)
	}
	if err := s.rdb.ZAdd(ctx, s.meetupIndex(), redis.Z{Score: float64(m.End.Unix()), Member: m.ID}).Err(); err != nil {
		return fmt.Errorf("index meetup %s: %w", m.ID, err)
	}
	return nil
}

// Meetup reads one meetup; nil when there is none.
func (s *Store) Meetup(ctx context.Context, id string) (*flows.Meetup, error) {
	return getJSON[flows.Meetup](ctx, s.rdb, s.meetupKey(id), "meetup "+id)
}

// MeetupsEndingAfter lists meetups, any status, that end after t, soonest first, at most limit.
func (s *Store) MeetupsEndingAfter(ctx context.Context, t time.Time, limit int) ([]flows.Meetup, error) {
	ids, err := s.endingAfter(ctx, s.meetupIndex(), t, limit, "meetups")
	if err != nil {
		return nil, err
	}
	pipe := s.rdb.Pipeline()
	gets := make([]*redis.StringCmd, len(ids))
	for i, id := range ids {
		gets[i] = pipe.Get(ctx, s.meetupKey(id))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read meetups: %w", err)
	}
	out := make([]flows.Meetup, 0, len(ids))
	for i, g := range gets {
		raw, err := g.Bytes()
		if err != nil {
			continue // indexed but gone: skip rather than fail the list
		}
		var m flows.Meetup
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("decode meetup %s: %w", ids[i], err)
		}
		out = append(out, m)
	}
	return out, nil
}
