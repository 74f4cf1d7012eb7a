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
	// BulkPaused says how much is left of a pause any replica started.
	BulkPaused(ctx context.Context, now time.Time) (time.Duration, error)
}

// Bulk rate bounds (BROADCAST_RATE).
const (
	DefaultBroadcastRate = 25   // leaves Telegram's ~30/s some room for interactive replies
	MaxFreeRate          = 30   // Telegram's limit without paid broadcasts
	MaxPaidRate          = 1000 // with allow_paid_broadcast
)

// BulkRate is the bulk lane's Limiter: one rate for all bulk sending, shared by every replica
// through Redis. Wait reserves the next slot of the shared schedule and sleeps until it; a 429
// (Throttled) pauses every replica and lowers the shared rate, which climbs back while none comes.
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

// Wait returns when one more bulk message may go. A pause started meanwhile by a 429 on another
// replica is noticed after the sleep: the slot is dropped and the next one taken after the pause.
func (r *BulkRate) Wait(ctx context.Context) error {
	for {
		wait, reserved, rate, err := r.store.ReserveBulkSlot(ctx, time.Time{}, r.max)
		if err != nil {
			return err
		}
		r.m.bulk.rate.Set(rate)
		if !reserved {
			if err := r.sleep(ctx, min(wait, time.Second)); err != nil {
				return err
			}
			continue
		}
		if err := r.sleep(ctx, wait); err != nil {
			return err
		}
		paused, err := r.store.BulkPaused(ctx, time.Time{})
		if err != nil {
			return err
		}
		if paused <= 0 {
			return nil
		}
		if err := r.sleep(ctx, paused); err != nil {
			return err
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
