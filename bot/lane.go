package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"os"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/alumnibot/alumnibot/flows"
)

// A lane carries one kind of traffic the bot sends on its own, from the outbound queue in Redis
// (store/outbox.go) to Telegram: "notices" today; issue 8's broadcasts come as a second lane with a
// Limiter, on the same mechanism. A lane is a set of streams, a consumer group named after the lane in
// each of them, a Deliver function that sends one message, and this consumer loop.
//
// Every replica runs every lane at once; the consumer group hands each message to one of them. A
// message is acknowledged (and deleted) only after Deliver returned, so it is sent at least once; a
// replica that dies holding messages leaves them pending, and another takes them over once they were
// idle for the lease (XAUTOCLAIM): at most the message in flight is sent twice per crash. A replica
// keeps a batch at most Hold (less than the lease) before giving the rest back, and gives back what it
// did not try when it pauses or stops, so nothing waits out a lease needlessly.
//
// Each message is handled on its own: nothing one does stops another.
//   - sent (or nothing to say): acknowledged, counted delivered;
//   - a permanent failure (Telegram's 400, an entry that does not decode, a meetup gone, a panic):
//     written to the dead-letter stream with the error, then acknowledged;
//   - 429: every sender of the process pauses for retry_after; the message is given back untried
//     and the pass ends; the next pass after the pause sends it;
//   - anything else (5xx, the network, Redis): tried again after a backoff (Backoff, counted from the
//     delivery count), and dead-lettered after MaxAttempts.

// Queue is the outbound queue as a lane's consumer uses it; store.Store is the real one.
type Queue interface {
	QueueStreams(ctx context.Context, lane string) ([]string, error)
	ClaimQueue(ctx context.Context, lane, stream, consumer string, minIdle time.Duration, n int) ([]flows.Outbound, error)
	ReadQueue(ctx context.Context, lane, stream, consumer string, n int) ([]flows.Outbound, error)
	RequeueQueue(ctx context.Context, lane, consumer string, m flows.Outbound, idle time.Duration, deliveries int64) error
	AckQueue(ctx context.Context, lane string, m flows.Outbound) error
	DeadLetter(ctx context.Context, lane string, m flows.Outbound, reason string) error
	ReleaseQueue(ctx context.Context, lane, stream string) error
	QueueStats(ctx context.Context, lane string) (flows.QueueStats, error)
}

// Limiter paces a lane: Wait returns when one more message may go (issue 8: a rate shared by every
// replica through Redis). A lane without one sends as fast as the Bot API lets it. A Limiter that also
// has a method Throttled(retryAfter time.Duration) hears of every 429 the lane gets, to lower its rate
// (and climb back while none comes).
type Limiter interface {
	Wait(ctx context.Context) error
}

type throttledLimiter interface {
	Throttled(retryAfter time.Duration)
}

// Lane defaults.
const (
	DefaultLease       = 5 * time.Minute // a message handed out and not acknowledged for this long is taken over
	DefaultMaxAttempts = 10              // attempts before a message that keeps failing is dead-lettered
	firstRetry         = 5 * time.Second // backoff after the first failed attempt, doubled after each
	laneBatch          = 50              // messages read at once
	givebackTimeout    = 2 * time.Second // for giving messages back while stopping
	defaultLaneEvery   = 2 * time.Second // between passes of Run
	sendShareOfLease   = 4               // one send may take at most lease/4
	holdShareOfLease   = 2               // a batch is kept at most lease/2
	laneConsumerPrefix = "alumnibot"     // consumer names: alumnibot-<host>-<random>
)

// LaneConfig describes a lane.
type LaneConfig struct {
	Name  string // also the consumer group's name: "notices"
	Queue Queue
	// Deliver sends one message. Wrap an error with Permanent when trying again cannot help.
	Deliver func(ctx context.Context, m flows.Outbound) error
	// Consumer names this replica in the group; "" means a name unique to this process.
	Consumer    string
	Limiter     Limiter       // optional
	Lease       time.Duration // default DefaultLease
	MaxAttempts int64         // default DefaultMaxAttempts
	Batch       int           // default 50
	// Backoff is how long to wait before attempt n+1 after n failed ones; it can be at most the lease
	// (a failed message is due again when it looks idle for the lease). Default: 5 s doubled each time.
	Backoff func(attempts int64) time.Duration
	// Hold is how long a batch is kept before the rest is given back; default lease/2.
	Hold time.Duration
	// SendTimeout bounds one Deliver; default lease/4.
	SendTimeout time.Duration
}

// Lane is one lane's consumer.
type Lane struct {
	cfg     LaneConfig
	log     *slog.Logger
	metrics *metrics
	send    *sender
	now     func() time.Time
}

// processConsumer names this process in consumer groups: a restart is a new consumer, whose
// predecessor's pending messages are taken over after the lease.
var processConsumer = sync.OnceValue(func() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%s-%s", laneConsumerPrefix, host, hex.EncodeToString(b[:]))
})

// NewLane builds a lane's consumer that sends through this bot's sender (sharing its 429 pause) and
// reports to its metrics.
func (b *Bot) NewLane(cfg LaneConfig) *Lane {
	if cfg.Consumer == "" {
		cfg.Consumer = processConsumer()
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Batch <= 0 {
		cfg.Batch = laneBatch
	}
	if cfg.Backoff == nil {
		lease := cfg.Lease
		cfg.Backoff = func(n int64) time.Duration {
			d := firstRetry
			for i := int64(1); i < n && d < lease; i++ {
				d *= 2
			}
			return min(d, lease)
		}
	}
	if cfg.Hold <= 0 {
		cfg.Hold = cfg.Lease / holdShareOfLease
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = cfg.Lease / sendShareOfLease
	}
	return &Lane{cfg: cfg, log: b.log.With("lane", cfg.Name), metrics: b.metrics, send: b.send, now: time.Now}
}

// permanentError marks a failure that trying again cannot mend.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that trying again cannot mend: the message is dead-lettered.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p) || errors.Is(err, tg.ErrorBadRequest)
}

// Run runs a pass every `every` (default 2 s) until ctx ends. Errors are logged; the next pass tries
// again.
func (l *Lane) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = defaultLaneEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := l.RunOnce(ctx); err != nil && ctx.Err() == nil {
			l.log.Warn("outbound queue pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce goes once over every stream of the lane: first the messages due again (a dead consumer's,
// failed ones whose backoff ran out), then the new ones, until the stream is drained. Errors of one
// stream do not keep the others from being served; they are returned together.
func (l *Lane) RunOnce(ctx context.Context) error {
	if l.paused() {
		return nil
	}
	streams, err := l.cfg.Queue.QueueStreams(ctx, l.cfg.Name)
	if err != nil {
		return err
	}
	// A different order each pass, so that no stream always waits for the others.
	mathrand.Shuffle(len(streams), func(i, j int) { streams[i], streams[j] = streams[j], streams[i] })
	var errs []error
	for _, s := range streams {
		if ctx.Err() != nil || l.paused() {
			break
		}
		if err := l.drain(ctx, s); err != nil {
			errs = append(errs, err)
		}
	}
	l.observe(ctx)
	return errors.Join(errs...)
}

func (l *Lane) paused() bool { return time.Until(time.Unix(0, l.send.pausedUntil.Load())) > 0 }

func (l *Lane) drain(ctx context.Context, stream string) error {
	q, name := l.cfg.Queue, l.cfg.Name
	due, err := q.ClaimQueue(ctx, name, stream, l.cfg.Consumer, l.cfg.Lease, l.cfg.Batch)
	if err != nil {
		return err
	}
	if !l.process(ctx, due) {
		return nil
	}
	for {
		msgs, err := q.ReadQueue(ctx, name, stream, l.cfg.Consumer, l.cfg.Batch)
		if err != nil {
			return err
		}
		if !l.process(ctx, msgs) {
			return nil
		}
		if len(msgs) < l.cfg.Batch {
			break
		}
	}
	return q.ReleaseQueue(ctx, name, stream)
}

// process handles a batch in order. It returns false when it stopped early (the context ended, a
// 429 paused sending, the batch was held too long): the untried rest is given back.
func (l *Lane) process(ctx context.Context, msgs []flows.Outbound) bool {
	start := l.now()
	for i, m := range msgs {
		stop := ctx.Err() != nil || l.paused() || l.now().Sub(start) > l.cfg.Hold
		if !stop && l.cfg.Limiter != nil {
			stop = l.cfg.Limiter.Wait(ctx) != nil
		}
		if stop {
			l.giveBack(ctx, msgs[i:])
			return false
		}
		l.handle(ctx, m)
	}
	return true
}

// giveBack returns untried messages to the queue, due at once, their delivery not counted.
func (l *Lane) giveBack(ctx context.Context, msgs []flows.Outbound) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), givebackTimeout)
	defer cancel()
	for _, m := range msgs {
		if err := l.cfg.Queue.RequeueQueue(ctx, l.cfg.Name, l.cfg.Consumer, m, l.cfg.Lease, m.Deliveries-1); err != nil {
			// Still pending: taken over after the lease.
			l.log.Warn("give back", "queue", m.Queue, "id", m.ID, "err", err)
		}
	}
}

// handle delivers one message and settles it. Errors settling it are logged: the message stays
// pending and comes again after the lease.
func (l *Lane) handle(ctx context.Context, m flows.Outbound) {
	lane := l.cfg.Name
	if m.Deliveries > l.cfg.MaxAttempts { // handed out again and again: a consumer dies on it
		l.deadLetter(ctx, m, fmt.Sprintf("handed out %d times without an answer", m.Deliveries))
		return
	}
	err := l.deliver(ctx, m)
	var flood *tg.TooManyRequestsError
	switch {
	case err == nil:
		if err := l.cfg.Queue.AckQueue(ctx, lane, m); err != nil {
			l.log.Warn("ack", "queue", m.Queue, "id", m.ID, "err", err)
			l.metrics.fail("queue")
		}
		l.metrics.queueDelivered.WithLabelValues(lane).Inc()
	case errors.As(err, &flood), ctx.Err() != nil && !isPermanent(err):
		// Not an attempt: the sender paused for retry_after (or we are stopping). Sent when it ends.
		l.metrics.queueRetried.WithLabelValues(lane).Inc()
		if tl, ok := l.cfg.Limiter.(throttledLimiter); ok && flood != nil {
			tl.Throttled(time.Duration(flood.RetryAfter) * time.Second)
		}
		l.giveBack(ctx, []flows.Outbound{m})
	case isPermanent(err):
		l.deadLetter(ctx, m, err.Error())
	case m.Deliveries >= l.cfg.MaxAttempts:
		l.deadLetter(ctx, m, fmt.Sprintf("after %d attempts: %v", m.Deliveries, err))
	default:
		l.log.Info("outbound message will be retried", "queue", m.Queue, "id", m.ID, "attempt", m.Deliveries, "err", err)
		l.metrics.queueRetried.WithLabelValues(lane).Inc()
		wait := min(l.cfg.Backoff(m.Deliveries), l.cfg.Lease)
		if err := l.cfg.Queue.RequeueQueue(ctx, lane, l.cfg.Consumer, m, l.cfg.Lease-wait, m.Deliveries); err != nil {
			l.log.Warn("requeue", "queue", m.Queue, "id", m.ID, "err", err)
		}
	}
}

// deliver runs Deliver with the send timeout, turning a panic into a permanent failure of this
// message alone.
func (l *Lane) deliver(ctx context.Context, m flows.Outbound) (err error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.SendTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			l.metrics.fail("panic")
			err = Permanent(fmt.Errorf("panic: %v", p))
		}
	}()
	return l.cfg.Deliver(ctx, m)
}

func (l *Lane) deadLetter(ctx context.Context, m flows.Outbound, reason string) {
	lane := l.cfg.Name
	l.log.Warn("outbound message dead-lettered", "queue", m.Queue, "id", m.ID, "attempts", m.Deliveries, "err", reason)
	if err := l.cfg.Queue.DeadLetter(ctx, lane, m, reason); err != nil {
		l.log.Warn("dead-letter", "queue", m.Queue, "id", m.ID, "err", err)
		l.metrics.fail("queue")
		return
	}
	l.metrics.queueDead.WithLabelValues(lane).Inc()
}

// observe sets the lane's gauges: messages not done yet, and the age of the oldest.
func (l *Lane) observe(ctx context.Context) {
	st, err := l.cfg.Queue.QueueStats(ctx, l.cfg.Name)
	if err != nil {
		if ctx.Err() == nil {
			l.log.Warn("queue stats", "err", err)
		}
		return
	}
	l.metrics.queuePending.WithLabelValues(l.cfg.Name).Set(float64(st.Pending))
	age := 0.0
	if !st.Oldest.IsZero() {
		age = max(l.now().Sub(st.Oldest).Seconds(), 0)
	}
	l.metrics.queueOldest.WithLabelValues(l.cfg.Name).Set(age)
}
