package flows

import (
	"context"
	"strconv"
	"sync/atomic"
)

// Operation ids make the effects of one update happen once. The engine hands each attempt at an update
// a context that numbers the store calls which change something: the n-th such call of update U of
// user A carries the id "A:U:n". The store keeps the first outcome under that id, so a redelivered
// update, or a step run again after a version conflict, gets the same effect and the same answer.
// Because the engine sets the context up, no flow can forget to pass an id.

type opsKey struct{}

type opSeq struct {
	base string
	n    atomic.Int64
}

// WithOps returns a context whose store calls carry the operation ids of one update. Each attempt at
// the update starts from the same base, so a re-run draws the same ids in the same order.
func WithOps(ctx context.Context, user, update int64) context.Context {
	return context.WithValue(ctx, opsKey{}, &opSeq{base: strconv.FormatInt(user, 10) + ":" + strconv.FormatInt(update, 10) + ":"})
}

// NextOp returns the operation id of the next call that changes something, or "" outside an update
// (a scheduled job, a file loaded at start), where the call must be idempotent by itself.
func NextOp(ctx context.Context) string {
	s, ok := ctx.Value(opsKey{}).(*opSeq)
	if !ok {
		return ""
	}
	return s.base + strconv.FormatInt(s.n.Add(1), 10)
}
