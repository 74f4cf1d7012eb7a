package bottest

import (
	"net/http"
	"sort"
	"time"
)

// Telegram's broadcast limit, as the bulk lane meets it: about 30 messages a second across all
// chats. SetWindowLimit imitates it with a sliding one-second window (stricter than FloodLimit's
// token bucket, which allows a burst), and the send log lets tests and the load driver count what
// was accepted in every window.

// SetWindowLimit makes the methods that create messages answer 429 when n messages were already
// accepted, across all chats, within the last second: the window (t-1s, t]. retry_after is the
// whole seconds until the oldest of them leaves it, at least 1. A refused call consumes nothing.
// n <= 0 turns the limit off. It applies together with SetFloodLimit's.
func (s *Server) SetWindowLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.window.limit = n
	s.window.recent = s.window.recent[:0]
}

// MissingChat makes every call about that chat answer 400 "Bad Request: chat not found", as for a
// deleted account.
func (s *Server) MissingChat(chatID int64) {
	s.mu.Lock()
	s.chatLocked(chatID).missing = true
	s.mu.Unlock()
}

// sendWindow is the sliding window and the send log.
type sendWindow struct {
	limit   int
	recent  []time.Time // accepted within the last second, oldest first
	sent    []int64     // unix ns of every accepted message since the start (or ResetSendLog)
	refused int         // 429s answered to message-creating calls
}

// windowLocked refuses a message over the window limit.
func (s *Server) windowLocked(now time.Time) *apiError {
	w := &s.window
	if w.limit <= 0 {
		return nil
	}
	cut := 0
	for cut < len(w.recent) && !w.recent[cut].After(now.Add(-time.Second)) {
		cut++
	}
	w.recent = append(w.recent[:0], w.recent[cut:]...)
	if len(w.recent) < w.limit {
		return nil
	}
	wait := w.recent[0].Add(time.Second).Sub(now)
	secs := int((wait + time.Second - 1) / time.Second)
	return errorFor(http.StatusTooManyRequests, max(secs, 1))
}

// acceptedLocked records an accepted message.
func (s *Server) acceptedLocked(now time.Time) {
	w := &s.window
	if w.limit > 0 {
		w.recent = append(w.recent, now)
	}
	w.sent = append(w.sent, now.UnixNano())
}

// SendStats is what the send log holds.
type SendStats struct {
	Sent    int           // messages accepted (sendMessage, sendPhoto, copyMessage, ...)
	Refused int           // 429s answered to them
	First   time.Time     // the first accepted
	Last    time.Time     // the last accepted
	Span    time.Duration // Last - First
}

// Rate is messages per second from the first to the last accepted.
func (st SendStats) Rate() float64 {
	if st.Sent < 2 || st.Span <= 0 {
		return 0
	}
	return float64(st.Sent-1) / st.Span.Seconds()
}

// SendStats summarises the send log.
func (s *Server) SendStats() SendStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := &s.window
	st := SendStats{Sent: len(w.sent), Refused: w.refused}
	if len(w.sent) > 0 {
		st.First, st.Last = time.Unix(0, w.sent[0]), time.Unix(0, w.sent[len(w.sent)-1])
		st.Span = st.Last.Sub(st.First)
	}
	return st
}

// PerSecond counts the accepted messages of each whole second since the first, in order.
func (s *Server) PerSecond() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	sent := s.window.sent
	if len(sent) == 0 {
		return nil
	}
	out := make([]int, (sent[len(sent)-1]-sent[0])/int64(time.Second)+1)
	for _, t := range sent {
		out[(t-sent[0])/int64(time.Second)]++
	}
	return out
}

// MaxInWindow is the most messages accepted within any window of length d (the closed interval
// [t, t+d]), sliding over the whole log; from and to bound the part of the log looked at (zero:
// all of it).
func (s *Server) MaxInWindow(d time.Duration, from, to time.Time) int {
	s.mu.Lock()
	sent := s.window.sent
	s.mu.Unlock()
	lo, hi := 0, len(sent)
	if !from.IsZero() {
		lo = sort.Search(len(sent), func(i int) bool { return sent[i] >= from.UnixNano() })
	}
	if !to.IsZero() {
		hi = sort.Search(len(sent), func(i int) bool { return sent[i] > to.UnixNano() })
	}
	best, j := 0, lo
	for i := lo; i < hi; i++ {
		for sent[i]-sent[j] > int64(d) {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// ResetSendLog empties the send log (not the window's state).
func (s *Server) ResetSendLog() {
	s.mu.Lock()
	s.window.sent, s.window.refused = nil, 0
	s.mu.Unlock()
}

// RateFrom is the rate, in messages per second, from the i-th accepted message (from 0) to the last.
func (s *Server) RateFrom(i int) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	sent := s.window.sent
	if i < 0 || len(sent)-i < 2 {
		return 0
	}
	span := time.Duration(sent[len(sent)-1] - sent[i])
	if span <= 0 {
		return 0
	}
	return float64(len(sent)-1-i) / span.Seconds()
}
