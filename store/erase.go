package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Erasing an alumnus (/hapusdata, UU 27/2022) takes away every record that names them, in three
// steps so that a failure half-way is repaired by running it again (every step is idempotent):
//
//  1. EraseUser, while the flow runs: their places at meetups (a freed seat is passed on to the
//     waiting list as a cancellation would), tickets, check-ins, queued notices and the operation
//     records that name them, at every meetup of their index and every meetup recent enough to hold
//     operation records; their organizer role and command menu; the referral links to and from them;
//     dead letters that name them. Aggregate counters stay.
//  2. The commit of that update deletes the profile (the flow ends without one).
//  3. Forget, once the last reply went out: the conversation hash with its de-duplication records
//     and the flood counters.
//
// Parts added later (stories, surveys, reminders, …) add their own step to erasers.

// eraser takes away one part's records of a user.
type eraser func(ctx context.Context, user int64, now time.Time) error

// erasers lists every part of the store that keeps records naming a user.
func (s *Store) erasers() []eraser {
	return []eraser{s.eraseMeetups, s.eraseFeedback, s.eraseRole, s.eraseReferrals, s.eraseDeadLetters,
		s.eraseStories, s.eraseSurveys, s.eraseReminders, s.eraseBroadcasts, s.eraseOrganizer}
}

// EraseUser takes away every record naming user except their profile and conversation, which the
// commit and Forget take (see above).
func (s *Store) EraseUser(ctx context.Context, user int64, now time.Time) error {
	for _, e := range s.erasers() {
		if err := e(ctx, user, now); err != nil {
			return fmt.Errorf("erase %d: %w", user, err)
		}
	}
	return nil
}

// Forget deletes a chat's conversation hash and flood counters: the last step of an erasure, once
// its reply went out.
func (s *Store) Forget(ctx context.Context, user int64, now time.Time) error {
	slot := now.Unix() / int64(flows.FloodWindow/time.Second)
	// bulkpace: the bulk lane's pace of the chat (ratelimit.go), held a second or two.
	keys := []string{s.userKey(user, "conv"), s.userKey(user, "bulkpace")}
	for d := int64(-2); d <= 1; d++ { // the windows a counter may still live in
		keys = append(keys, s.userKey(user, "flood:"+strconv.FormatInt(slot+d, 10)))
	}
	if err := s.rdb.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("forget %d: %w", user, err)
	}
	return nil
}

// eraseMeetups runs the RSVP script's erase at every meetup of the alumnus's index and every meetup
// that may still hold operation records (those ending after now minus OpTTL: records of older ones
// have expired).
func (s *Store) eraseMeetups(ctx context.Context, user int64, now time.Time) error {
	ids := map[string]bool{}
	mt, err := s.rdb.HGet(ctx, s.userKey(user, "profile"), profileMeetups).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("read meetups index: %w", err)
	}
	for _, id := range strings.Fields(mt) {
		ids[id] = true
	}
	recent, err := s.rdb.ZRangeByScore(ctx, s.meetupIndex(), &redis.ZRangeBy{
		Min: strconv.FormatInt(now.Add(-OpTTL).Unix(), 10), Max: "+inf"}).Result()
	if err != nil {
		return fmt.Errorf("list recent meetups: %w", err)
	}
	for _, id := range recent {
		ids[id] = true
	}
	for id := range ids {
		m, err := s.Meetup(ctx, id)
		if err != nil {
			return err
		}
		expiry := now
		if m != nil {
			expiry = flows.OfferExpiry(*m, now)
		}
		res, err := s.runRSVP(ctx, id, true, "erase", user, expiry.Unix()).StringSlice()
		if err != nil {
			return fmt.Errorf("erase at %s: %w", id, err)
		}
		if len(res) > 1 { // a freed seat was offered on: their notices wait in the meetup's stream
			if err := s.registerNotices(ctx, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// eraseRole revokes an organizer role and forgets the command menu set in their chat.
func (s *Store) eraseRole(ctx context.Context, user int64, _ time.Time) error {
	id := strconv.FormatInt(user, 10)
	pipe := s.rdb.TxPipeline()
	pipe.HDel(ctx, s.rolesKey(), id)
	pipe.HDel(ctx, s.menusKey(), id)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("erase role and menu: %w", err)
	}
	return nil
}

// eraseReferrals unlinks the alumni they brought (whose profiles name them as referrer) and takes
// them out of their own referrer's list.
func (s *Store) eraseReferrals(ctx context.Context, user int64, _ time.Time) error {
	id := strconv.FormatInt(user, 10)
	brought, err := s.rdb.SMembers(ctx, s.userKey(user, "refs")).Result()
	if err != nil {
		return fmt.Errorf("list referred alumni: %w", err)
	}
	for _, b := range brought {
		other, err := strconv.ParseInt(b, 10, 64)
		if err != nil {
			continue
		}
		if err := unreferScript.Run(ctx, s.rdb, []string{s.userKey(other, "profile")}, id).Err(); err != nil {
			return fmt.Errorf("unlink referral of %d: %w", other, err)
		}
	}
	by, err := s.rdb.HGet(ctx, s.userKey(user, "profile"), "f").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("read referrer: %w", err)
	}
	if ref, err := strconv.ParseInt(by, 10, 64); err == nil {
		if err := s.rdb.SRem(ctx, s.userKey(ref, "refs"), id).Err(); err != nil {
			return fmt.Errorf("leave the referrer's list: %w", err)
		}
	}
	if err := s.rdb.Del(ctx, s.userKey(user, "refs")).Err(); err != nil {
		return fmt.Errorf("drop referred list: %w", err)
	}
	return nil
}

// unreferScript drops a profile's referrer if it is ARGV[1] (the profile may have been changed or
// deleted since).
var unreferScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'f') == ARGV[1] then redis.call('HDEL', KEYS[1], 'f') end
if redis.call('HGET', KEYS[1], 'referred_by') == ARGV[1] then redis.call('HDEL', KEYS[1], 'referred_by') end
return 1`)

// eraseDeadLetters deletes the dead letters that name the user (at most the stream's cap to read).
func (s *Store) eraseDeadLetters(ctx context.Context, user int64, _ time.Time) error {
	id := strconv.FormatInt(user, 10)
	msgs, err := s.rdb.XRange(ctx, s.deadLetterKey(), "-", "+").Result()
	if err != nil {
		return fmt.Errorf("read dead letters: %w", err)
	}
	var drop []string
	for _, m := range msgs {
		if namesUser(m.Values, id) {
			drop = append(drop, m.ID)
		}
	}
	if len(drop) == 0 {
		return nil
	}
	if err := s.rdb.XDel(ctx, s.deadLetterKey(), drop...).Err(); err != nil {
		return fmt.Errorf("delete dead letters: %w", err)
	}
	return nil
}

// namesUser says whether a stream entry mentions the user id as a whole value or inside the JSON of
// the original entry ("alumnus":"<id>", "to":"<id>").
func namesUser(values map[string]any, id string) bool {
	for _, v := range values {
		s := fmt.Sprint(v)
		if s == id || strings.Contains(s, `"`+id+`"`) || strings.Contains(s, ":"+id+",") || strings.Contains(s, ":"+id+"}") {
			return true
		}
	}
	return false
}

// noteReferral lists a newly onboarded alumnus under the alumnus who brought them, so an erasure of
// either finds the link. Idempotent.
func (s *Store) noteReferral(ctx context.Context, referrer, user int64) error {
	if err := s.rdb.SAdd(ctx, s.userKey(referrer, "refs"), user).Err(); err != nil {
		return fmt.Errorf("note referral of %d by %d: %w", user, referrer, err)
	}
	return nil
}

// IndexReferrals lists, once, the referrals of profiles written before the lists existed (like
// IndexPlaces; a marker says when it is done). It reads every profile with SCAN, on every node of a
// Cluster.
func (s *Store) IndexReferrals(ctx context.Context) (indexed int, err error) {
	done := s.prefix + "migrated:refs"
	if n, err := s.rdb.Exists(ctx, done).Result(); err != nil || n == 1 {
		return 0, err
	}
	var count atomic.Int64 // the nodes of a Cluster are scanned at once
	defer func() { indexed = int(count.Load()) }()
	err = s.scanKeys(ctx, s.prefix+"{u:*}:profile", func(c redis.Cmdable, keys []string) error {
		pipe := c.Pipeline()
		refs := make([]*redis.SliceCmd, len(keys))
		for i, k := range keys {
			refs[i] = pipe.HMGet(ctx, k, "f", "referred_by")
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
		for i, k := range keys {
			user, ok := userOfKey(k)
			if !ok {
				continue
			}
			for _, v := range refs[i].Val() {
				if ref, err := strconv.ParseInt(fmt.Sprint(v), 10, 64); err == nil && ref != 0 {
					if err := s.noteReferral(ctx, ref, user); err != nil {
						return err
					}
					count.Add(1)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return indexed, fmt.Errorf("index referrals: %w", err)
	}
	if err := s.rdb.Set(ctx, done, "1", 0).Err(); err != nil {
		return indexed, fmt.Errorf("index referrals: mark done: %w", err)
	}
	return indexed, nil
}

// userOfKey reads the user id out of a key "<prefix>{u:<id>}:…".
func userOfKey(k string) (int64, bool) {
	_, rest, ok := strings.Cut(k, "{u:")
	if !ok {
		return 0, false
	}
	id, _, ok := strings.Cut(rest, "}")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil
}
