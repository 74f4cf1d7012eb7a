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

// Personal data (/datasaya, /hapusdata): the survey part. An alumnus may have answered the survey of
// any announcement, however old, so both go over every announcement of ab:bc:recent (which is never
// trimmed): one small call each, no keyspace SCAN. Erasures and exports are rare.

// eraseSurveys takes an alumnus's answers out of every survey and deletes the operation records
// naming them (listed in the survey's ops zset by survey.lua). The counts stay (aggregates): the answer
// is kept under an anonymous field, so that the number of answers still agrees with the counts.
// Running it again changes nothing more.
func (s *Store) eraseSurveys(ctx context.Context, user int64, _ time.Time) error {
	ids, err := s.rdb.ZRange(ctx, s.bcRecent(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list announcements: %w", err)
	}
	return s.eraseEach(ctx, eraseSurveyScript, user, ids, s.surveyTag, "ans", "erase the answer to survey")
}

// eraseSurveyScript moves an alumnus's answer (KEYS[1]) to a field "x<n>" that names nobody, and
// deletes the operation records of KEYS[2] whose key holds ":op:<alumnus>:".
var eraseSurveyScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then
  local n = redis.call('HLEN', KEYS[1])
  while redis.call('HEXISTS', KEYS[1], 'x' .. n) == 1 do n = n + 1 end
  redis.call('HSET', KEYS[1], 'x' .. n, v)
  redis.call('HDEL', KEYS[1], ARGV[1])
end
` + eraseOpsLua)

// surveyData lists an alumnus's survey answers: the announcement, its question and the option chosen.
func (s *Store) surveyData(ctx context.Context, user int64, out map[string]any) error {
	ids, err := s.rdb.ZRange(ctx, s.bcRecent(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list announcements: %w", err)
	}
	a := strconv.FormatInt(user, 10)
	var list []map[string]any
	for _, bc := range ids {
		v, err := s.rdb.HGet(ctx, s.surveyTag(bc)+"ans", a).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read the answer to survey %s: %w", bc, err)
		}
		opt, rest, _ := strings.Cut(v, "|")
		prov, reg, _ := strings.Cut(rest, "|")
		rec := map[string]any{"announcement": bc, "province_code": prov, "regency_code": reg}
		o, _ := strconv.Atoi(opt)
		rec["option"] = o + 1 // as the alumnus saw them, from 1
		sv, err := s.Survey(ctx, bc)
		if err != nil {
			return err
		}
		if sv != nil {
			rec["question"] = sv.Question
			if o >= 0 && o < len(sv.Options) {
				rec["answer"] = sv.Options[o]
			}
		}
		list = append(list, rec)
	}
	if len(list) > 0 {
		out["survey_answers"] = list
	}
	return nil
}
