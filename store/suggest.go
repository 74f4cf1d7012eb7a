package store

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// /masukan suggestions: one stream per month (UTC) and province, so a province's organizers read
// only theirs, and an index of the streams:
//
//	ab:{sg:<yyyy-mm>:<province>}:list   stream  a (alumnus), r (regency), t (text), at (unix s)
//	ab:{sg:<yyyy-mm>:<province>}:op:<op> string "1" once the operation added its suggestion   expires OpTTL
//	ab:{sg:<yyyy-mm>:<province>}:ops    zset    those operation records by expiry (for erasure)   expires OpTTL
//	ab:sg:index                          set     "<yyyy-mm>:<province>" of every stream
//
// None but the operation records expires: suggestions are kept.

//go:embed suggest.lua
var suggestLua string
var suggestScript = redis.NewScript(suggestLua)

func (s *Store) suggestIndex() string { return s.prefix + "sg:index" }
func (s *Store) suggestTag(bucket string) string {
	return s.prefix + "{sg:" + bucket + "}:"
}

// AddSuggestion keeps a suggestion in the stream of its month and province. Under an update the
// operation id makes a redelivery add nothing.
func (s *Store) AddSuggestion(ctx context.Context, sg flows.Suggestion) error {
	bucket := sg.At.UTC().Format("2006-01") + ":" + sg.Province
	tag := s.suggestTag(bucket)
	op, ttl := opOf(ctx), int64(0)
	if op != "" {
		ttl = OpTTL.Milliseconds()
	}
	err := suggestScript.Run(ctx, s.rdb, []string{tag + "list", tag + "op:" + op, tag + "ops"},
		sg.Alumnus, sg.Regency, sg.Text, sg.At.Unix(), ttl).Err()
	if err != nil {
		return fmt.Errorf("suggestion of %d: %w", sg.Alumnus, err)
	}
	// The index is written after: should it fail, the update fails and its re-run (the same
	// operation) adds nothing but indexes again.
	if err := s.rdb.SAdd(ctx, s.suggestIndex(), bucket).Err(); err != nil {
		return fmt.Errorf("index suggestion of %d: %w", sg.Alumnus, err)
	}
	return nil
}

// Suggestions lists up to limit suggestions of a province ("" for every province), newest first.
func (s *Store) Suggestions(ctx context.Context, province string, limit int) ([]flows.Suggestion, error) {
	buckets, err := s.rdb.SMembers(ctx, s.suggestIndex()).Result()
	if err != nil {
		return nil, fmt.Errorf("suggestions of %q: %w", province, err)
	}
	if province != "" {
		buckets = slices.DeleteFunc(buckets, func(b string) bool { return !strings.HasSuffix(b, ":"+province) })
	}
	// Months newest first; within a month, the provinces' streams are merged by time below.
	slices.SortFunc(buckets, func(a, b string) int { return strings.Compare(b, a) })
	var out []flows.Suggestion
	for i := 0; i < len(buckets) && len(out) < limit; {
		month := buckets[i][:7]
		var batch []flows.Suggestion
		for ; i < len(buckets) && buckets[i][:7] == month; i++ {
			msgs, err := s.rdb.XRevRangeN(ctx, s.suggestTag(buckets[i])+"list", "+", "-", int64(limit)).Result()
			if err != nil {
				return nil, fmt.Errorf("suggestions of %s: %w", buckets[i], err)
			}
			prov := buckets[i][8:]
			for _, m := range msgs {
				str := func(k string) string { v, _ := m.Values[k].(string); return v }
				sg := flows.Suggestion{Province: prov, Regency: str("r"), Text: str("t")}
				sg.Alumnus, _ = strconv.ParseInt(str("a"), 10, 64)
				if sec, err := strconv.ParseInt(str("at"), 10, 64); err == nil {
					sg.At = time.Unix(sec, 0)
				}
				batch = append(batch, sg)
			}
		}
		slices.SortStableFunc(batch, func(a, b flows.Suggestion) int { return b.At.Compare(a.At) })
		out = append(out, batch[:min(len(batch), limit-len(out))]...)
	}
	return out, nil
}
