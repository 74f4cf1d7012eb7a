package store

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

//go:embed survey.lua
var surveyLua string

var surveyScript = redis.NewScript(surveyLua)

// surveyTag starts the keys of broadcast bc's survey: def, ans, counts, closed, op:<op>.
func (s *Store) surveyTag(bc string) string { return s.prefix + "{sv:" + bc + "}:" }

// AnswerSurvey records an alumnus's answer to broadcast bc's survey, replacing an earlier one, and
// counts it for the province and regency given, all in one script. Under an operation id
// (flows.NextOp) a second run returns the first outcome and changes nothing.
func (s *Store) AnswerSurvey(ctx context.Context, bc string, alumnus int64, option int, province, regency string) (flows.SurveyAnswer, error) {
	op, ttl := opOf(ctx), int64(0)
	if op != "" {
		ttl = OpTTL.Milliseconds()
	}
	tag := s.surveyTag(bc)
	keys := []string{tag + "def", tag + "ans", tag + "counts", tag + "closed", tag + "op:" + op, tag + "ops"}
	res, err := surveyScript.Run(ctx, s.rdb, keys, alumnus, option, province, regency, ttl).StringSlice()
	if err != nil {
		return flows.SurveyAnswer{}, fmt.Errorf("answer survey %s for %d: %w", bc, alumnus, err)
	}
	if len(res) != 2 {
		return flows.SurveyAnswer{}, fmt.Errorf("answer survey %s for %d: unexpected %q", bc, alumnus, res)
	}
	prev, _ := strconv.Atoi(res[1])
	return flows.SurveyAnswer{Status: flows.AnswerStatus(res[0]), Previous: prev}, nil
}

// CloseSurvey stops broadcast bc's survey taking answers. Closing is idempotent by itself.
func (s *Store) CloseSurvey(ctx context.Context, bc string) error {
	if err := s.rdb.Set(ctx, s.surveyTag(bc)+"closed", "1", 0).Err(); err != nil {
		return fmt.Errorf("close survey %s: %w", bc, err)
	}
	return nil
}

// SurveyTally counts broadcast bc's answers, read in one transaction so the figures agree.
func (s *Store) SurveyTally(ctx context.Context, bc string) (flows.SurveyTally, error) {
	tag := s.surveyTag(bc)
	def, err := s.Survey(ctx, bc) // never changes once saved: read outside the transaction
	if err != nil {
		return flows.SurveyTally{}, err
	}
	var answers, closed *redis.IntCmd
	var counts *redis.MapStringStringCmd
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		answers = p.HLen(ctx, tag+"ans")
		counts = p.HGetAll(ctx, tag+"counts")
		closed = p.Exists(ctx, tag+"closed")
		return nil
	}); err != nil {
		return flows.SurveyTally{}, fmt.Errorf("count survey %s: %w", bc, err)
	}
	n := 0
	if def != nil {
		n = len(def.Options)
	}
	t := flows.SurveyTally{
		Answers:   int(answers.Val()),
		Options:   make([]int, n),
		Provinces: map[string][]int{},
		Regencies: map[string][]int{},
		Closed:    closed.Val() == 1,
	}
	for f, v := range counts.Val() {
		c, err := strconv.Atoi(v)
		if err != nil {
			return flows.SurveyTally{}, fmt.Errorf("count survey %s: field %s: %w", bc, f, err)
		}
		kind, rest, _ := strings.Cut(f, ":")
		area, opt := "", rest
		if i := strings.LastIndexByte(rest, ':'); i >= 0 {
			area, opt = rest[:i], rest[i+1:]
		}
		o, err := strconv.Atoi(opt)
		if err != nil || o < 0 || o >= n {
			continue // an option the definition does not have: never written, so never counted
		}
		switch kind {
		case "o":
			t.Options[o] = c
		case "p":
			addCount(t.Provinces, area, o, c, n)
		case "r":
			addCount(t.Regencies, area, o, c, n)
		}
	}
	return t, nil
}

func addCount(m map[string][]int, area string, option, c, n int) {
	if m[area] == nil {
		m[area] = make([]int, n)
	}
	m[area][option] = c
}
