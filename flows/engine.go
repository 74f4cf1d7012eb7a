package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// Errors a Sessions implementation returns from Commit.
var (
	ErrConflict = errors.New("session changed meanwhile") // another replica applied an input first
	ErrApplied  = errors.New("update already applied")
)

// Sessions is what the engine needs of the session store.
//
// The replies of an applied update are kept until they are known sent, and their sending is claimed
// by one replica at a time for a while (a lease): Commit claims it for the replica that applied the
// update; Load claims it for a replica that finds the update applied and its replies unsent and
// unclaimed (their holder died, or gave them up with Undelivered). So two replicas holding the same
// update at once send its replies once.
type Sessions interface {
	// Load reads a chat's session, whether the update was already applied, and counts the input
	// towards the user's flood window. For an applied update it claims the replies if they are unsent
	// and unclaimed and returns them as Result (nil: sent, or claimed by another replica). For a new
	// update it returns the unsent, unclaimed replies of the chat's earlier updates as Undelivered.
	Load(ctx context.Context, user, update int64, now time.Time) (Loaded, error)
	// Commit records the update as applied together with its result (claimed for sending by the
	// caller) and stores next, atomically, provided the session is still at version and the carried
	// updates' replies are still unclaimed. It returns ErrConflict or ErrApplied otherwise.
	Commit(ctx context.Context, c Commit) error
	// Undelivered gives up the claim on an applied update's replies, which could not be sent: a
	// redelivery of the update or the chat's next update sends them.
	Undelivered(ctx context.Context, user, update int64) error
	// Delivered drops the kept replies of updates that were sent.
	Delivered(ctx context.Context, ds ...Delivery) error
	// Sent notes that the first n replies of an applied update went out, so that a replay after a
	// crash sends only the rest.
	Sent(ctx context.Context, user, update int64, n int) error
	// Forget deletes a chat's conversation and its records: the end of an erasure (Result.Forget).
	Forget(ctx context.Context, user int64, now time.Time) error
	// Renew extends the caller's claim on an applied update's replies, still being sent, to
	// now+ClaimTTL.
	Renew(ctx context.Context, user, update int64, now time.Time) error
}

// A replica holds the sending of an update's replies for ClaimTTL and renews the claim every
// ClaimRenewal while it is still sending (Engine.Hold): a slow send (a long 429 pause, a large upload)
// keeps its replies, and the replies of a replica that died are sent by another within ClaimTTL. The
// claim outlasts two missed renewals, so a Redis that hangs for a few seconds does not lose it.
const (
	ClaimTTL     = 15 * time.Second
	ClaimRenewal = ClaimTTL / 3
)

// Loaded is a session as read from the store.
type Loaded struct {
	Session Session
	Version int64  // opaque to the engine; handed back to Commit
	Applied bool   // the update was applied before
	Result  []byte // the applied update's result, if this Load claimed its unsent replies
	Sent    int    // how many of Result's replies went out before (Sessions.Sent)
	// HeldUntil is set for an applied update whose unsent replies another replica claimed: it may
	// still be sending them, or have died; after this time they may be claimed again.
	HeldUntil time.Time
	Recent    int // inputs of this user in the current flood window, this one included

	// Undelivered are earlier updates of the chat whose replies were not sent (sending failed, or
	// their holder died) and nobody holds, oldest first.
	Undelivered []Pending
}

// Pending is an applied update whose replies were not sent.
type Pending struct {
	Update int64
	Result []byte
	Sent   int // how many of its replies went out before
}

// Commit is one applied update.
type Commit struct {
	User, Update int64
	Version      int64
	Prev, Next   Session
	Result       []byte    // the Result, kept until it is known sent, so a redelivery can repeat it
	Carries      []int64   // earlier updates whose unsent replies Result carries: their records go
	Now          time.Time // the claim on sending Result runs from now
}

// Flood control: more than FloodLimit inputs in one FloodWindow and the rest of the window is
// dropped; the first dropped input gets a warning that says so, a dropped tap a short pop-up.
const (
	FloodLimit  = 20
	FloodWindow = 10 * time.Second
)

// Engine applies inputs to sessions exactly once: it loads a chat's session, runs the App's step and
// commits the new session with the update's id and result in one atomic write. Callers must apply one
// chat's inputs one after another; replicas racing on one chat are resolved by retrying the step.
type Engine struct {
	App      *App
	Sessions Sessions
	// NoFloodLimit turns flood control off: for the console, one person at a keyboard whose script
	// may send many lines at once.
	NoFloodLimit bool
}

// Outcome is what to do after Handle.
type Outcome struct {
	Result
	// Skipped says why the input changed nothing: "duplicate" (applied before; Replies holds what
	// it said if that was not sent yet), "held" (applied before, and another replica holds the sending
	// of its replies: the caller should offer the update again after HeldUntil, in case that replica
	// died), "flood"; "" when it was applied now.
	Skipped   string
	HeldUntil time.Time
	// SentBefore is how many replies of the update's recorded result went out before a replay:
	// Replies starts after them, and Sent counts from the recorded result's start.
	SentBefore int
}

// Handle applies one input. On error nothing was applied and the caller should apologise.
func (e *Engine) Handle(ctx context.Context, in Input) (Outcome, error) {
	for attempt := 0; ; attempt++ {
		out, err := e.try(ctx, in)
		if (errors.Is(err, ErrConflict) || errors.Is(err, ErrApplied)) && attempt < 4 {
			continue
		}
		return out, err
	}
}

func (e *Engine) try(ctx context.Context, in Input) (Outcome, error) {
	ctx = WithOps(ctx, in.UserID, in.UpdateID) // every attempt draws the same operation ids
	l, err := e.Sessions.Load(ctx, in.UserID, in.UpdateID, in.Now)
	if err != nil {
		return Outcome{}, err
	}
	if l.Applied {
		// A redelivered update: repeat what it said if that has not reached the user and nobody else
		// is sending it (Load claimed it): a crash between sending and dropping the record repeats it,
		// at most once per crash.
		out := Outcome{Skipped: "duplicate"}
		if len(l.Result) == 0 && !l.HeldUntil.IsZero() {
			return Outcome{Skipped: "held", HeldUntil: l.HeldUntil}, nil
		}
		if len(l.Result) > 0 {
			if err := json.Unmarshal(l.Result, &out.Result); err != nil {
				return Outcome{}, fmt.Errorf("decode recorded result of update %d: %w", in.UpdateID, err)
			}
			out.SentBefore = min(l.Sent, len(out.Replies))
			out.Replies = out.Replies[out.SentBefore:] // what went out before is not repeated
		}
		return out, nil
	}
	if l.Recent > FloodLimit && !e.NoFloodLimit {
		out := Outcome{Skipped: "flood", Result: Result{Lang: l.Session.lang(in)}}
		if l.Recent == FloodLimit+1 {
			out.Replies = []Reply{{Text: locales.Common.SlowDown}}
		}
		return out, nil
	}
	next, res, err := e.App.Step(ctx, l.Session, in)
	if err != nil {
		return Outcome{}, fmt.Errorf("step update %d of %d: %w", in.UpdateID, in.UserID, err)
	}
	var carries []int64
	var earlier []Reply
	for _, p := range l.Undelivered {
		// Replies that could not be sent before go first: late, but not lost. They answered an older
		// message, so they are sent anew rather than edited into the message of this update's button.
		carries = append(carries, p.Update)
		var r Result
		if err := json.Unmarshal(p.Result, &r); err != nil { // unreadable: not worth failing for
			continue
		}
		r.Replies = r.Replies[min(p.Sent, len(r.Replies)):]
		for i := range r.Replies {
			r.Replies[i].Edit = false
		}
		earlier = append(earlier, r.Replies...)
	}
	if len(earlier) > 0 {
		res.Replies = append(earlier, res.Replies...)
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return Outcome{}, fmt.Errorf("encode result of update %d: %w", in.UpdateID, err)
	}
	err = e.Sessions.Commit(ctx, Commit{
		User: in.UserID, Update: in.UpdateID, Version: l.Version,
		Prev: l.Session, Next: next, Result: raw, Carries: carries, Now: in.Now,
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("commit update %d of %d: %w", in.UpdateID, in.UserID, err)
	}
	return Outcome{Result: res}, nil
}

// Delivery names one update of one chat.
type Delivery struct{ User, Update int64 }

// Forget deletes the conversation records of an input's chat whose user's data was erased, once its
// replies went out.
func (e *Engine) Forget(ctx context.Context, in Input) error {
	return e.Sessions.Forget(ctx, in.UserID, in.Now)
}

// Delivered notes that the replies of these inputs were sent: a redelivery of them repeats nothing,
// and their claims end.
func (e *Engine) Delivered(ctx context.Context, ins ...Input) error {
	ds := make([]Delivery, len(ins))
	for i, in := range ins {
		ds[i] = Delivery{User: in.UserID, Update: in.UpdateID}
	}
	return e.Sessions.Delivered(ctx, ds...)
}

// Sent notes that the first n replies handed out for in went out, so that a replay after a crash
// repeats at most the one being sent.
func (e *Engine) Sent(ctx context.Context, in Input, n int) error {
	return e.Sessions.Sent(ctx, in.UserID, in.UpdateID, n)
}

// Hold renews this replica's claim on the replies of in while they are being sent (see ClaimTTL).
func (e *Engine) Hold(ctx context.Context, in Input, now time.Time) error {
	return e.Sessions.Renew(ctx, in.UserID, in.UpdateID, now)
}

// Undelivered notes that the replies of in, applied, could not be sent: the claim on them ends, and a
// redelivery of in or the chat's next update sends them.
func (e *Engine) Undelivered(ctx context.Context, in Input) error {
	return e.Sessions.Undelivered(ctx, in.UserID, in.UpdateID)
}
