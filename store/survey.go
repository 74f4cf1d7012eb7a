package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/alumnibot/alumnibot/flows"
)

// surveyKey is where a broadcast's survey lives: its question and answers, under the survey's own
// hash tag so the answers and counts kept beside it can change in one script.
func (s *Store) surveyKey(bc string) string { return s.prefix + "{sv:" + bc + "}:def" }

// SaveSurvey keeps the survey of broadcast bc; it is written when the announcement is confirmed and
// never changes after (saving it again writes the same).
func (s *Store) SaveSurvey(ctx context.Context, bc string, sv flows.Survey) error {
	b, err := json.Marshal(sv)
	if err != nil {
		return fmt.Errorf("encode the survey of %s: %w", bc, err)
	}
	if err := s.rdb.Set(ctx, s.surveyKey(bc), b, 0).Err(); err != nil {
		return fmt.Errorf("save the survey of %s: %w", bc, err)
	}
	return nil
}

// Survey is the survey of broadcast bc; nil when it has none.
func (s *Store) Survey(ctx context.Context, bc string) (*flows.Survey, error) {
	return getJSON[flows.Survey](ctx, s.rdb, s.surveyKey(bc), "the survey of "+bc)
}
