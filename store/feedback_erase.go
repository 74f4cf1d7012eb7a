package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Personal data (/datasaya, /hapusdata): the feedback part. eraseFeedback has the shape of an eraser
// and feedbackData of a dataPart (erase.go and mydata.go, on the branch that added them): list them in
// erasers() and dataParts().
//
// An alumnus's ratings and comments may be at any meetup they came to, however long ago (their index
// of meetups in the profile is pruned of places given up), so both go over every meetup of the index
// of all meetups: a few hundred small script calls. Their suggestions may be in any suggestion stream
// (their province may have changed since), so both read every stream of the suggestions' index.
// Erasures and exports are rare.

// eraseFeedback takes away an alumnus's feedback: at every meetup their asked mark,
// rating, comment, queued question and operation records (the counts stay: aggregates); and every
// suggestion they sent, with its operation records. Running it again erases nothing more.
func (s *Store) eraseFeedback(ctx context.Context, user int64, _ time.Time) error {
	ids, err := s.allMeetups(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.runFeedback(ctx, id, false, "erase", user).Err(); err != nil {
			return fmt.Errorf("erase feedback at %s: %w", id, err)
		}
	}
	buckets, err := s.members(ctx, s.suggestIndex(), "list suggestion streams")
	if err != nil {
		return err
	}
	return s.eraseEach(ctx, eraseSuggestScript, user, buckets, s.suggestTag, "list", "erase suggestions in")
}

// eraseSuggestScript deletes a stream's entries of an alumnus and the operation records naming them.
var eraseSuggestScript = redis.NewScript(`
for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'a' and f[i + 1] == ARGV[1] then redis.call('XDEL', KEYS[1], e[1]) end
  end
end
` + eraseOpsLua)

// allMeetups lists every meetup's id.
func (s *Store) allMeetups(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.ZRange(ctx, s.meetupIndex(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list meetups: %w", err)
	}
	return ids, nil
}

// feedbackData adds an alumnus's ratings with their comments, and their suggestions, to out.
func (s *Store) feedbackData(ctx context.Context, user int64, out map[string]any) error {
	ids, err := s.allMeetups(ctx)
	if err != nil {
		return err
	}
	a := strconv.FormatInt(user, 10)
	var ratings []map[string]any
	for _, id := range ids {
		k := s.feedbackKeys(id, "")
		v, err := s.rdb.HGet(ctx, k[4], a).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read rating at %s: %w", id, err)
		}
		rs, at, _ := strings.Cut(v, ":")
		rec := map[string]any{"meetup": id}
		rec["rating"], _ = strconv.Atoi(rs)
		if sec, err := strconv.ParseInt(at, 10, 64); err == nil {
			rec["rated_at"] = time.Unix(sec, 0).UTC().Format(time.RFC3339)
		}
		cs, err := s.FeedbackComments(ctx, id)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Alumnus == user && c.Text != "" {
				rec["comment"] = c.Text
			}
		}
		ratings = append(ratings, rec)
	}
	if len(ratings) > 0 {
		out["meetup_ratings"] = ratings
	}
	buckets, err := s.members(ctx, s.suggestIndex(), "list suggestion streams")
	if err != nil {
		return err
	}
	var sent []map[string]any
	for _, b := range buckets {
		msgs, err := s.rdb.XRange(ctx, s.suggestTag(b)+"list", "-", "+").Result()
		if err != nil {
			return fmt.Errorf("read suggestions in %s: %w", b, err)
		}
		for _, m := range msgs {
			if m.Values["a"] != a {
				continue
			}
			rec := map[string]any{"text": m.Values["t"], "province_code": b[8:], "regency_code": m.Values["r"]}
			if sec, err := strconv.ParseInt(fmt.Sprint(m.Values["at"]), 10, 64); err == nil {
				rec["sent_at"] = time.Unix(sec, 0).UTC().Format(time.RFC3339)
			}
			sent = append(sent, rec)
		}
	}
	if len(sent) > 0 {
		out["suggestions"] = sent
	}
	return nil
}
