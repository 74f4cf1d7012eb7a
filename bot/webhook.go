package bot

import (
	"context"
	"crypto/subtle"
	"io"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/alumnibot/alumnibot/flows"
)

// webhookHandler receives updates pushed by Telegram. Unlike the library's handler it checks the
// secret in constant time (401 on mismatch) and answers only after the update was applied, so an
// update Telegram gets no 200 for is delivered again and never lost.
func (b *Bot) webhookHandler(work context.Context) http.Handler {
	secret := []byte(b.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if subtle.ConstantTimeCompare(got, secret) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		u, err := decodeUpdate(raw)
		if err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		type result struct {
			in flows.Input
			h  handled
		}
		done := make(chan result, 1)
		b.dispatch(u, func(in flows.Input, h handled) { done <- result{in, h} })
		select {
		case r := <-done:
			if r.h.held {
				// Another replica holds its replies and may have died with them: Telegram retries later,
				// when they are sent or this replica may send them.
				http.Error(w, "replies held by another replica", http.StatusServiceUnavailable)
				return
			}
			if r.h.sent {
				b.delivered(work, r.in)
			}
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done():
			// Telegram gave up waiting and will deliver again; the engine skips what was applied. The
			// worker still sends the replies: once they went out, drop their record, or a retry after
			// the claim ran out would send them again.
			go func() {
				if r := <-done; r.h.sent {
					b.delivered(work, r.in)
				}
			}()
		case <-work.Done():
		}
	})
}

func metricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
