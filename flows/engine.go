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
type Sessions interface {
	// Load reads a chat's session, whether the update was already applied, and counts the input
	// towards the user's flood window.
	Load(ctx context.Context, user, update int64, now time.Time) (Loaded, error)
	// Commit records the update as applied together with its result and stores next, atomically,
	// provided the session is still at version. It returns ErrConflict or ErrApplied otherwise.
	Commit(ctx context.Context, c Commit) error
	// Delivered notes that the updates' results reached the user, so a redelivery does not repeat them.
	Delivered(ctx context.Context, user int64, updates ...int64) error
}

// Loaded is a session as read from the store.
type Loaded struct {
	Session Session
	Version int64  // opaque to the engine; handed back to Commit
	Applied bool   // the update was applied before
	Result  []byte // the applied update's recorded result while it is not known to be delivered
	Recent  int    // inputs of this user in the current flood window, this one included

	// An earlier update of the chat whose result was never confirmed delivered (sending failed).
	Undelivered       []byte
	UndeliveredUpdate int64
}

// Commit is one applied update.
type Commit struct {
	User, Update int64
	Version      int64
	Prev, Next   Session
	Result       []byte // the Result, kept until Delivered so a crash before sending can be repaired
	Now          time.Time
}

// Flood control: more than FloodLimit inputs in one FloodWindow and the rest of the window is
// answered once with a warning and then dropped.
const (
	FloodLimit  = 20
	FloodWindow = 10 * time.Second
)

// Engine applies inputs to sessions exactly once: it loads a chat's session, runs the App's step and
// commits the new session with a de-duplication marker in one atomic write. Callers must apply one
// chat's inputs one after another; replicas racing on one chat are resolved by retrying the step.
type Engine struct {
	App      *App
	Sessions Sessions
}

// Outcome is what to do after Handle.
type Outcome struct {
	Result
	Ack     bool   // call Delivered once the Result was sent
	Skipped string // why the input changed nothing: "duplicate", "flood"; "" when it was applied

	// Earlier is the result of an earlier update that never reached the user, to send first: a reply is
	// late rather than lost when the Bot API failed past its retries.
	Earlier       *Result
	EarlierUpdate int64
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
	l, err := e.Sessions.Load(ctx, in.UserID, in.UpdateID, in.Now)
	if err != nil {
		return Outcome{}, err
	}
	if l.Applied {
		// A redelivered update: repeat what it said if that may not have reached the user.
		out := Outcome{Skipped: "duplicate"}
		if len(l.Result) > 0 {
			if err := json.Unmarshal(l.Result, &out.Result); err != nil {
				return Outcome{}, fmt.Errorf("decode recorded result of update %d: %w", in.UpdateID, err)
			}
			out.Ack = true
		}
		return out, nil
	}
	if l.Recent > FloodLimit {
		out := Outcome{Skipped: "flood", Result: Result{Lang: l.Session.lang(in)}}
		if l.Recent == FloodLimit+1 {
			out.Replies = []Reply{{Text: locales.Common.SlowDown}}
		}
		return out, nil
	}
	var earlier *Result
	if l.Undelivered != nil {
		earlier = new(Result)
		if err := json.Unmarshal(l.Undelivered, earlier); err != nil {
			earlier = nil // an unreadable old result is not worth failing the new input for
		}
	}
	next, res, err := e.App.Step(ctx, l.Session, in)
	if err != nil {
		return Outcome{}, fmt.Errorf("step update %d of %d: %w", in.UpdateID, in.UserID, err)
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return Outcome{}, fmt.Errorf("encode result of update %d: %w", in.UpdateID, err)
	}
	err = e.Sessions.Commit(ctx, Commit{
		User: in.UserID, Update: in.UpdateID, Version: l.Version,
		Prev: l.Session, Next: next, Result: raw, Now: in.Now,
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("commit update %d of %d: %w", in.UpdateID, in.UserID, err)
	}
	out := Outcome{Result: res, Ack: true}
	if earlier != nil {
		out.Earlier, out.EarlierUpdate = earlier, l.UndeliveredUpdate
	}
	return out, nil
}

// Delivered notes that the outcome of in, earlier results included, reached the user.
func (e *Engine) Delivered(ctx context.Context, in Input, out Outcome) error {
	if out.Earlier != nil {
		return e.Sessions.Delivered(ctx, in.UserID, in.UpdateID, out.EarlierUpdate)
	}
	return e.Sessions.Delivered(ctx, in.UserID, in.UpdateID)
}
