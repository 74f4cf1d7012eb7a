package bot

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"
)

// ErrBlocked means the user blocked the bot; sending to them again is pointless.
var ErrBlocked = errors.New("blocked by the user")

// Retry policy of Bot API calls.
const (
	maxFloodRetries  = 5                      // 429s in a row before giving up on one call
	maxServerRetries = 3                      // 5xx or network errors in a row
	firstBackoff     = 200 * time.Millisecond // doubled on each server error
	maxRetryAfter    = 5 * time.Minute        // never trust a larger retry_after
)

// sender runs Bot API calls with retries. A 429 pauses every call of this process until its
// retry_after has passed, since Telegram's limits are per bot, not per chat.
type sender struct {
	pausedUntil atomic.Int64 // unix nanoseconds
	metrics     *metrics
	sleep       func(ctx context.Context, d time.Duration) error
}

func newSender(m *metrics) *sender {
	return &sender{metrics: m, sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// do runs call until it succeeds, fails for good, or the retries are spent.
func (s *sender) do(ctx context.Context, method string, call func(context.Context) error) error {
	floods, servers := 0, 0
	backoff := firstBackoff
	for {
		if wait := time.Until(time.Unix(0, s.pausedUntil.Load())); wait > 0 {
			if err := s.sleep(ctx, wait); err != nil {
				return err
			}
		}
		err := call(ctx)
		var flood *tg.TooManyRequestsError
		switch {
		case err == nil:
			s.metrics.apiCall(method, "ok")
			return nil
		case errors.As(err, &flood):
			s.metrics.apiCall(method, "retry_after")
			floods++
			if floods > maxFloodRetries {
				return err
			}
			s.pause(time.Duration(flood.RetryAfter) * time.Second)
		case errors.Is(err, tg.ErrorForbidden):
			// In a private chat every 403 (blocked, deactivated, never started) means we cannot reach them.
			s.metrics.apiCall(method, "forbidden")
			return errors.Join(ErrBlocked, err)
		case errors.Is(err, tg.ErrorBadRequest), errors.Is(err, tg.ErrorUnauthorized),
			errors.Is(err, tg.ErrorNotFound), errors.Is(err, tg.ErrorConflict):
			s.metrics.apiCall(method, "rejected")
			return err
		case ctx.Err() != nil:
			return ctx.Err()
		default: // 5xx or the network: worth a few more tries
			s.metrics.apiCall(method, "server_error")
			servers++
			if servers > maxServerRetries {
				return err
			}
			if err := s.sleep(ctx, backoff); err != nil {
				return err
			}
			backoff *= 2
		}
	}
}

// pause holds every call until d from now, extending but never shortening a pause in force.
func (s *sender) pause(d time.Duration) {
	if d <= 0 {
		d = time.Second
	}
	d = min(d, maxRetryAfter)
	until := time.Now().Add(d).UnixNano()
	for {
		cur := s.pausedUntil.Load()
		if cur >= until || s.pausedUntil.CompareAndSwap(cur, until) {
			return
		}
	}
}
