package flows

import (
	"context"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// Story is an alumnus's success story, as sent to the panitia.
type Story struct {
	ID       string       `json:"id"`
	Author   int64        `json:"author"`
	Name     string       `json:"name"` // the author's profile name when sent (shown only with consent)
	Province string       `json:"province"`
	Regency  string       `json:"regency"`
	Wave     int          `json:"wave"`
	Training string       `json:"training,omitempty"`
	Text     string       `json:"text"`
	Photos   []string     `json:"photos,omitempty"` // Telegram file ids, the largest size
	Consent  Consent      `json:"consent"`
	Lang     locales.Lang `json:"lang"` // the author's language: they are told the outcome in it
	Status   StoryStatus  `json:"status"`
	Sent     time.Time    `json:"sent"`
	// The decision, once made.
	DecidedBy   int64     `json:"decided_by,omitempty"`
	DecidedName string    `json:"decided_name,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Reason      string    `json:"reason,omitempty"` // why it was rejected, as the moderator wrote it
	// Rejecting is the moderator who pressed Reject in the moderation chat and may reply with a reason.
	Rejecting int64 `json:"-"`
}

// Consent is what the author allows to be published.
type Consent string

// Consents.
const (
	ConsentNamed   Consent = "named"   // publish with the author's name
	ConsentAnon    Consent = "anon"    // publish without the name
	ConsentPrivate Consent = "private" // for the panitia only: never published, never exported
)

func (c Consent) valid() bool { return c == ConsentNamed || c == ConsentAnon || c == ConsentPrivate }

// StoryStatus is where a story is in moderation.
type StoryStatus string

// Story statuses.
const (
	StoryPending  StoryStatus = "pending"
	StoryApproved StoryStatus = "approved"
	StoryRejected StoryStatus = "rejected"
)

// Decision is the outcome of a moderator's approve or reject.
type Decision struct {
	// Won says the call decided the story, or repeated its own earlier decision (a redelivered press):
	// the author is told once either way, since telling is queued with the first decision.
	Won    bool
	Status StoryStatus // the story's status now; "" when the story does not exist
	By     int64       // who decided
	ByName string
}

// Stories is where stories are kept; store.Store is one.
type Stories interface {
	// SubmitStory keeps a new pending story and queues it for the moderation chat (0: none) in the same
	// step; it returns the story's id. Under one operation id (NextOp) it keeps one story.
	SubmitStory(ctx context.Context, s Story, modChat int64) (string, error)
	// Story reads a story; nil when there is none.
	Story(ctx context.Context, id string) (*Story, error)
	// PendingStories lists up to n stories waiting for a decision, the oldest first.
	PendingStories(ctx context.Context, n int) ([]Story, error)
	// DecideStory approves or rejects a pending story atomically, queueing the author's notification
	// in the same step: of two moderators at once one wins, the other learns who decided.
	DecideStory(ctx context.Context, id string, approve bool, by int64, byName, reason string, now time.Time) (Decision, error)
	// SetRejecting notes (by != 0) or clears (by == 0) the moderator about to give a reason for a
	// rejection in the moderation chat; false when the story is no longer pending.
	SetRejecting(ctx context.Context, id string, by int64) (bool, error)
	// StoryOfMessage is the story a message of the moderation chat shows; "" for none.
	StoryOfMessage(ctx context.Context, message int) (string, error)
}
