package store

import (
	"context"
	"time"
)

// BuildSteps builds at most steps batches of a job's recipient list, as a builder that dies midway.
func (s *Store) BuildSteps(ctx context.Context, id string, now time.Time, steps int) (bool, error) {
	return s.buildBroadcast(ctx, id, now, steps)
}
