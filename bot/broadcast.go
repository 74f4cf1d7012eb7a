package bot

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// BroadcastKindName is the bulk lane kind of announcements: entries k=bc, to=<user>, bc=<broadcast>.
const BroadcastKindName = "bc"

// BroadcastStore is what announcements need of the store; store.Store is the real one.
type BroadcastStore interface {
	BroadcastState(ctx context.Context, id string) (*flows.Broadcast, error)
	BroadcastDone(ctx context.Context, id string, m flows.Outbound, outcome string, now time.Time) error
	Profile(ctx context.Context, user int64) (*flows.Profile, error)
	Survey(ctx context.Context, bc string) (*flows.Survey, error)
	ActiveBroadcasts(ctx context.Context) ([]string, error)
	StartDueBroadcasts(ctx context.Context, now time.Time) (int, error)
	BuildBroadcast(ctx context.Context, id string, now time.Time) (bool, error)
	Feed(ctx context.Context, id string, maxWaiting, batch int, now time.Time) (int, error)
	Broadcast(ctx context.Context, id string) (*flows.Broadcast, error)
	SetBroadcastProgress(ctx context.Context, id string, message int) error
	ClaimSummary(ctx context.Context, id string) (bool, error)
	FinishBroadcast(ctx context.Context, id string) error
	RegisterBroadcastQueue(ctx context.Context, id string) error
	Lock(ctx context.Context, name string, ttl time.Duration) (unlock func(), ok bool, err error)
}

// BroadcastKind is the bulk lane's kind "bc": it makes one recipient's copy of an announcement and
// counts how it ended. A stopped (or deleted) announcement makes every entry still queued a Skip.
type BroadcastKind struct {
	Store BroadcastStore
	App   *flows.App
	Now   func() time.Time

	mu    sync.Mutex
	cache map[string]cachedBroadcast
}

// cachedBroadcast keeps a job's definition and state for a moment: the lane reads them for every
// recipient, and a stop must still be seen within a second.
type cachedBroadcast struct {
	b   *flows.Broadcast
	sv  *flows.Survey
	end time.Time
}

const broadcastCacheFor = 500 * time.Millisecond

var _ BulkKind = (*BroadcastKind)(nil)

func (k *BroadcastKind) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

func (k *BroadcastKind) job(ctx context.Context, id string) (*flows.Broadcast, *flows.Survey, error) {
	now := time.Now()
	k.mu.Lock()
	c, ok := k.cache[id]
	k.mu.Unlock()
	if ok && now.Before(c.end) {
		return c.b, c.sv, nil
	}
	b, err := k.Store.BroadcastState(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var sv *flows.Survey
	if b != nil && b.Survey {
		if sv, err = k.Store.Survey(ctx, id); err != nil {
			return nil, nil, err
		}
	}
	k.mu.Lock()
	if k.cache == nil || len(k.cache) > 1000 {
		k.cache = map[string]cachedBroadcast{}
	}
	k.cache[id] = cachedBroadcast{b: b, sv: sv, end: now.Add(broadcastCacheFor)}
	k.mu.Unlock()
	return b, sv, nil
}

// Message is one recipient's copy: the organizer's message with the survey's and "Aku ikut" buttons.
func (k *BroadcastKind) Message(ctx context.Context, m flows.Outbound) (BulkMessage, error) {
	to, err := strconv.ParseInt(m.Fields["to"], 10, 64)
	if err != nil {
		return BulkMessage{}, Permanent(fmt.Errorf("broadcast entry %s: bad recipient %q", m.ID, m.Fields["to"]))
	}
	b, sv, err := k.job(ctx, m.Fields["bc"])
	if err != nil {
		return BulkMessage{}, err
	}
	if b == nil || b.State == flows.BcStopped {
		return BulkMessage{Chat: to, Skip: true}, nil
	}
	p, err := k.Store.Profile(ctx, to)
	if err != nil {
		return BulkMessage{}, err
	}
	if p == nil {
		// Every audience holds onboarded alumni only: no profile means they erased their data
		// (/hapusdata) after the list was built, which the erasure may not have caught in flight.
		return BulkMessage{Chat: to, Skip: true}, nil
	}
	r, lang := k.App.BroadcastReply(*b, to, p, sv)
	return BulkMessage{Chat: to, Lang: lang, Reply: r}, nil
}

// Done counts the entry's outcome in the job's figures, once per entry.
func (k *BroadcastKind) Done(ctx context.Context, m flows.Outbound, o BulkOutcome) error {
	return k.Store.BroadcastDone(ctx, m.Fields["bc"], m, string(o), k.now())
}
