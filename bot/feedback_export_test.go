package bot

import (
	"context"

	"github.com/alumnibot/alumnibot/flows"
)

// BulkKindLane is a stand-in for the bulk lane (built on another branch) for tests of a BulkKind: a
// plain lane over the bulk streams that sends what the kind says, without the shared rate.
func BulkKindLane(b *Bot, q Queue, kinds map[string]BulkKind) *Lane {
	return b.NewLane(LaneConfig{Name: BulkLane, Queue: q, Deliver: func(ctx context.Context, m flows.Outbound) error {
		k, ok := kinds[m.Fields["k"]]
		if !ok {
			return Permanent(context.Canceled)
		}
		msg, err := k.Message(ctx, m)
		if err != nil || msg.Skip {
			return err
		}
		return b.sendOnce(ctx, msg.Chat, msg.Lang, msg.Reply)
	}})
}
