package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// The index of an alumnus's meetups: the field mt of their profile hash holds the space-separated ids
// of the meetups they hold (or held) a seat, an offer or a waitlist place at, so that /tiket,
// check-in, data export and deletion need not ask every meetup.
//
// A meetup's RSVPs live under its own hash tag and the profile under the alumnus's, so one script
// cannot write both on Redis Cluster. The id is therefore added to the index before the RSVP script
// runs (Reserve, Claim), and taken out after the alumnus cancelled: the index is a superset of the
// meetups the alumnus holds a place at, and MyMeetups checks each against the meetup. (Two replicas
// racing on one chat, one cancelling and one taking a place at the same meetup, can leave the place
// unindexed; a chat's updates are otherwise applied one after another.)
//
// Only an alumnus with a profile is indexed: the index must not create a profile of its own. Deleting
// the profile deletes the index with it; the conversation's own writes to the profile keep it.

// profileMeetups is the profile field of the index.
const profileMeetups = "mt"

// addMineScript adds a meetup to an existing profile's index (KEYS: profile; ARGV: meetup).
var addMineScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local mt = redis.call('HGET', KEYS[1], 'mt') or ''
if string.find(' ' .. mt .. ' ', ' ' .. ARGV[1] .. ' ', 1, true) then return 0 end
if mt ~= '' then mt = mt .. ' ' end
redis.call('HSET', KEYS[1], 'mt', mt .. ARGV[1])
return 1`)

// forgetMineScript takes meetups out of a profile's index (KEYS: profile; ARGV: meetups).
var forgetMineScript = redis.NewScript(`
local mt = redis.call('HGET', KEYS[1], 'mt')
if not mt then return 0 end
local drop = {}
for _, m in ipairs(ARGV) do drop[m] = true end
local keep = {}
for m in string.gmatch(mt, '%S+') do
  if not drop[m] then keep[#keep + 1] = m end
end
if #keep == 0 then redis.call('HDEL', KEYS[1], 'mt') else redis.call('HSET', KEYS[1], 'mt', table.concat(keep, ' ')) end
return 1`)

// addMine records, before an RSVP script runs, that the alumnus may hold a place at the meetup.
func (s *Store) addMine(ctx context.Context, alumnus int64, meetup string) error {
	if err := addMineScript.Run(ctx, s.rdb, []string{s.userKey(alumnus, "profile")}, meetup).Err(); err != nil {
		return fmt.Errorf("index meetup %s for %d: %w", meetup, alumnus, err)
	}
	return nil
}

// forgetMine takes meetups out of the alumnus's index.
func (s *Store) forgetMine(ctx context.Context, alumnus int64, meetups ...string) error {
	if len(meetups) == 0 {
		return nil
	}
	args := make([]any, len(meetups))
	for i, m := range meetups {
		args[i] = m
	}
	if err := forgetMineScript.Run(ctx, s.rdb, []string{s.userKey(alumnus, "profile")}, args...).Err(); err != nil {
		return fmt.Errorf("unindex meetups of %d: %w", alumnus, err)
	}
	return nil
}

// MyMeetups returns the meetups at which the alumnus holds a seat, an offer or a waitlist place, or
// was checked in, in the order they were first taken; two round trips. Meetups that no longer exist
// are taken out of the index.
func (s *Store) MyMeetups(ctx context.Context, alumnus int64) ([]string, error) {
	mt, err := s.rdb.HGet(ctx, s.userKey(alumnus, "profile"), profileMeetups).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("meetups of %d: %w", alumnus, err)
	}
	ids := strings.Fields(mt)
	if len(ids) == 0 {
		return nil, nil
	}
	a := strconv.FormatInt(alumnus, 10)
	type check struct {
		exists            *redis.IntCmd
		boolGoing, boolIn *redis.BoolCmd
		offer, wait       *redis.FloatCmd
	}
	checks := make([]check, len(ids))
	pipe := s.rdb.Pipeline()
	for i, id := range ids {
		k := s.rsvpKeys(id)
		checks[i] = check{
			exists:    pipe.Exists(ctx, k[0]),
			boolGoing: pipe.SIsMember(ctx, k[1], a),
			offer:     pipe.ZScore(ctx, k[2], a),
			wait:      pipe.ZScore(ctx, k[3], a),
			boolIn:    pipe.HExists(ctx, k[9], a),
		}
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("meetups of %d: %w", alumnus, err)
	}
	var mine, gone []string
	for i, c := range checks {
		for _, e := range []error{c.exists.Err(), c.boolGoing.Err(), c.boolIn.Err()} {
			if e != nil {
				return nil, fmt.Errorf("meetups of %d: %s: %w", alumnus, ids[i], e)
			}
		}
		for _, e := range []error{c.offer.Err(), c.wait.Err()} {
			if e != nil && !errors.Is(e, redis.Nil) {
				return nil, fmt.Errorf("meetups of %d: %s: %w", alumnus, ids[i], e)
			}
		}
		switch {
		case c.exists.Val() == 0:
			gone = append(gone, ids[i])
		case c.boolGoing.Val() || c.boolIn.Val() || c.offer.Err() == nil || c.wait.Err() == nil:
			mine = append(mine, ids[i])
		}
	}
	if err := s.forgetMine(ctx, alumnus, gone...); err != nil {
		return nil, err
	}
	return mine, nil
}

// IndexPlaces fills the alumni's indexes from the meetups' RSVPs once, for places taken before the
// index existed. It runs at start on every replica until one has finished it (a marker then says
// so); running it twice, or on two replicas at once, adds nothing twice.
func (s *Store) IndexPlaces(ctx context.Context) (indexed int, err error) {
	done := s.prefix + "migrated:mine"
	if n, err := s.rdb.Exists(ctx, done).Result(); err != nil || n == 1 {
		return 0, err
	}
	ids, err := s.rdb.ZRange(ctx, s.meetupIndex(), 0, -1).Result()
	if err != nil {
		return 0, fmt.Errorf("index places: list meetups: %w", err)
	}
	for _, id := range ids {
		k := s.rsvpKeys(id)
		// Everyone holding a seat, an offer or a waitlist place, or checked in.
		pipe := s.rdb.Pipeline()
		lists := []*redis.StringSliceCmd{pipe.SMembers(ctx, k[1]), pipe.ZRange(ctx, k[2], 0, -1), pipe.ZRange(ctx, k[3], 0, -1), pipe.HKeys(ctx, k[9])}
		if _, err := pipe.Exec(ctx); err != nil {
			return indexed, fmt.Errorf("index places of %s: %w", id, err)
		}
		holders := map[string]bool{}
		for _, l := range lists {
			for _, v := range l.Val() {
				holders[v] = true
			}
		}
		pipe = s.rdb.Pipeline()
		for a := range holders {
			user, err := strconv.ParseInt(a, 10, 64)
			if err != nil {
				continue
			}
			addMineScript.Eval(ctx, pipe, []string{s.userKey(user, "profile")}, id) // EVAL: a pipeline cannot retry a missing EVALSHA
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return indexed, fmt.Errorf("index places of %s: %w", id, err)
		}
		indexed += len(holders)
	}
	if err := s.rdb.Set(ctx, done, "1", 0).Err(); err != nil {
		return indexed, fmt.Errorf("index places: mark done: %w", err)
	}
	return indexed, nil
}
