package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Organizer reports read a meetup's RSVP keys (see rsvp.go) and its alumni's profiles; they write
// nothing. A meetup's keys share its hash tag, so they are read in one MULTI — a consistent snapshot,
// and one slot on a Cluster. Profiles live in other slots: they are read after, with pipelined HMGETs
// in chunks of profileChunk (a Cluster client splits each pipeline by node).

var _ flows.Reports = (*Store)(nil)

// profileChunk bounds one pipeline of profile reads: large enough for few round trips, small enough
// that one reply stays modest and other clients are not held up.
const profileChunk = 500

// Tally counts a meetup's seats, offers, waitlist, check-ins and cancellations, in one round trip. An
// unknown meetup counts zero.
func (s *Store) Tally(ctx context.Context, meetup string) (flows.Tally, error) {
	k := s.rsvpKeys(meetup)
	var (
		capacity                *redis.StringCmd
		going, offers, waitlist *redis.IntCmd
		stats                   *redis.MapStringStringCmd
		checkins                *redis.IntCmd
	)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		capacity = p.HGet(ctx, k[0], "capacity")
		going = p.SCard(ctx, k[1])
		offers = p.ZCard(ctx, k[2])
		waitlist = p.ZCard(ctx, k[3])
		stats = p.HGetAll(ctx, k[7])
		checkins = p.HLen(ctx, k[9])
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return flows.Tally{}, fmt.Errorf("tally %s: %w", meetup, err)
	}
	for _, c := range []redis.Cmder{going, offers, waitlist, stats, checkins} {
		if err := c.Err(); err != nil { // a missing capacity's redis.Nil may hide another failure
			return flows.Tally{}, fmt.Errorf("tally %s: %w", meetup, err)
		}
	}
	if err := capacity.Err(); err != nil && !errors.Is(err, redis.Nil) {
		return flows.Tally{}, fmt.Errorf("tally %s: %w", meetup, err)
	}
	capa, _ := strconv.Atoi(capacity.Val())
	st := stats.Val()
	count := func(field string) int { n, _ := strconv.Atoi(st[field]); return n }
	return flows.Tally{
		Capacity:   capa,
		Confirmed:  int(going.Val()),
		Offered:    int(offers.Val()),
		Waitlisted: int(waitlist.Val()),
		CheckedIn:  int(checkins.Val()),
		Cancelled:  count("cancelled"),
		Expired:    count("expired"),
	}, nil
}

// Roster lists everyone holding a seat, an offer or a waitlist place at a meetup, and everyone checked
// in there, with their check-in codes and times and what their profiles say. Order: confirmed alumni
// by name, then offered by name, then the waitlist in order, then those who came and cancelled later.
func (s *Store) Roster(ctx context.Context, meetup string) (out []flows.RosterEntry, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("roster of %s: %w", meetup, err)
		}
	}()
	k := s.rsvpKeys(meetup)
	var (
		going             *redis.StringSliceCmd
		offers            *redis.ZSliceCmd
		waitlist          *redis.StringSliceCmd
		tickets, checkins *redis.MapStringStringCmd
	)
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		going = p.SMembers(ctx, k[1])
		offers = p.ZRangeWithScores(ctx, k[2], 0, -1)
		waitlist = p.ZRange(ctx, k[3], 0, -1)
		tickets = p.HGetAll(ctx, k[5])
		checkins = p.HGetAll(ctx, k[9])
		return nil
	}); err != nil {
		return nil, err
	}

	seen := map[string]bool{}
	add := func(member string, e flows.RosterEntry) error {
		id, err := strconv.ParseInt(member, 10, 64)
		if err != nil {
			return fmt.Errorf("alumnus id %q: %w", member, err)
		}
		e.Alumnus = id
		seen[member] = true
		out = append(out, e)
		return nil
	}
	out = make([]flows.RosterEntry, 0, len(going.Val())+len(offers.Val())+len(waitlist.Val()))
	for _, a := range going.Val() {
		if err := add(a, flows.RosterEntry{Status: flows.SeatConfirmed, Code: tickets.Val()[a]}); err != nil {
			return nil, err
		}
	}
	for _, z := range offers.Val() {
		a, _ := z.Member.(string)
		if err := add(a, flows.RosterEntry{Status: flows.SeatOffered, OfferExpires: time.Unix(int64(z.Score), 0)}); err != nil {
			return nil, err
		}
	}
	for i, a := range waitlist.Val() {
		if err := add(a, flows.RosterEntry{Status: flows.SeatWaitlisted, Position: i + 1}); err != nil {
			return nil, err
		}
	}
	for a := range checkins.Val() {
		if !seen[a] { // came, then gave up the seat
			if err := add(a, flows.RosterEntry{Status: flows.SeatNone}); err != nil {
				return nil, err
			}
		}
	}
	for i := range out {
		if v, ok := checkins.Val()[strconv.FormatInt(out[i].Alumnus, 10)]; ok {
			if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[i].CheckedIn = time.Unix(sec, 0)
			}
		}
	}

	if err := s.rosterProfiles(ctx, out); err != nil {
		return nil, err
	}
	rank := map[flows.SeatStatus]int{flows.SeatConfirmed: 0, flows.SeatOffered: 1, flows.SeatWaitlisted: 2, flows.SeatNone: 3}
	slices.SortFunc(out, func(a, b flows.RosterEntry) int {
		if c := cmp.Compare(rank[a.Status], rank[b.Status]); c != 0 {
			return c
		}
		if a.Status == flows.SeatWaitlisted {
			return cmp.Compare(a.Position, b.Position)
		}
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Alumnus, b.Alumnus))
	})
	return out, nil
}

// rosterProfiles fills in the entries' profile fields, profileChunk profiles per round trip.
func (s *Store) rosterProfiles(ctx context.Context, es []flows.RosterEntry) error {
	for from := 0; from < len(es); from += profileChunk {
		chunk := es[from:min(from+profileChunk, len(es))]
		keys := make([]string, len(chunk))
		for i, e := range chunk {
			keys[i] = s.userKey(e.Alumnus, "profile")
		}
		ps, err := s.readProfiles(ctx, s.rdb, keys)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if p == nil { // erased: the entry shows no profile
				continue
			}
			e := &chunk[i]
			e.Name, e.Province, e.Regency, e.Wave, e.ReferredBy = p.Name, p.Province, p.Regency, p.Wave, p.ReferredBy
		}
	}
	return nil
}
