package store

import (
	"context"
	"crypto/rand"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// RSVP keys of a meetup, all under its hash tag so one script updates them together:
//
//	ab:{mt:<id>}:info      hash    capacity, status, end (unix s), kept with the meetup by its writes
//	ab:{mt:<id>}:going     set     confirmed alumni
//	ab:{mt:<id>}:offers    zset    alumni offered a freed seat, by offer expiry (unix s); each holds a seat
//	ab:{mt:<id>}:waitlist  zset    waitlisted alumni by arrival number
//	ab:{mt:<id>}:seq       string  last arrival number
//	ab:{mt:<id>}:tickets   hash    alumnus -> check-in code
//	ab:{mt:<id>}:codes     hash    check-in code -> alumnus (codes are unique per meetup)
//	ab:{mt:<id>}:stats     hash    counters: reserved, waitlisted, cancelled, claimed, expired
//	ab:{mt:<id>}:q         stream  the meetup's notices of the outbound queue (see outbox.go)
//	ab:{mt:<id>}:checkins  hash    alumnus -> check-in time (unix s)
//
// None of them expires: they are promises made to alumni.

//go:embed rsvp.lua
var rsvpLua string
var rsvpScript = redis.NewScript(rsvpLua)

func (s *Store) rsvpKeys(meetup string) []string {
	tag := s.prefix + "{mt:" + meetup + "}:"
	return []string{tag + "info", tag + "going", tag + "offers", tag + "waitlist", tag + "seq", tag + "tickets", tag + "codes", tag + "stats", tag + "q", tag + "checkins"}
}

// OpTTL is how long the first outcome of an operation is kept for a re-run of the same update: longer
// than Telegram keeps an update it could redeliver.
const OpTTL = 48 * time.Hour

type pinnedOpKey struct{}

// pinOp draws the next operation id once, so that every call under the returned context is that one
// operation (a store method that needs several tries of one script).
func pinOp(ctx context.Context) context.Context {
	return context.WithValue(ctx, pinnedOpKey{}, flows.NextOp(ctx))
}

// opOf is the operation id of a call that changes something: the pinned one, else the next.
func opOf(ctx context.Context) string {
	if op, ok := ctx.Value(pinnedOpKey{}).(string); ok {
		return op
	}
	return flows.NextOp(ctx)
}

// runRSVP runs one op of the RSVP script. An op that changes something carries the operation id that
// ctx holds (flows.NextOp), so running the same update again returns the first answer; read-only ops
// pass readOnly and draw no id.
func (s *Store) runRSVP(ctx context.Context, meetup string, readOnly bool, args ...any) *redis.Cmd {
	op, ttl := "", int64(0)
	if !readOnly {
		if op = opOf(ctx); op != "" {
			ttl = OpTTL.Milliseconds()
		}
	}
	tag := s.prefix + "{mt:" + meetup + "}:"
	keys := append(s.rsvpKeys(meetup), tag+"op:"+op, tag+"meetup", tag+"ops")
	return rsvpScript.Run(ctx, s.rdb, keys, append(args, ttl)...)
}

// codeAlphabet leaves out 0/O, 1/I/L so a code read aloud or off a phone is not misread.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewCode returns a random 6-character check-in code.
func NewCode() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b[:])
}

// SetCodeSource replaces the random check-in codes, for tests that compare transcripts. The function
// must return 6 characters of the code alphabet and may be called concurrently.
func (s *Store) SetCodeSource(f func() string) { s.codes = f }

// Reserve asks for a seat: confirmed while seats remain, else a place on the waitlist. Asking again
// answers with the alumnus's current place and changes nothing, so retries and double taps are safe.
func (s *Store) Reserve(ctx context.Context, meetup string, alumnus int64, now time.Time) (flows.Seat, error) {
	return s.withCode(ctx, "reserve", meetup, alumnus, now)
}

// Claim confirms a seat offered to the alumnus, if the offer has not expired and the meetup is still
// published (SeatClosed otherwise, whatever the alumnus held).
func (s *Store) Claim(ctx context.Context, meetup string, alumnus int64, now time.Time) (flows.Seat, error) {
	return s.withCode(ctx, "claim", meetup, alumnus, now)
}

// withCode runs an operation that may hand out a check-in code, drawing a new code on a collision.
func (s *Store) withCode(ctx context.Context, op, meetup string, alumnus int64, now time.Time) (flows.Seat, error) {
	if err := s.addMine(ctx, alumnus, meetup); err != nil { // before the place exists: see mine.go
		return flows.Seat{}, err
	}
	// One operation id for every try: a collision records nothing, so the retry with another code is
	// the same operation.
	ctx = pinOp(ctx)
	for range 20 { // 31^6 ≈ 887 million codes: a collision is rare, twenty in a row impossible in practice
		res, err := s.runRSVP(ctx, meetup, false, op, alumnus, s.codes(), now.Unix()).StringSlice()
		if err != nil {
			return flows.Seat{}, fmt.Errorf("%s %s for %d: %w", op, meetup, alumnus, err)
		}
		if res[0] == "code_taken" {
			continue
		}
		return parseSeat(res)
	}
	return flows.Seat{}, fmt.Errorf("%s %s for %d: no free check-in code", op, meetup, alumnus)
}

func parseSeat(res []string) (flows.Seat, error) {
	st := flows.Seat{Status: flows.SeatStatus(res[0])}
	switch st.Status {
	case flows.SeatConfirmed:
		st.Code = res[1]
	case flows.SeatWaitlisted:
		st.Position, _ = strconv.Atoi(res[1])
	case flows.SeatOffered:
		sec, _ := strconv.ParseInt(res[1], 10, 64)
		st.OfferExpires = time.Unix(sec, 0)
	case flows.SeatNone, flows.SeatClosed, flows.SeatUnknown, flows.SeatExpired:
	default:
		return flows.Seat{}, fmt.Errorf("unexpected RSVP answer %q", res)
	}
	return st, nil
}

// SeatOf tells where an alumnus stands for a meetup.
func (s *Store) SeatOf(ctx context.Context, meetup string, alumnus int64) (flows.Seat, error) {
	res, err := s.runRSVP(ctx, meetup, true, "state", alumnus).StringSlice()
	if err != nil {
		return flows.Seat{}, fmt.Errorf("seat of %d at %s: %w", alumnus, meetup, err)
	}
	return parseSeat(res)
}

// Availability counts a meetup's seats, offers and waitlist.
func (s *Store) Availability(ctx context.Context, meetup string) (flows.Availability, error) {
	res, err := s.runRSVP(ctx, meetup, true, "count", "-").Int64Slice()
	if err != nil || len(res) != 4 {
		return flows.Availability{}, fmt.Errorf("count seats of %s: %v %w", meetup, res, err)
	}
	return flows.Availability{Capacity: int(res[0]), Confirmed: int(res[1]), Offered: int(res[2]), Waitlisted: int(res[3])}, nil
}

// CancelRSVP gives up the alumnus's seat, offer or waitlist place. A freed seat of a published meetup
// is offered at once to the first waitlisted alumni (returned), whose offer runs until offerExpires.
// An error after the script (the notices are queued but their stream could not be registered; the
// sweep will) comes with the results.
func (s *Store) CancelRSVP(ctx context.Context, meetup string, alumnus int64, offerExpires time.Time) (was flows.SeatStatus, offered []int64, err error) {
	res, err := s.runRSVP(ctx, meetup, false, "cancel", alumnus, offerExpires.Unix()).StringSlice()
	if err != nil {
		return "", nil, fmt.Errorf("cancel %s for %d: %w", meetup, alumnus, err)
	}
	_ = s.forgetMine(ctx, alumnus, meetup) // on failure the index keeps a stale entry, which readers skip
	if offered, err = parseIDs(res[1:]); err != nil {
		return "", nil, err
	}
	if len(offered) > 0 {
		err = s.registerNotices(ctx, meetup)
	}
	return flows.SeatStatus(res[0]), offered, err
}

// ExpireOffers withdraws the offers that ran out by now and passes their seats on to the next
// waitlisted alumni of a published meetup, whose offers run until offerExpires. Like CancelRSVP, an
// error registering the queued notices comes with the results.
func (s *Store) ExpireOffers(ctx context.Context, meetup string, now, offerExpires time.Time) (expired, offered []int64, err error) {
	res, err := s.runRSVP(ctx, meetup, false, "expire", "-", now.Unix(), offerExpires.Unix()).StringSlice()
	if err != nil {
		return nil, nil, fmt.Errorf("expire offers of %s: %w", meetup, err)
	}
	for i, v := range res {
		if v == "|" {
			if expired, err = parseIDs(res[:i]); err != nil {
				return nil, nil, err
			}
			if offered, err = parseIDs(res[i+1:]); err != nil {
				return nil, nil, err
			}
			if len(expired)+len(offered) > 0 {
				err = s.registerNotices(ctx, meetup)
			}
			return expired, offered, err
		}
	}
	return nil, nil, fmt.Errorf("expire offers of %s: malformed answer", meetup)
}

func parseIDs(vs []string) ([]int64, error) {
	var out []int64
	for _, v := range vs {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("alumnus id %q: %w", v, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// CheckIn records that the holder of a check-in code came. With alumnus 0 the code alone decides (an
// organizer typed it); otherwise the code must be that alumnus's (a scanned, signed ticket).
func (s *Store) CheckIn(ctx context.Context, meetup string, alumnus int64, code string, now time.Time) (flows.CheckIn, error) {
	who := "-"
	if alumnus != 0 {
		who = strconv.FormatInt(alumnus, 10)
	}
	res, err := s.runRSVP(ctx, meetup, false, "checkin", who, strings.ToUpper(code), now.Unix()).StringSlice()
	if err != nil {
		return flows.CheckIn{}, fmt.Errorf("check in %s at %s: %w", code, meetup, err)
	}
	ci := flows.CheckIn{Status: flows.CheckInStatus(res[0])}
	if len(res) == 3 {
		ci.Alumnus, _ = strconv.ParseInt(res[1], 10, 64)
		sec, _ := strconv.ParseInt(res[2], 10, 64)
		ci.At = time.Unix(sec, 0)
	}
	return ci, nil
}
