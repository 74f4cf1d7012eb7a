package bot

import (
	"context"
	"errors"
	"strings"

	tg "github.com/go-telegram/bot"

	"github.com/alumnibot/alumnibot/flows"
)

// KindLane is a stand-in for the bulk lane in tests of a BulkKind: a generic lane over the kind's
// streams (registry "bulk") whose Deliver asks the kind for the message, sends it through the bot's
// sender and tells the kind how it ended. It has no shared rate.
func KindLane(b *Bot, q Queue, kind BulkKind) *Lane {
	return b.NewLane(LaneConfig{Name: BulkLane, Queue: q, Deliver: func(ctx context.Context, m flows.Outbound) error {
		msg, err := kind.Message(ctx, m)
		if err != nil {
			return err
		}
		if msg.Skip {
			return kind.Done(ctx, m, BulkSkipped)
		}
		err = b.reply(ctx, inbound{chat: msg.Chat, in: flows.Input{UserID: msg.Chat}}, msg.Lang, msg.Reply)
		switch {
		case err == nil:
			return kind.Done(ctx, m, BulkSent)
		case errors.Is(err, ErrBlocked):
			if err := b.cfg.Users.MarkInactive(ctx, msg.Chat); err != nil {
				return err
			}
			return kind.Done(ctx, m, BulkBlocked)
		case errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "chat not found"):
			return kind.Done(ctx, m, BulkNotFound)
		}
		return err
	}})
}
