package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/flows"
)

// Polling. Telegram forgets every update below the offset of the next getUpdates call, so the offset
// moves only up to the lowest update not yet applied: a crash re-fetches exactly what was not applied
// (and what came after it), and the engine's de-duplication skips what was. The poller does not wait
// for a batch to finish: while updates are in flight it keeps asking for more, so one slow chat (a 429
// pause, a slow upload) holds only its own later updates. Updates fetched again because the offset could
// not pass them are recognised by id and not dispatched twice.
//
// While updates are in flight a getUpdates answers at once with them (they are above the offset), so
// it cannot wait for new ones: it is repeated every heldPollInterval, sooner once completions free room
// in the window, and the long poll resumes as soon as nothing is in flight. The window is Telegram's
// batch: at most maxBatch updates from the lowest one not applied can be in hand at once.
const (
	maxBatch         = 100 // updates one getUpdates returns at most (Telegram's limit)
	heldPollInterval = 200 * time.Millisecond
	refetchRoom      = maxBatch / 4 // room freed in a full window that is worth a getUpdates at once
)

// poll takes updates by long polling until ctx ends, then finishes those in flight and confirms them.
func (b *Bot) poll(ctx context.Context) {
	type fetched struct {
		updates []fetchedUpdate
		err     error
	}
	var (
		win       = newPollWindow()
		results   = make(chan fetched, 1)
		fetching  bool
		notBefore time.Time // no getUpdates before this (backoff, or a held window)
		backoff   time.Duration
		wake      = time.NewTimer(time.Hour)
		work      = context.WithoutCancel(ctx)
	)
	defer wake.Stop()
	for ctx.Err() == nil {
		if !fetching {
			if wait := time.Until(notBefore); wait > 0 {
				wake.Reset(wait)
			} else {
				offset, busy := win.offset()
				timeout := b.cfg.PollTimeout
				if busy > 0 {
					timeout = 0 // it answers at once anyway, with the updates in flight
				}
				fetching = true
				win.fetching(offset)
				go func() {
					ups, err := b.getUpdates(ctx, offset, timeout)
					results <- fetched{ups, err}
				}()
			}
		}
		select {
		case <-ctx.Done():
		case <-wake.C:
		case r := <-results:
			fetching = false
			if r.err != nil {
				if ctx.Err() != nil {
					break
				}
				backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
				var flood *floodError
				if errors.As(r.err, &flood) {
					backoff = flood.wait
				}
				b.log.Warn("getUpdates", "err", r.err, "retry_in", backoff)
				notBefore = time.Now().Add(backoff)
				break
			}
			backoff = 0
			for _, f := range r.updates {
				if !win.fetched(f.ID) {
					continue // in flight or applied already: fetched again because the offset is held
				}
				u, err := decodeUpdate(f.raw)
				if err != nil {
					// It will not read better next time: let it go (an ignored update) rather than hold
					// the offset forever.
					b.log.Error("unreadable update ignored", "update", f.ID, "err", err)
					u = &models.Update{ID: f.ID}
				}
				id := f.ID
				b.dispatch(u, func(in flows.Input, h handled) { win.applied(id, in, h) })
			}
			win.batch(r.updates)
			if _, busy := win.offset(); busy > 0 {
				notBefore = time.Now().Add(heldPollInterval)
			}
		case <-win.changed:
			b.delivered(work, win.takeSent()...)
			if win.room() && backoff == 0 {
				notBefore = time.Time{}
			}
		}
		wake.Stop() // since Go 1.23 a stopped timer delivers no stale tick
	}
	if fetching {
		<-results // fetched but not dispatched: not confirmed below
	}
	// Finish what is in flight, then confirm it, so a restart does not fetch it again. Updates whose
	// replies another process holds stay unconfirmed: the next poller is offered them again.
	for {
		b.delivered(work, win.takeSent()...)
		if win.running() == 0 {
			break
		}
		<-win.changed
	}
	if offset, _ := win.offset(); offset > 0 {
		confirm, cancel := context.WithTimeout(work, 5*time.Second)
		defer cancel()
		if _, err := b.getUpdates(confirm, offset, 0); err != nil {
			b.log.Warn("confirm last updates", "err", err)
		}
	}
}

// pollWindow tracks the updates fetched at or above the offset: which are in flight, which were
// applied and which must be offered again, so the offset stops at the lowest one not done and a
// re-fetched update is not run twice. Its size is bounded by the getUpdates window (maxBatch).
type pollWindow struct {
	mu      sync.Mutex
	ids     map[int64]updateState // fetched, at or above the last offset sent
	busy    int                   // entries not applied (running or to retry): they hold the offset
	run     int                   // entries running
	next    int64                 // the offset once nothing is in flight: past the newest batch
	full    bool                  // the last getUpdates returned a whole batch: more may be waiting
	sent    []flows.Input         // applied updates whose replies went out, for one Delivered call
	changed chan struct{}         // signalled (capacity 1) when an update was handled
}

// updateState is where a fetched update stands.
type updateState int

const (
	updateRunning updateState = iota // dispatched, not handled yet
	updateApplied                    // done: it may be confirmed
	updateRetry                      // applied before, its replies held by another (maybe dead) process: dispatch again when re-fetched
)

func newPollWindow() *pollWindow {
	return &pollWindow{ids: make(map[int64]updateState), changed: make(chan struct{}, 1)}
}

// fetched records a fetched update and reports whether it is to be dispatched: new, or to retry.
func (w *pollWindow) fetched(id int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	st, seen := w.ids[id]
	switch {
	case !seen:
		w.busy++
	case st != updateRetry:
		return false
	}
	w.ids[id] = updateRunning
	w.run++
	return true
}

// batch notes a getUpdates answer.
func (w *pollWindow) batch(ups []fetchedUpdate) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.full = len(ups) >= maxBatch
	if len(ups) == 0 {
		return
	}
	// Past the newest update of the latest answer, not the highest id ever seen: after a week without
	// updates Telegram picks the next id at random, possibly lower.
	next := ups[0].ID
	for _, u := range ups {
		next = max(next, u.ID+1)
	}
	w.next = next
}

// fetching notes that a getUpdates with this offset is being sent. Only then are the applied updates
// below the offset forgotten: an earlier getUpdates still on its way may return them again.
func (w *pollWindow) fetching(offset int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, st := range w.ids {
		if st == updateApplied && id < offset {
			delete(w.ids, id)
		}
	}
}

// applied is called by the workers once an update was handled.
func (w *pollWindow) applied(id int64, in flows.Input, h handled) {
	w.mu.Lock()
	if st, ok := w.ids[id]; ok && st == updateRunning {
		w.run--
		if h.held {
			w.ids[id] = updateRetry
		} else {
			w.ids[id] = updateApplied
			w.busy--
		}
	}
	if h.sent {
		w.sent = append(w.sent, in)
	}
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// takeSent returns and forgets the updates whose replies went out.
func (w *pollWindow) takeSent() []flows.Input {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.sent
	w.sent = nil
	return s
}

// running is the number of updates dispatched and not handled yet.
func (w *pollWindow) running() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.run
}

// offset is the offset to confirm: the lowest update not done, or past the newest batch when none
// is; busy is the number not done.
func (w *pollWindow) offset() (offset int64, busy int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.offsetLocked()
}

func (w *pollWindow) offsetLocked() (offset int64, busy int) {
	if w.busy == 0 {
		return w.next, 0
	}
	first := true
	for id, st := range w.ids {
		if st != updateApplied && (first || id < offset) {
			offset, first = id, false
		}
	}
	return offset, w.busy
}

// room reports whether a getUpdates should go out now rather than at the next heldPollInterval:
// nothing is in flight any more (back to long polling), or a full window got room for new updates.
func (w *pollWindow) room() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	offset, busy := w.offsetLocked()
	if busy == 0 {
		return true
	}
	if !w.full {
		return false
	}
	freed := 0
	for id, st := range w.ids {
		if st == updateApplied && id < offset {
			freed++
		}
	}
	return freed >= refetchRoom
}

// Retries of a failed drop of sent replies' records: often, so that the drop lands as soon as Redis
// answers again, before a redelivery can find the claim run out; for as long as an outage is worth
// waiting for.
const (
	dropRetryEvery = 500 * time.Millisecond
	dropRetryFor   = time.Minute
)

// delivered drops the replay records of updates whose replies went out, in one round trip, so that a
// redelivery of them repeats nothing. Should Redis fail (hung, restarting), the drop is tried again
// in the background every dropRetryEvery for dropRetryFor: a record left behind would be replayed once
// its claim ran out, and the alumnus would get the replies twice.
func (b *Bot) delivered(ctx context.Context, ins ...flows.Input) {
	if len(ins) == 0 {
		return
	}
	err := b.cfg.Engine.Delivered(ctx, ins...)
	if err == nil {
		return
	}
	b.log.Warn("mark delivered: retrying", "updates", len(ins), "err", err)
	b.background.Add(1)
	go func() {
		defer b.background.Done()
		ctx := b.bgCtx // ends when Run gave up waiting for it
		for range dropRetryFor / dropRetryEvery {
			if sleepCtx(ctx, dropRetryEvery) != nil {
				return
			}
			if err = b.cfg.Engine.Delivered(ctx, ins...); err == nil {
				return
			}
		}
		b.log.Warn("mark delivered", "updates", len(ins), "err", err)
	}()
}

type floodError struct{ wait time.Duration }

func (e *floodError) Error() string { return fmt.Sprintf("too many requests, retry after %s", e.wait) }

// answerBuffers hold getUpdates answers while they are read: up to 100 updates, a few hundred KB
// that io.ReadAll would allocate anew, growing, on every call.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// getUpdates is our own call rather than the library's: its poller advances the offset before the
// updates are handled, which loses them on a crash.
func (b *Bot) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]fetchedUpdate, error) {
	body, err := json.Marshal(map[string]any{
		"offset": offset, "timeout": int(timeout / time.Second), "allowed_updates": allowedUpdates,
	})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.APIURL+"/bot"+b.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", redactToken(err, b.cfg.Token))
	}
	defer resp.Body.Close()
	buf := answerBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer answerBuffers.Put(buf)
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, 64<<20)); err != nil {
		return nil, fmt.Errorf("getUpdates: read: %w", err)
	}
	r, err := decodeAnswer(buf.Bytes()) // what it returns does not point into buf
	if err != nil {
		return nil, fmt.Errorf("getUpdates: decode (HTTP %d): %w", resp.StatusCode, err)
	}
	if !r.OK {
		if r.ErrorCode == http.StatusTooManyRequests {
			return nil, &floodError{wait: time.Duration(max(r.Parameters.RetryAfter, 1)) * time.Second}
		}
		return nil, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	b.metrics.apiCall("getUpdates", "ok")
	return r.Result, nil
}

// redactToken keeps the bot token out of logged URLs.
func redactToken(err error, token string) error {
	return errors.New(string(bytes.ReplaceAll([]byte(err.Error()), []byte(token), []byte("***"))))
}
