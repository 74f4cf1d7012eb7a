package store

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// WriteMeetup is the one way a meetup is created or changed, by /buatacara and EVENTS_FILE alike. In
// one script over the meetup's keys it checks that the meetup is still what was read just before
// (compare-and-set), that the capacity covers the seats taken, and that it is not cancelled; saves it;
// queues one "changed" notice for every holder when the date, time or venue moved; and offers seats a
// larger capacity freed to the waiting list. Under an update it carries the update's operation id, so
// a re-run answers the same and tells nobody twice. fileSum identifies the file's version of the
// meetup (mode WriteFile): the same sum again changes nothing, so edits made in the bot stand.
func (s *Store) WriteMeetup(ctx context.Context, m flows.Meetup, mode flows.WriteMode, fileSum string, now time.Time) (flows.Written, error) {
	if m.Status == flows.MeetupCancelled {
		return flows.Written{}, fmt.Errorf("write meetup %s: cancel it with CancelMeetup, which tells its alumni", m.ID)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return flows.Written{}, fmt.Errorf("encode meetup %s: %w", m.ID, err)
	}
	ctx = pinOp(ctx) // every try below is the same operation
	for range 10 {   // a conflict means another writer got in between: read again and re-decide
		cur, err := s.rdb.Get(ctx, s.meetupKey(m.ID)).Bytes()
		if err != nil && !errors.Is(err, redis.Nil) {
			return flows.Written{}, fmt.Errorf("read meetup %s: %w", m.ID, err)
		}
		seen, tell := "", "0"
		if cur != nil {
			sum := sha1.Sum(cur) // what the script compares with redis.sha1hex, not a security measure
			seen = hex.EncodeToString(sum[:])
			var old flows.Meetup
			if err := json.Unmarshal(cur, &old); err != nil || flows.Moved(old, m) {
				tell = "1"
			}
		}
		res, err := s.runRSVP(ctx, m.ID, false, "save", "-", string(mode), raw, seen, m.Capacity, string(m.Status),
			m.End.Unix(), tell, fileSum, now.Unix(), flows.OfferExpiry(m, now).Unix()).StringSlice()
		if err != nil {
			return flows.Written{}, fmt.Errorf("write meetup %s: %w", m.ID, err)
		}
		w := flows.Written{Status: flows.WriteStatus(res[0])}
		switch w.Status {
		case "conflict":
			continue
		case flows.WriteBelowTaken:
			w.Taken, _ = strconv.Atoi(res[1])
			return w, nil
		case flows.WriteSaved:
			w.Told, _ = strconv.Atoi(res[1])
			if w.Offered, err = parseIDs(res[2:]); err != nil {
				return flows.Written{}, err
			}
			// The index is another slot, written second: a listed meetup always exists, and a crash in
			// between leaves it unlisted only until the next write of it.
			if err := s.rdb.ZAdd(ctx, s.meetupIndex(), redis.Z{Score: float64(m.End.Unix()), Member: m.ID}).Err(); err != nil {
				return w, fmt.Errorf("index meetup %s: %w", m.ID, err)
			}
			if w.Told+len(w.Offered) > 0 {
				return w, s.registerNotices(ctx, m.ID)
			}
			return w, nil
		case flows.WriteUnchanged, flows.WriteExists, flows.WriteGone, flows.WriteHasHolders:
			return w, nil
		default:
			return flows.Written{}, fmt.Errorf("write meetup %s: unexpected answer %q", m.ID, res)
		}
	}
	return flows.Written{}, fmt.Errorf("write meetup %s: changed by others ten times in a row", m.ID)
}
