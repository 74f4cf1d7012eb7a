package bot

import (
	"context"
	"time"
)

// RateStore keeps the bulk lane's one rate, shared by every replica; store.Store is the real one
// (store/ratelimit.go has the algorithm: GCRA slots, AIMD on 429s).
type RateStore interface {
	// ReserveBulkSlot reserves the next slot: sleep wait, then send. Not reserved: ask again after wait.
	ReserveBulkSlot(ctx context.Context, now time.Time, max float64) (wait time.Duration, reserved bool, rate float64, err error)
	// ThrottleBulk hears a 429: every replica pauses for retryAfter, the rate drops.
	ThrottleBulk(ctx context.Context, now time.Time, max float64, retryAfter time.Duration) (rate float64, lowered bool, err error)
}

// Bulk rate bounds (BROADCAST_RATE).
const (
	DefaultBroadcastRate = 25   // leaves Telegram's ~30/s some room for interactive replies
	MaxFreeRate          = 30   // Telegram's limit without paid broadcasts
	MaxPaidRate          = 1000 // with allow_paid_broadcast
)

// BulkRate is the bulk lane's Limiter: one rate for all bulk sending, shared by every replica
// through Redis. Reserve takes the next slot of the shared schedule; a 429 (Throttled) pauses every
// replica — slots reserved after it come after the pause — and lowers the shared rate, which climbs
// back while none comes.
type BulkRate struct {
	store RateStore
	max   float64
	m     *metrics
	sleep func(ctx context.Context, d time.Duration) error
}

// NewBulkRate builds the shared rate with a maximum of max msg/s (BROADCAST_RATE); it reports to
// this bot's metrics.
func (b *Bot) NewBulkRate(st RateStore, max float64) *BulkRate {
	if max <= 0 {
		max = DefaultBroadcastRate
	}
	return &BulkRate{store: st, max: max, m: b.metrics, sleep: sleepCtx}
}

// Wait returns when one more bulk message may go (the Limiter of a generic lane).
func (r *BulkRate) Wait(ctx context.Context) error {
	at, _, err := r.Reserve(ctx)
	if err != nil {
		return err
	}
	return r.sleep(ctx, time.Until(at))
}

// Reserve reserves the next slot of the shared schedule and says when it is: the caller sends then,
// with as little as possible in between (what comes between the slot and the send is jitter, and
// jitter is what makes a window hold one message too many). It also says how far apart slots are
// now. A long pause is waited out here.
func (r *BulkRate) Reserve(ctx context.Context) (at time.Time, spacing time.Duration, err error) {
	for {
		// The slot is counted from before the call: a slow answer makes the sender look late (and drop
		// the slot) rather than send later than its slot unnoticed.
		asked := time.Now()
		wait, reserved, rate, err := r.store.ReserveBulkSlot(ctx, time.Time{}, r.max)
		if err != nil {
			return time.Time{}, 0, err
		}
		at := asked.Add(wait)
		r.m.bulk.rate.Set(rate)
		if reserved {
			return at, time.Duration(float64(time.Second) / max(rate, 1)), nil
		}
		if err := r.sleep(ctx, min(wait, time.Second)); err != nil {
			return time.Time{}, 0, err
		}
	}
}

// Throttled hears a 429 of a bulk message; retry_after is Telegram's.
func (r *BulkRate) Throttled(ctx context.Context, retryAfter time.Duration) error {
	if retryAfter <= 0 {
		retryAfter = time.Second
	}
	retryAfter = min(retryAfter, maxRetryAfter)
	rate, lowered, err := r.store.ThrottleBulk(ctx, time.Time{}, r.max, retryAfter)
	if err != nil {
		return err
	}
	r.m.bulk.rate.Set(rate)
	if lowered {
		r.m.bulk.lowered.Inc()
	}
	return nil
}
