package bot

import (
	"context"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// BulkLane is the lane of messages sent to many alumni at once: broadcasts (issue 8), reminders and
// feedback questions (issue 9). It is also the consumer group's name in the store (store.BulkLane).
// Its messages go out at one rate shared by every replica (BROADCAST_RATE, paced by a Limiter), and
// never in the way of interactive replies.
//
// An entry of the bulk lane is a stream entry of flat string fields; two are the lane's own:
//
//	k    the kind of message: the name a BulkKind is registered under ("bc" broadcast, "rm" reminder, …)
//	to   the chat (Telegram user id) it goes to, decimal
//
// The rest belongs to the kind. Any stream listed in the lane's registry (ab:queues:bulk) is read, so
// whoever queues a bulk message does it in the same script as the change that causes it (a reminder's
// claim, a broadcast's progress), under that change's hash tag.
const BulkLane = "bulk"

// BulkMessage is what a BulkKind says to send for one entry.
type BulkMessage struct {
	Chat  int64
	Lang  locales.Lang
	Reply flows.Reply // Text with Buttons, a Photo, or a Copy of the organizer's message
	Skip  bool        // nothing to send any more (a stopped broadcast, a meetup gone): done, not counted as sent
}

// BulkOutcome is how one bulk message ended.
type BulkOutcome string

// Bulk outcomes.
const (
	BulkSent     BulkOutcome = "sent"
	BulkSkipped  BulkOutcome = "skipped"   // the kind said Skip
	BulkBlocked  BulkOutcome = "blocked"   // 403: the alumnus blocked the bot (marked inactive)
	BulkNotFound BulkOutcome = "not_found" // 400 chat not found
	BulkFailed   BulkOutcome = "failed"    // gave up: a permanent error, or the attempts ran out
)

// BulkKind is one kind of bulk message: it says what an entry sends, and hears how it ended.
type BulkKind interface {
	Message(ctx context.Context, m flows.Outbound) (BulkMessage, error)
	// Done is told once an entry is finished, before it is acknowledged; it must be idempotent (a
	// crash between Done and the acknowledgement runs it again for the same entry).
	Done(ctx context.Context, m flows.Outbound, o BulkOutcome) error
}
