package bot

import (
	"context"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// SetLaneLease changes a lane's lease alone (not its hold or send timeout, derived from the default),
// so that a test can have messages taken over at once: XAUTOCLAIM with min idle 0.
func SetLaneLease(l *Lane, d time.Duration) { l.cfg.Lease = d }

// WrapLaneDeliver wraps a lane's Deliver, e.g. to kill the consumer in the middle of a message.
func WrapLaneDeliver(l *Lane, wrap func(next func(context.Context, flows.Outbound) error) func(context.Context, flows.Outbound) error) {
	l.cfg.Deliver = wrap(l.cfg.Deliver)
}

// EndPause ends a 429 pause of the bot's senders now, instead of waiting for retry_after.
func EndPause(b *Bot) { b.send.pausedUntil.Store(0) }
