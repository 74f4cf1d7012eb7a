package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/alumnibot/alumnibot/flows"
)

// ReminderLane is a plain consumer of the bulk lane for the reminder kinds, on the generic Lane with
// no shared rate: what runs until the bulk lane of issue 8 (bot/bulk*.go) takes its place, which
// serves these same kinds at the one bulk rate. Each entry: the kind says what to send (or to skip),
// the message goes out once, the kind hears the outcome.
func (b *Bot) ReminderLane(q Queue, kinds map[string]BulkKind, cfg LaneConfig) *Lane {
	cfg.Name, cfg.Queue = BulkLane, q
	cfg.Deliver = func(ctx context.Context, m flows.Outbound) error { return b.deliverBulk(ctx, kinds, m) }
	return b.NewLane(cfg)
}

func (b *Bot) deliverBulk(ctx context.Context, kinds map[string]BulkKind, m flows.Outbound) error {
	k, ok := kinds[m.Fields["k"]]
	if !ok {
		return Permanent(fmt.Errorf("bulk entry %s: unknown kind %q", m.ID, m.Fields["k"]))
	}
	msg, err := k.Message(ctx, m)
	if err != nil {
		return err
	}
	if msg.Skip {
		return k.Done(ctx, m, BulkSkipped)
	}
	err = b.sendOnce(ctx, msg.Chat, msg.Lang, msg.Reply)
	switch {
	case errors.Is(err, ErrBlocked):
		b.metrics.update("blocked")
		if err := b.cfg.Users.MarkInactive(ctx, msg.Chat); err != nil {
			return err
		}
		return k.Done(ctx, m, BulkBlocked)
	case err != nil:
		return err
	}
	return k.Done(ctx, m, BulkSent)
}
