package store

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Feedback after a meetup, beside the meetup's RSVP keys (one hash tag, so feedback.lua reads the
// check-ins and writes the rest in one step):
//
//	ab:{mt:<id>}:fb:asked     set     alumni asked how it went (each once)
//	ab:{mt:<id>}:fb:q         stream  their questions in the bulk lane (k "fb", to, m); registered in
//	                                  ab:queues:bulk; an entry is deleted once sent
//	ab:{mt:<id>}:fb:ratings   hash    alumnus -> "<rating 1–5>:<unix s>"
//	ab:{mt:<id>}:fb:counts    hash    "1".."5" -> number of ratings
//	ab:{mt:<id>}:fb:comments  hash    alumnus -> JSON {t: text, at: unix s}
//
// None expires: they are what alumni told us.

//go:embed feedback.lua
var feedbackLua string
var feedbackScript = redis.NewScript(feedbackLua)

var _ flows.Feedback = (*Store)(nil)

func (s *Store) feedbackKeys(meetup, op string) []string {
	tag := s.prefix + "{mt:" + meetup + "}:"
	k := s.rsvpKeys(meetup)
	return []string{k[9], k[0], tag + "fb:asked", tag + "fb:q", tag + "fb:ratings", tag + "fb:counts", tag + "fb:comments", tag + "op:" + op, tag + "ops"}
}

// runFeedback runs one op of feedback.lua; an op that changes something on behalf of an update
// carries its operation id, so a re-run returns the first answer.
func (s *Store) runFeedback(ctx context.Context, meetup string, record bool, args ...any) *redis.Cmd {
	op, ttl := "", int64(0)
	if record {
		if op = opOf(ctx); op != "" {
			ttl = OpTTL.Milliseconds()
		}
	}
	return feedbackScript.Run(ctx, s.rdb, s.feedbackKeys(meetup, op), append(args, ttl)...)
}

// Rate keeps an alumnus's rating of a meetup they checked in at. A rating outside 1–5, one from
// someone who did not check in, and a second rating change nothing.
func (s *Store) Rate(ctx context.Context, meetup string, alumnus int64, rating int, now time.Time) (flows.RateResult, error) {
	res, err := s.runFeedback(ctx, meetup, true, "rate", alumnus, rating, now.Unix()).Slice()
	if err != nil {
		return flows.RateResult{}, fmt.Errorf("rate %s by %d: %w", meetup, alumnus, err)
	}
	if len(res) != 2 {
		return flows.RateResult{}, fmt.Errorf("rate %s by %d: answer %v", meetup, alumnus, res)
	}
	st, _ := res[0].(string)
	r, _ := res[1].(int64)
	return flows.RateResult{Status: flows.RateStatus(st), Rating: int(r)}, nil
}

// Comment keeps the comment with an alumnus's rating; false (nothing kept) without a rating.
func (s *Store) Comment(ctx context.Context, meetup string, alumnus int64, text string, now time.Time) (bool, error) {
	res, err := s.runFeedback(ctx, meetup, true, "comment", alumnus, text, now.Unix()).StringSlice()
	if err != nil {
		return false, fmt.Errorf("comment on %s by %d: %w", meetup, alumnus, err)
	}
	return len(res) == 1 && res[0] == "ok", nil
}

// Ratings counts a meetup's ratings by stars.
func (s *Store) Ratings(ctx context.Context, meetup string) (flows.Ratings, error) {
	counts, err := s.rdb.HGetAll(ctx, s.feedbackKeys(meetup, "")[5]).Result()
	if err != nil {
		return flows.Ratings{}, fmt.Errorf("ratings of %s: %w", meetup, err)
	}
	var r flows.Ratings
	for i := range r.Dist {
		r.Dist[i], _ = strconv.Atoi(counts[strconv.Itoa(i+1)])
	}
	return r, nil
}

// FeedbackComments lists a meetup's ratings with their comments, oldest rating first.
func (s *Store) FeedbackComments(ctx context.Context, meetup string) ([]flows.FeedbackComment, error) {
	k := s.feedbackKeys(meetup, "")
	var ratings, comments *redis.MapStringStringCmd
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		ratings = p.HGetAll(ctx, k[4])
		comments = p.HGetAll(ctx, k[6])
		return nil
	}); err != nil {
		return nil, fmt.Errorf("comments of %s: %w", meetup, err)
	}
	out := make([]flows.FeedbackComment, 0, len(ratings.Val()))
	for a, v := range ratings.Val() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("comments of %s: alumnus %q: %w", meetup, a, err)
		}
		rs, at, _ := strings.Cut(v, ":")
		c := flows.FeedbackComment{Alumnus: id}
		c.Rating, _ = strconv.Atoi(rs)
		if sec, err := strconv.ParseInt(at, 10, 64); err == nil {
			c.At = time.Unix(sec, 0)
		}
		if raw, ok := comments.Val()[a]; ok {
			var cm struct {
				T string `json:"t"`
			}
			if err := json.Unmarshal([]byte(raw), &cm); err == nil {
				c.Text = cm.T
			}
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b flows.FeedbackComment) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return int(a.Alumnus - b.Alumnus)
	})
	return out, nil
}

// Asking for feedback.

const (
	// askChunk is about how many check-ins one run of the ask script looks at: it bounds how long
	// the script holds Redis.
	askChunk = 1000
	// FeedbackCatchUp is how late a question may still go out after its moment (after downtime);
	// later than that the meetup is left unasked.
	FeedbackCatchUp = 48 * time.Hour
)

// AskFeedback asks, once each, the alumni who checked in at a meetup whose feedback moment
// (flows.FeedbackAt) has come and passed by at most FeedbackCatchUp: it claims (meetup, alumnus) and
// queues the question in the bulk lane in one script, so two passes, two replicas or a crash
// between passes never ask anyone twice. It returns how many questions it queued.
func (s *Store) AskFeedback(ctx context.Context, now time.Time) (asked int, err error) {
	from := now.Add(-flows.MaxFeedbackAfter - FeedbackCatchUp)
	ids, err := s.rdb.ZRangeByScore(ctx, s.meetupIndex(), &redis.ZRangeBy{
		Min: strconv.FormatInt(from.Unix(), 10), Max: strconv.FormatInt(now.Unix(), 10),
	}).Result()
	if err != nil {
		return 0, fmt.Errorf("ask feedback: list meetups: %w", err)
	}
	var errs []error // one meetup's failure does not keep the others from being asked
	for _, id := range ids {
		m, err := s.Meetup(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if m == nil || m.Status == flows.MeetupCancelled {
			continue
		}
		at := flows.FeedbackAt(*m)
		if now.Before(at) || now.Sub(at) > FeedbackCatchUp {
			continue
		}
		n, err := s.askMeetup(ctx, id)
		asked += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return asked, errors.Join(errs...)
}

// askMeetup runs the ask script over a meetup's check-ins, a page of about askChunk at a time (HSCAN,
// so a pass over n check-ins costs O(n) however many pages), and lists its stream
// in the bulk lane's registry when it holds questions (also those a failed registration left out).
func (s *Store) askMeetup(ctx context.Context, meetup string) (int, error) {
	asked, cursor := 0, "0"
	for {
		res, err := s.runFeedback(ctx, meetup, false, "ask", cursor, askChunk).Slice()
		if err != nil {
			return asked, fmt.Errorf("ask feedback of %s: %w", meetup, err)
		}
		if len(res) != 2 {
			return asked, fmt.Errorf("ask feedback of %s: answer %v", meetup, res)
		}
		n, _ := res[0].(int64)
		asked += int(n)
		if cursor, _ = res[1].(string); cursor == "0" || cursor == "" {
			break
		}
	}
	q := s.feedbackKeys(meetup, "")[3]
	n, err := s.rdb.XLen(ctx, q).Result()
	if err != nil {
		return asked, fmt.Errorf("ask feedback of %s: %w", meetup, err)
	}
	if n > 0 {
		if err := s.rdb.SAdd(ctx, s.queueRegistry(BulkLane), q).Err(); err != nil {
			return asked, fmt.Errorf("register the feedback questions of %s: %w", meetup, err)
		}
	}
	return asked, nil
}

// FeedbackAsked tells whether an alumnus was asked about a meetup.
func (s *Store) FeedbackAsked(ctx context.Context, meetup string, alumnus int64) (bool, error) {
	ok, err := s.rdb.SIsMember(ctx, s.feedbackKeys(meetup, "")[2], alumnus).Result()
	if err != nil {
		return false, fmt.Errorf("asked %d about %s: %w", alumnus, meetup, err)
	}
	return ok, nil
}
