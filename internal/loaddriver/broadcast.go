package loaddriver

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/bot/bottest"
)

// The broadcast load driver (cmd/alumnicast): a broadcast set going by Start — a real announcement
// job (broadcast_job.go: StartJob) or entries of the load driver's kind queued straight into the bulk
// lane (StartLoad) — sent by the bot to a bottest server that enforces Telegram's limits, counted
// there: messages per second, 429s, the busiest second, duplicates and missing recipients.

// LoadText is how the load kind's message starts (locales "bulk.load", Indonesian).
const LoadText = "Pesan uji kiriman massal "

// BroadcastConfig says whom to send to.
type BroadcastConfig struct {
	Recipients int   // how many; default 10,000
	FirstUser  int64 // chat id of the first; the others follow
	// Start sets the broadcast going (StartJob, StartLoad); the clock runs from its call.
	Start func(ctx context.Context) error
	// Text is how each recipient's message starts (JobText + the job's id, LoadText); a message
	// that does not is not counted.
	Text string
	// Stall ends the run when nothing new was delivered for this long; default 2 minutes (a dead
	// replica's messages wait out the bulk lease, a minute).
	Stall time.Duration
	// Progress, if set, is called about every 100 ms with the messages accepted so far.
	Progress func(sent int)
}

// BroadcastReport is what the server saw.
type BroadcastReport struct {
	Recipients int
	Received   int // recipients that got the message
	Missing    []int64
	Duplicates int // messages beyond the first in a chat
	Sent       bottest.SendStats
	PerSecond  []int // messages accepted in each second from the first
	MaxWindow  int   // the most messages accepted within any one second (closed window)
	// SecondHalf is the rate over the second half of the messages: after the first 429s have
	// settled it.
	SecondHalf float64
	Elapsed    time.Duration // from queueing to the last message
}

// Broadcast queues the recipients and waits until each got the message (or the run stalls), then
// waits a second more for late duplicates and counts.
func Broadcast(ctx context.Context, srv *bottest.Server, cfg BroadcastConfig) (*BroadcastReport, error) {
	if cfg.Recipients <= 0 {
		cfg.Recipients = 10000
	}
	if cfg.Stall <= 0 {
		cfg.Stall = 2 * time.Minute
	}
	srv.ResetSendLog()
	if cfg.Text == "" {
		return nil, fmt.Errorf("broadcast: no Text to recognise the message by")
	}
	start := time.Now()
	if err := cfg.Start(ctx); err != nil {
		return nil, err
	}
	last, lastChange := 0, time.Now()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		sent := srv.SendStats().Sent
		if cfg.Progress != nil {
			cfg.Progress(sent)
		}
		if sent != last {
			last, lastChange = sent, time.Now()
		}
		if sent >= cfg.Recipients && countReceived(srv, cfg) == cfg.Recipients {
			break
		}
		if time.Since(lastChange) > cfg.Stall {
			break
		}
	}
	elapsed := time.Since(start)
	time.Sleep(time.Second) // a message in flight at the end is a duplicate too
	rep := &BroadcastReport{Recipients: cfg.Recipients, Sent: srv.SendStats(), PerSecond: srv.PerSecond(),
		MaxWindow: srv.MaxInWindow(time.Second, time.Time{}, time.Time{}), Elapsed: elapsed}
	for i := range cfg.Recipients {
		id := cfg.FirstUser + int64(i)
		n := messages(srv, id, cfg.Text)
		switch {
		case n == 0:
			rep.Missing = append(rep.Missing, id)
		default:
			rep.Received++
			rep.Duplicates += n - 1
		}
	}
	rep.SecondHalf = srv.RateFrom(rep.Sent.Sent / 2)
	return rep, nil
}

func countReceived(srv *bottest.Server, cfg BroadcastConfig) int {
	n := 0
	for i := range cfg.Recipients {
		if messages(srv, cfg.FirstUser+int64(i), cfg.Text) > 0 {
			n++
		}
	}
	return n
}

func messages(srv *bottest.Server, chat int64, text string) int {
	n := 0
	for _, m := range srv.Chat(chat) {
		if strings.HasPrefix(m.Text, text) {
			n++
		}
	}
	return n
}

// OK says whether every recipient got the message exactly once.
func (r *BroadcastReport) OK() bool { return len(r.Missing) == 0 && r.Duplicates == 0 }

// Write prints the report.
func (r *BroadcastReport) Write(w io.Writer) {
	fmt.Fprintf(w, "recipients %d: received %d, missing %d, duplicates %d\n", r.Recipients, r.Received, len(r.Missing), r.Duplicates)
	fmt.Fprintf(w, "messages accepted %d in %.1fs: %.2f msg/s overall, %.2f msg/s over the second half\n",
		r.Sent.Sent, r.Sent.Span.Seconds(), r.Sent.Rate(), r.SecondHalf)
	fmt.Fprintf(w, "429s answered %d; the busiest second held %d messages\n", r.Sent.Refused, r.MaxWindow)
	if len(r.PerSecond) > 0 {
		ps := slices.Clone(r.PerSecond)
		inner := ps
		if len(ps) > 2 { // the first and last seconds are partial
			inner = ps[1 : len(ps)-1]
		}
		if len(inner) > 0 {
			fmt.Fprintf(w, "per second (whole seconds): min %d, max %d\n", slices.Min(inner), slices.Max(inner))
		}
		if len(ps) > 40 {
			ps = ps[:40]
		}
		fmt.Fprintf(w, "first seconds: %v\n", ps)
	}
	if n := min(len(r.Missing), 10); n > 0 {
		fmt.Fprintf(w, "missing (first %d): %v\n", n, r.Missing[:n])
	}
}
