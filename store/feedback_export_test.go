package store

import (
	"context"
	"time"
)

// EraseFeedback and FeedbackData are the feedback part of the personal-data erasure and export, for
// the external tests (they are unexported: erase.go and mydata.go list them).
func (s *Store) EraseFeedback(ctx context.Context, user int64, now time.Time) error {
	return s.eraseFeedback(ctx, user, now)
}

func (s *Store) FeedbackData(ctx context.Context, user int64, out map[string]any) error {
	return s.feedbackData(ctx, user, out)
}
