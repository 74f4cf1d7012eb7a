package bot

import (
	"context"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// LoadKind is the bulk kind of the broadcast load driver (internal/loaddriver, cmd/alumnicast): a
// test message naming its entry (field "ref"), in Indonesian, with nothing to count when done. The
// driver queues such entries straight into a bulk stream (store.QueueBulk) and checks what the fake
// Bot API server received; `alumnibot serve` knows the kind so that the driver can measure the real
// binary. Nothing else queues it.
const LoadKind = "ld"

// LoadBulkKind returns the load driver's kind.
func LoadBulkKind() BulkKind { return loadKind{} }

type loadKind struct{}

func (loadKind) Message(_ context.Context, m flows.Outbound) (BulkMessage, error) {
	return BulkMessage{Lang: locales.ID, Reply: flows.Reply{Text: locales.Msg("bulk.load", "Ref", m.Fields["ref"])}}, nil
}

func (loadKind) Done(context.Context, flows.Outbound, BulkOutcome) error { return nil }
