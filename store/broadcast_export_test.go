package store

import (
	"context"
	"time"
)

// BuildSteps builds at most steps batches of a job's recipient list, as a builder that dies midway.
func (s *Store) BuildSteps(ctx context.Context, id string, now time.Time, steps int) (bool, error) {
	return s.buildBroadcast(ctx, id, now, steps)
}

// SetReindexRead makes Reindex call f between reading a batch of profiles and indexing it; the
// returned function undoes it.
func SetReindexRead(f func()) (undo func()) {
	reindexRead = f
	return func() { reindexRead = nil }
}
