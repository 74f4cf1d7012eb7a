package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// getJSON reads the JSON value at key into a new T; nil when there is none. what names the value in
// the errors ("meetup m1", "the survey of b1").
func getJSON[T any](ctx context.Context, rdb redis.UniversalClient, key, what string) (*T, error) {
	raw, err := rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", what, err)
	}
	return &v, nil
}

// endingAfter lists at most limit members of an index scored by their end (Unix seconds) that end
// after t, the soonest first; what names the index in the error.
func (s *Store) endingAfter(ctx context.Context, index string, t time.Time, limit int, what string) ([]string, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, index, &redis.ZRangeBy{
		Min: "(" + strconv.FormatInt(t.Unix(), 10), Max: "+inf", Count: int64(limit)}).Result()
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	return ids, nil
}

// members lists the members of the set at key; the error says format, args.
func (s *Store) members(ctx context.Context, key, format string, args ...any) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, key).Result()
	if err != nil {
		return nil, wrapErr(err, format, args...)
	}
	return ids, nil
}
