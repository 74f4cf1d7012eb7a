package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/flows"
)

// The bulk lane's consumer (contract in bulk.go). Each entry is handled on its own:
//
//   - the kind (field "k") says what to send; an unknown kind or a bad "to" is dead-lettered, a
//     kind's error is retried like a network error (wrap it with Permanent if retrying cannot help);
//   - Skip: Done(BulkSkipped) at once, without waiting for the rate;
//   - otherwise it waits for a slot of the shared rate (BulkLimiter), then for the chat's pace (at
//     most one bulk message a second to one chat: a key per chat, set for a second), and makes ONE
//     attempt, with allow_paid_broadcast when paid;
//   - sent → BulkSent; 403 → the alumnus is marked inactive, BulkBlocked; 400 "chat not found" →
//     BulkNotFound; another 400 → BulkFailed and dead-lettered; 5xx or the network → tried again by
//     the lane with backoff, BulkFailed (and dead-lettered) at the last attempt;
//   - 429 → not an attempt: the shared rate pauses every replica for retry_after and drops, the
//     entry is given back and goes after the pause.
//
// Interactive replies never wait behind bulk messages: the lane runs on its own goroutines, and a
// 429 of a bulk message pauses the bulk lane only (on every replica, through Redis), not this
// process's interactive sender. Telegram's flood limits are per bot, so a bulk 429 can mean
// interactive replies are over the limit too; if so, Telegram answers them 429 as well and the
// interactive sender pauses for exactly the retry_after it was given, no longer. The other way round,
// an interactive 429 pauses this replica's bulk lane too (Lane.paused): bulk yields.
//
// Done is called once the outcome is known and before the entry is acknowledged; it is retried a
// few times in place, since giving up means the message goes again. A crash between the send and
// the acknowledgement sends the entry again after the lease (XAUTOCLAIM): at most one duplicate per
// message in flight at the crash, which is one per sender goroutine (Senders), and in practice one:
// a send takes milliseconds of every 1/rate seconds.

// BulkLimiter is the bulk lane's shared rate; BulkRate is the real one.
type BulkLimiter interface {
	// Reserve reserves the next slot and says when it is, and how far apart slots are now.
	Reserve(ctx context.Context) (at time.Time, spacing time.Duration, err error)
	// Throttled hears a 429 of a bulk message.
	Throttled(ctx context.Context, retryAfter time.Duration) error
}

// BulkQueue is what the bulk lane needs of the store: the queue, and the per-chat pace.
type BulkQueue interface {
	Queue
	// TakeBulkPace claims a chat's slot for every on behalf of holder (taken again by the same holder,
	// it is extended); false and the time left when another holder has it.
	TakeBulkPace(ctx context.Context, chat int64, holder string, every time.Duration) (bool, time.Duration, error)
}

// BulkConfig configures the bulk lane.
type BulkConfig struct {
	Lane LaneConfig // Name, Queue and Deliver are set by BulkLane; Limiter is not used (see BulkLimiter)
	Paid bool       // BROADCAST_PAID: allow_paid_broadcast on every bulk message
	// Senders is how many consumers this process runs (each sends one message at a time); default 1.
	// A send to Telegram takes tens of milliseconds: about rate×latency senders keep up with the rate.
	Senders int
}

// Bulk is the bulk lane's consumer on this replica.
type Bulk struct {
	b        *Bot
	q        BulkQueue
	kinds    map[string]BulkKind
	limiter  BulkLimiter
	paid     bool
	attempts int64
	lanes    []*Lane
	// pausedUntil (unix ns) is the end of a 429 pause this process heard of: its senders drop the
	// slots they reserved before it. Other replicas learn of it from the shared rate.
	pausedUntil atomic.Int64
}

func (l *Bulk) pause(d time.Duration) {
	until := time.Now().Add(max(d, time.Second)).UnixNano()
	for {
		cur := l.pausedUntil.Load()
		if cur >= until || l.pausedUntil.CompareAndSwap(cur, until) {
			return
		}
	}
}

// DefaultBulkLease is the bulk lane's lease: a bulk send is one quick attempt, so a dead replica's
// messages are taken over after a minute (and its batch is held at most half of it).
const DefaultBulkLease = time.Minute

const (
	bulkPace      = time.Second            // one bulk message a second to one chat
	paceSlack     = time.Second            // the pace is taken this much longer, for the wait for a slot
	doneTries     = 3                      // Done is tried this often before the lane takes over
	doneBackoff   = 100 * time.Millisecond // doubled each time
	maxBulkSender = 256
	// A slot woken up to later than 2/5 of the spacing (within these bounds) is dropped: it costs
	// one slot, where a 429 from a crowded second costs a second's pause and a lower rate.
	minLate = 3 * time.Millisecond
	maxLate = 50 * time.Millisecond
	// bulkBatch is how many entries a sender takes at once: few, so that at the end of a broadcast
	// the last ones are spread over every sender rather than left to one.
	bulkBatch = 10
)

// BulkLane builds the bulk lane's consumer: Run it on every replica. kinds maps the "k" field to
// its kind; limiter may be nil (no rate: tests of a kind).
func (b *Bot) BulkLane(q BulkQueue, kinds map[string]BulkKind, limiter BulkLimiter, cfg BulkConfig) *Bulk {
	l := &Bulk{b: b, q: q, kinds: kinds, limiter: limiter, paid: cfg.Paid}
	if cfg.Lane.Lease <= 0 {
		cfg.Lane.Lease = DefaultBulkLease
	}
	if cfg.Lane.Batch <= 0 {
		cfg.Lane.Batch = bulkBatch
	}
	n := min(max(cfg.Senders, 1), maxBulkSender)
	for i := range n {
		lc := cfg.Lane
		lc.Name, lc.Queue, lc.Limiter, lc.Deliver = BulkLane, q, nil, l.deliver
		if lc.Consumer == "" {
			lc.Consumer = processConsumer()
		}
		if n > 1 {
			lc.Consumer += "-" + strconv.Itoa(i)
		}
		lane := b.NewLane(lc)
		l.attempts = lane.cfg.MaxAttempts
		l.lanes = append(l.lanes, lane)
	}
	return l
}

// Run runs every sender until ctx ends; each makes a pass every `every` (default 2 s).
func (l *Bulk) Run(ctx context.Context, every time.Duration) {
	var wg sync.WaitGroup
	for _, lane := range l.lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Run(ctx, every)
		}()
	}
	wg.Wait()
}

// RunOnce makes one pass with the first sender: every message waiting now is handled, in order.
func (l *Bulk) RunOnce(ctx context.Context) error { return l.lanes[0].RunOnce(ctx) }

func (l *Bulk) deliver(ctx context.Context, m flows.Outbound) error {
	name := m.Fields["k"]
	kind := l.kinds[name]
	if kind == nil {
		return Permanent(fmt.Errorf("bulk entry %s of %s: unknown kind %q", m.ID, m.Queue, name))
	}
	to, err := strconv.ParseInt(m.Fields["to"], 10, 64)
	if err != nil || to == 0 {
		return Permanent(fmt.Errorf("bulk entry %s of %s: bad chat %q", m.ID, m.Queue, m.Fields["to"]))
	}
	msg, err := kind.Message(ctx, m)
	if err != nil {
		return fmt.Errorf("bulk %s to %d: %w", name, to, err)
	}
	if msg.Chat == 0 {
		msg.Chat = to
	}
	if msg.Skip {
		return l.done(ctx, name, kind, m, BulkSkipped)
	}
	send, err := l.b.prepareBulk(msg, l.paid)
	if err != nil {
		if derr := l.done(ctx, name, kind, m, BulkFailed); derr != nil {
			return derr
		}
		return err
	}
	if err := l.waitTurn(ctx, msg.Chat, m.Queue+"/"+m.ID); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			// The wait for a slot outlasted the send timeout (a long pause): the message was not
			// tried. Said as a 429 so that the lane gives it back without counting an attempt.
			return &tg.TooManyRequestsError{Message: "waiting for the bulk rate", RetryAfter: 1}
		}
		return err
	}
	err = l.b.sendBulk(ctx, send)
	var flood *tg.TooManyRequestsError
	switch {
	case err == nil:
		return l.done(ctx, name, kind, m, BulkSent)
	case errors.As(err, &flood):
		l.b.metrics.bulk.throttled.Inc()
		l.pause(time.Duration(flood.RetryAfter) * time.Second)
		if l.limiter != nil {
			if terr := l.limiter.Throttled(ctx, time.Duration(flood.RetryAfter)*time.Second); terr != nil {
				l.b.log.Warn("bulk rate: record a 429", "err", terr)
			}
		}
		return err // given back by the lane, not counted as an attempt
	case errors.Is(err, ErrBlocked):
		if err := l.b.cfg.Users.MarkInactive(ctx, msg.Chat); err != nil {
			return err
		}
		return l.done(ctx, name, kind, m, BulkBlocked)
	case errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "chat not found"):
		return l.done(ctx, name, kind, m, BulkNotFound)
	case errors.Is(err, tg.ErrorBadRequest):
		if derr := l.done(ctx, name, kind, m, BulkFailed); derr != nil {
			return derr
		}
		return Permanent(fmt.Errorf("bulk %s to %d: %w", name, msg.Chat, err))
	case ctx.Err() == nil && m.Deliveries >= l.attempts:
		if derr := l.done(ctx, name, kind, m, BulkFailed); derr != nil {
			return derr
		}
		return Permanent(fmt.Errorf("bulk %s to %d after %d attempts: %w", name, msg.Chat, m.Deliveries, err))
	}
	return fmt.Errorf("bulk %s to %d: %w", name, msg.Chat, err)
}

// waitTurn waits for the chat's pace and a slot of the shared rate, and returns at the slot with
// nothing left to do but send: the pace is taken first (for a second and paceSlack more, extended if
// the slot is further ahead), so that no round trip comes between the slot and the send. A slot this
// sender wakes up too late for (a loaded machine) is dropped — sent then, the message would crowd
// the next slots — and so is one reserved before a 429 this process heard meanwhile; the entry keeps
// its chat's pace (held by holder, the entry) and takes a new slot.
func (l *Bulk) waitTurn(ctx context.Context, chat int64, holder string) error {
	for {
		ok, left, err := l.q.TakeBulkPace(ctx, chat, holder, bulkPace+paceSlack)
		if err != nil {
			return err
		}
		if !ok {
			if err := sleepCtx(ctx, left); err != nil {
				return err
			}
			continue
		}
		at, spacing := time.Now(), time.Duration(0)
		if l.limiter != nil {
			if at, spacing, err = l.limiter.Reserve(ctx); err != nil {
				return err
			}
		}
		if wait := time.Until(at); wait > paceSlack {
			// A long wait (a pause): keep the chat until a second after the slot.
			if _, _, err := l.q.TakeBulkPace(ctx, chat, holder, wait+bulkPace); err != nil {
				return err
			}
		}
		if err := sleepCtx(ctx, time.Until(at)); err != nil {
			return err
		}
		if paused := time.Until(time.Unix(0, l.pausedUntil.Load())); paused > 0 {
			if err := sleepCtx(ctx, paused); err != nil {
				return err
			}
			continue
		}
		if late := time.Since(at); l.limiter != nil && late > min(max(spacing*2/5, minLate), maxLate) {
			l.b.metrics.bulk.late.Inc()
			continue
		}
		return nil
	}
}

// done tells the kind how the entry ended, a few times if it must; its error leaves the entry to the
// lane (tried again: the message may go twice).
func (l *Bulk) done(ctx context.Context, name string, kind BulkKind, m flows.Outbound, o BulkOutcome) error {
	wait := doneBackoff
	var err error
	for range doneTries {
		if err = kind.Done(ctx, m, o); err == nil {
			l.b.metrics.bulk.outcomes.WithLabelValues(name, string(o)).Inc()
			return nil
		}
		if sleepCtx(ctx, wait) != nil {
			break
		}
		wait *= 2
	}
	return fmt.Errorf("bulk %s %s: done(%s): %w", name, m.ID, o, err)
}

// bulkSend is one bulk message ready to go: built before its slot, so that nothing but the call
// itself comes between the slot and the send.
type bulkSend struct {
	method string
	call   func(ctx context.Context) error
}

// prepareBulk builds one attempt at a bulk message: a copy of a message, a photo by file id, or text,
// each with its buttons. Unlike sender.do it neither retries nor pauses the interactive sender on a
// 429: the bulk lane has its own pause.
func (b *Bot) prepareBulk(msg BulkMessage, paid bool) (bulkSend, error) {
	r := msg.Reply
	if r.File != nil || r.Venue != nil {
		return bulkSend{}, Permanent(fmt.Errorf("bulk message to %d: files and venues are not sent in bulk", msg.Chat))
	}
	markup := b.keyboard(msg.Lang, r.Buttons)
	switch {
	case r.Copy != nil:
		p := &tg.CopyMessageParams{ChatID: msg.Chat, FromChatID: r.Copy.Chat, MessageID: r.Copy.Message, AllowPaidBroadcast: paid}
		if markup != nil {
			p.ReplyMarkup = markup
		}
		return bulkSend{"copyMessage", func(ctx context.Context) error { _, err := b.api.CopyMessage(withoutResult(ctx), p); return err }}, nil
	case r.Photo != "":
		p := &tg.SendPhotoParams{ChatID: msg.Chat, Photo: &models.InputFileString{Data: r.Photo},
			Caption: b.cfg.Catalog.Render(msg.Lang, r.Text), AllowPaidBroadcast: paid}
		if markup != nil {
			p.ReplyMarkup = markup
		}
		return bulkSend{"sendPhoto", func(ctx context.Context) error { _, err := b.api.SendPhoto(withoutResult(ctx), p); return err }}, nil
	}
	p := &tg.SendMessageParams{ChatID: msg.Chat, Text: b.cfg.Catalog.Render(msg.Lang, r.Text), AllowPaidBroadcast: paid}
	if markup != nil {
		p.ReplyMarkup = markup
	}
	return bulkSend{"sendMessage", func(ctx context.Context) error { _, err := b.api.SendMessage(withoutResult(ctx), p); return err }}, nil
}

// sendBulk makes the attempt and sorts its error as the sender does: ErrBlocked for a 403.
func (b *Bot) sendBulk(ctx context.Context, s bulkSend) error {
	err := s.call(ctx)
	var flood *tg.TooManyRequestsError
	switch {
	case err == nil:
		b.metrics.apiCall(s.method, "ok")
	case errors.As(err, &flood):
		b.metrics.apiCall(s.method, "retry_after")
	case errors.Is(err, tg.ErrorForbidden):
		b.metrics.apiCall(s.method, "forbidden")
		return errors.Join(ErrBlocked, err)
	case errors.Is(err, tg.ErrorBadRequest):
		b.metrics.apiCall(s.method, "rejected")
	case ctx.Err() == nil:
		b.metrics.apiCall(s.method, "server_error")
	}
	return err
}
