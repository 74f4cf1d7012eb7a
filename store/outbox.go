package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// The RSVP script writes notices to the meetup's outbox in the same step as the change they report;
// a single notifier (see Lock) reads them, sends them and only then drops them, so a notice is sent at
// least once and, after a crash between sending and dropping, at most twice.

func (s *Store) outboxSet() string { return s.prefix + "outbox" }

// markOutbox remembers that a meetup has notices. A failure is harmless: the notifier also sweeps
// every meetup now and then.
func (s *Store) markOutbox(ctx context.Context, meetup string) {
	_ = s.rdb.SAdd(ctx, s.outboxSet(), meetup).Err()
}

// OutboxMeetups lists the meetups that may have notices to send.
func (s *Store) OutboxMeetups(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.outboxSet()).Result()
	if err != nil {
		return nil, fmt.Errorf("list outboxes: %w", err)
	}
	return ids, nil
}

// PeekNotices reads up to n notices of a meetup, oldest first, without removing them.
func (s *Store) PeekNotices(ctx context.Context, meetup string, n int) ([]flows.Notice, error) {
	raw, err := s.rdb.LRange(ctx, s.rsvpKeys(meetup)[8], 0, int64(n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", meetup, err)
	}
	out := make([]flows.Notice, 0, len(raw))
	for _, r := range raw {
		nt, err := parseNotice(meetup, r)
		if err != nil {
			return nil, err
		}
		out = append(out, nt)
	}
	return out, nil
}

func parseNotice(meetup, r string) (flows.Notice, error) {
	parts := strings.Split(r, ":")
	if len(parts) < 2 {
		return flows.Notice{}, fmt.Errorf("outbox of %s: bad notice %q", meetup, r)
	}
	a, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return flows.Notice{}, fmt.Errorf("outbox of %s: bad notice %q", meetup, r)
	}
	nt := flows.Notice{Kind: flows.NoticeKind(parts[0]), Meetup: meetup, Alumnus: a}
	if nt.Kind == flows.NoticeOffer && len(parts) == 3 {
		sec, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return flows.Notice{}, fmt.Errorf("outbox of %s: bad notice %q", meetup, r)
		}
		nt.Until = time.Unix(sec, 0)
	}
	return nt, nil
}

// DropNotices removes the n oldest notices of a meetup, once they were sent.
func (s *Store) DropNotices(ctx context.Context, meetup string, n int) error {
	if err := s.rdb.LTrim(ctx, s.rsvpKeys(meetup)[8], int64(n), -1).Err(); err != nil {
		return fmt.Errorf("drop %d notices of %s: %w", n, meetup, err)
	}
	return nil
}

// ClearOutboxMark forgets a meetup in the outbox set unless notices arrived meanwhile.
func (s *Store) ClearOutboxMark(ctx context.Context, meetup string) error {
	if err := s.rdb.SRem(ctx, s.outboxSet(), meetup).Err(); err != nil {
		return fmt.Errorf("clear outbox mark of %s: %w", meetup, err)
	}
	n, err := s.rdb.LLen(ctx, s.rsvpKeys(meetup)[8]).Result()
	if err != nil {
		return fmt.Errorf("outbox length of %s: %w", meetup, err)
	}
	if n > 0 {
		s.markOutbox(ctx, meetup)
	}
	return nil
}

var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// Lock takes a named lock for at most ttl, so that of several replicas one runs a periodic job. The
// returned func releases it (only if still ours). ok is false when another replica holds it.
func (s *Store) Lock(ctx context.Context, name string, ttl time.Duration) (unlock func(), ok bool, err error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	key := s.prefix + "lock:" + name
	ok, err = s.rdb.SetNX(ctx, key, token, ttl).Result()
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = unlockScript.Run(ctx, s.rdb, []string{key}, token).Err()
	}, true, nil
}
