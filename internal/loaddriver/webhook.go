package loaddriver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alumnibot/alumnibot/bot/bottest"
)

// Webhook pushes injected updates to webhook replicas as Telegram does: each update by POST to one
// replica (round-robin), with a timeout per request; an update that got no 2xx answer (a timeout,
// a refused connection, any other status) is tried again after a delay, on the next replica, until
// one accepts it or Tries requests were made. Deliver is its Config.Deliver.
type Webhook struct {
	Srv     *bottest.Server
	URLs    []string      // the replicas' webhook URLs
	Secret  string        // X-Telegram-Bot-Api-Secret-Token
	Timeout time.Duration // per request; default 2s
	Tries   int           // requests per update at most; default 30
	// Delay is the pause before the first retry, doubled for each further one up to MaxDelay;
	// defaults 250ms and 5s.
	Delay, MaxDelay time.Duration

	next    atomic.Uint64
	mu      sync.Mutex
	stats   DeliveryStats
	history map[int64][]string // per update, each request: replica, outcome, when
	start   time.Time
}

// DeliveryStats counts what webhook delivery took.
type DeliveryStats struct {
	Updates   int         // updates delivered or given up
	Requests  int         // POSTs made
	Retried   int         // updates that needed more than one request
	GaveUp    int         // updates no replica accepted within Tries
	MaxTries  int         // most requests one update took
	Timeouts  int         // requests without an answer within Timeout
	Refused   int         // requests whose connection was refused or reset
	Status    map[int]int // answers by HTTP status
	Accepted  []int       // 2xx answers per replica, in the order of URLs
	Retries   []string    // the first updates that needed a retry: id, tries, what failed
	Slowest   string      // the delivery history of the update that took the most requests
	slowestID int64
}

// Deliver delivers update id; it returns nil once a replica answered 2xx.
func (w *Webhook) Deliver(ctx context.Context, id int64) error {
	if len(w.URLs) == 0 {
		return errors.New("loaddriver: no webhook URL")
	}
	timeout, tries, delay, maxDelay := w.Timeout, w.Tries, w.Delay, w.MaxDelay
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	if tries <= 0 {
		tries = 30
	}
	if delay <= 0 {
		delay = 250 * time.Millisecond
	}
	if maxDelay <= 0 {
		maxDelay = 5 * time.Second
	}
	replica := int(w.next.Add(1)-1) % len(w.URLs)
	var why []string
	var last error
	for try := 1; try <= tries; try++ {
		if try > 1 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				w.done(id, try-1, false, why)
				return ctx.Err()
			}
			delay = min(2*delay, maxDelay)
			replica = (replica + 1) % len(w.URLs)
		}
		rctx, cancel := context.WithTimeout(ctx, timeout)
		t0 := time.Now()
		status, err := w.Srv.Deliver(rctx, w.URLs[replica], w.Secret, id)
		cancel()
		w.mu.Lock()
		if w.history == nil {
			w.history = map[int64][]string{}
			w.start = t0
		}
		outcome := fmt.Sprint(status)
		if err != nil {
			outcome = err.Error()
			if errors.Is(err, context.DeadlineExceeded) {
				outcome = "timeout"
			}
		}
		w.history[id] = append(w.history[id], fmt.Sprintf("replica %d at %.3fs: %s after %s", replica+1,
			t0.Sub(w.start).Seconds(), outcome, time.Since(t0).Round(time.Millisecond)))
		w.stats.Requests++
		if w.stats.Status == nil {
			w.stats.Status = map[int]int{}
			w.stats.Accepted = make([]int, len(w.URLs))
		}
		switch {
		case err == nil:
			w.stats.Status[status]++
			if status >= 200 && status < 300 {
				w.stats.Accepted[replica]++
			}
		case errors.Is(err, context.DeadlineExceeded):
			w.stats.Timeouts++
		case errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || isNetOp(err):
			w.stats.Refused++
		}
		w.mu.Unlock()
		if err == nil && status >= 200 && status < 300 {
			w.done(id, try, true, why)
			return nil
		}
		if err == nil {
			err = fmt.Errorf("HTTP %d", status)
		}
		if ctx.Err() != nil {
			w.done(id, try, false, why)
			return ctx.Err()
		}
		last = fmt.Errorf("replica %d: %w", replica+1, err)
		why = append(why, last.Error())
	}
	w.done(id, tries, false, why)
	return fmt.Errorf("given up after %d requests, last: %w", tries, last)
}

func isNetOp(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

func (w *Webhook) done(id int64, tries int, ok bool, why []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stats.Updates++
	if tries > w.stats.MaxTries {
		w.stats.MaxTries, w.stats.slowestID = tries, id
	}
	if !ok {
		w.stats.GaveUp++
	}
	if tries > 1 || !ok {
		w.stats.Retried++
		if len(w.stats.Retries) < 5 {
			w.stats.Retries = append(w.stats.Retries, fmt.Sprintf("update %d: %d requests, accepted %v; %v", id, tries, ok, why))
		}
	}
}

// History tells how update id was delivered: each request, its replica, outcome and time since the
// first request of the run.
func (w *Webhook) History(id int64) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.history[id]
	if len(h) == 0 {
		return "never delivered"
	}
	return "delivery: " + strings.Join(h, "; ")
}

// Stats returns what delivery took so far.
func (w *Webhook) Stats() DeliveryStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.stats
	if h := w.history[s.slowestID]; len(h) > 1 {
		s.Slowest = fmt.Sprintf("update %d: %s", s.slowestID, strings.Join(h, "; "))
	}
	s.Accepted = slices.Clone(s.Accepted)
	s.Retries = slices.Clone(s.Retries)
	s.Status = make(map[int]int, len(w.stats.Status))
	for k, v := range w.stats.Status {
		s.Status[k] = v
	}
	return s
}

// Write prints the delivery figures for people.
func (s DeliveryStats) Write(w io.Writer) {
	fmt.Fprintf(w, "webhook: %d updates in %d requests; %d needed a retry, %d given up, at most %d requests for one\n",
		s.Updates, s.Requests, s.Retried, s.GaveUp, s.MaxTries)
	codes := make([]int, 0, len(s.Status))
	for c := range s.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	fmt.Fprintf(w, "webhook answers:")
	for _, c := range codes {
		fmt.Fprintf(w, " HTTP %d ×%d;", c, s.Status[c])
	}
	fmt.Fprintf(w, " timeouts ×%d; refused/reset ×%d; accepted per replica %v\n", s.Timeouts, s.Refused, s.Accepted)
	for _, r := range s.Retries {
		fmt.Fprintln(w, "webhook retry:", r)
	}
	if s.Slowest != "" {
		fmt.Fprintln(w, "webhook most requests:", s.Slowest)
	}
}
