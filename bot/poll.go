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

// poll takes updates by long polling until ctx ends. Telegram forgets updates below the offset of the
// next getUpdates call, so the offset moves past a batch only once every update of it was applied: a
// crash re-fetches the batch and the engine's de-duplication skips what was already done.
func (b *Bot) poll(ctx context.Context) {
	var offset int64
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if err := sleepCtx(ctx, backoff); err != nil {
			break
		}
		updates, err := b.getUpdates(ctx, offset, b.cfg.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
			var flood *floodError
			if errors.As(err, &flood) {
				backoff = flood.wait
			}
			b.log.Warn("getUpdates", "err", err, "retry_in", backoff)
			continue
		}
		backoff = 0
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			sent []flows.Input
		)
		for _, u := range updates {
			wg.Add(1)
			b.dispatch(u, func(in flows.Input, ok bool) {
				if ok {
					mu.Lock()
					sent = append(sent, in)
					mu.Unlock()
				}
				wg.Done()
			})
			offset = max(offset, u.ID+1)
		}
		wg.Wait()
		b.delivered(context.WithoutCancel(ctx), sent...)
	}
	// Confirm the last batch, so a restart does not fetch it again.
	if offset > 0 {
		confirm, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := b.getUpdates(confirm, offset, 0); err != nil {
			b.log.Warn("confirm last updates", "err", err)
		}
	}
}

// delivered drops the replay records of updates whose replies went out, in one round trip, so that a
// redelivery of them repeats nothing. A failure only risks a duplicate reply on a redelivery.
func (b *Bot) delivered(ctx context.Context, ins ...flows.Input) {
	if len(ins) == 0 {
		return
	}
	if err := b.cfg.Engine.Delivered(ctx, ins...); err != nil {
		b.log.Warn("mark delivered", "updates", len(ins), "err", err)
	}
}

type floodError struct{ wait time.Duration }

func (e *floodError) Error() string { return fmt.Sprintf("too many requests, retry after %s", e.wait) }

// getUpdates is our own call rather than the library's: its poller advances the offset before the
// updates are handled, which loses them on a crash.
func (b *Bot) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]*models.Update, error) {
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
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: read: %w", err)
	}
	var r struct {
		OK          bool             `json:"ok"`
		Result      []*models.Update `json:"result"`
		ErrorCode   int              `json:"error_code"`
		Description string           `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
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
