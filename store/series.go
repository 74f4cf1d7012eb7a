package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Workshop series (flows/series.go) and their subscribers:
//
//	ab:{ws:<id>}:series    string  JSON flows.Series
//	ab:{ws:<id>}:subs      set     subscribed alumni
//	ab:series              zset    series ids by their end (unix s)
//	ab:{u:<id>}:ws         set     the series an alumnus subscribed to (a superset: readers check subs)
//
// A series' reminders are kept like a meetup's, under its own tag (remind.go).

func (s *Store) seriesKey(id, suffix string) string { return s.prefix + "{ws:" + id + "}:" + suffix }
func (s *Store) seriesIndex() string                { return s.prefix + "series" }

// SaveSeries creates or replaces a series. Saving the same series again changes nothing.
func (s *Store) SaveSeries(ctx context.Context, sr flows.Series) error {
	js, err := json.Marshal(sr)
	if err != nil {
		return fmt.Errorf("save series %s: %w", sr.ID, err)
	}
	if err := s.rdb.Set(ctx, s.seriesKey(sr.ID, "series"), js, 0).Err(); err != nil {
		return fmt.Errorf("save series %s: %w", sr.ID, err)
	}
	if err := s.rdb.ZAdd(ctx, s.seriesIndex(), redis.Z{Score: float64(sr.End().Unix()), Member: sr.ID}).Err(); err != nil {
		return fmt.Errorf("index series %s: %w", sr.ID, err)
	}
	return nil
}

// CreateSeries saves a new series; false if the id is taken by another series.
func (s *Store) CreateSeries(ctx context.Context, sr flows.Series) (bool, error) {
	js, err := json.Marshal(sr)
	if err != nil {
		return false, fmt.Errorf("create series %s: %w", sr.ID, err)
	}
	ok, err := s.rdb.SetNX(ctx, s.seriesKey(sr.ID, "series"), js, 0).Result()
	if err != nil {
		return false, fmt.Errorf("create series %s: %w", sr.ID, err)
	}
	if !ok { // the same series again (a redelivered update) is fine
		cur, err := s.rdb.Get(ctx, s.seriesKey(sr.ID, "series")).Result()
		if err != nil || cur != string(js) {
			return false, wrapErr(err, "create series %s", sr.ID)
		}
	}
	return true, wrapErr(s.rdb.ZAdd(ctx, s.seriesIndex(), redis.Z{Score: float64(sr.End().Unix()), Member: sr.ID}).Err(), "index series %s", sr.ID)
}

// Series is one series; nil when there is none.
func (s *Store) Series(ctx context.Context, id string) (*flows.Series, error) {
	return getJSON[flows.Series](ctx, s.rdb, s.seriesKey(id, "series"), "series "+id)
}

// SeriesEndingAfter lists up to limit series not over by t, the soonest to end first.
func (s *Store) SeriesEndingAfter(ctx context.Context, t time.Time, limit int) ([]flows.Series, error) {
	ids, err := s.endingAfter(ctx, s.seriesIndex(), t, limit, "series")
	if err != nil {
		return nil, err
	}
	var out []flows.Series
	for _, id := range ids { // one key each: series live under their own hash tags
		sr, err := s.Series(ctx, id)
		if err != nil {
			return nil, err
		}
		if sr != nil {
			out = append(out, *sr)
		}
	}
	return out, nil
}

// Subscribe adds an alumnus to a series' subscribers, or takes them off.
func (s *Store) Subscribe(ctx context.Context, series string, alumnus int64, on bool) error {
	mine := s.userKey(alumnus, "ws")
	var err error
	if on { // the index first: it is a superset
		if err = s.rdb.SAdd(ctx, mine, series).Err(); err == nil {
			err = s.rdb.SAdd(ctx, s.seriesKey(series, "subs"), alumnus).Err()
		}
	} else if err = s.rdb.SRem(ctx, s.seriesKey(series, "subs"), alumnus).Err(); err == nil {
		err = s.rdb.SRem(ctx, mine, series).Err()
	}
	return wrapErr(err, "subscribe %d to %s (%v)", alumnus, series, on)
}

// Subscribed says whether an alumnus subscribed to a series.
func (s *Store) Subscribed(ctx context.Context, series string, alumnus int64) (bool, error) {
	ok, err := s.rdb.SIsMember(ctx, s.seriesKey(series, "subs"), alumnus).Result()
	return ok, wrapErr(err, "subscribed %d to %s", alumnus, series)
}

// MySeries lists the series an alumnus subscribed to.
func (s *Store) MySeries(ctx context.Context, alumnus int64) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.userKey(alumnus, "ws")).Result()
	if err != nil {
		return nil, fmt.Errorf("series of %d: %w", alumnus, err)
	}
	var out []string
	for _, id := range ids {
		if ok, err := s.Subscribed(ctx, id, alumnus); err != nil {
			return nil, err
		} else if ok {
			out = append(out, id)
		}
	}
	return out, nil
}
