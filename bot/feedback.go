package bot

import (
	"context"
	"fmt"
	"strconv"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// FeedbackKind is the bulk lane's kind "fb": the question "Bagaimana acaranya?" that the store
// queues (store/feedback.lua) for each alumnus who checked in at a meetup, an hour after it ended.
// Its entries carry k "fb", to (the alumnus) and m (the meetup). Register it with the bulk lane under
// FeedbackKindName.
type FeedbackKind struct {
	Store FeedbackSource
	App   FeedbackAsker
}

// FeedbackKindName is the kind's name in the bulk lane's entries (field k).
const FeedbackKindName = "fb"

// FeedbackSource is what the kind reads: the meetup asked about and the alumnus's language.
type FeedbackSource interface {
	Meetup(ctx context.Context, id string) (*flows.Meetup, error)
	Profile(ctx context.Context, user int64) (*flows.Profile, error)
}

// FeedbackAsker words the question; flows.App is the real one.
type FeedbackAsker interface {
	FeedbackQuestion(user int64, m *flows.Meetup) flows.Reply
}

var _ BulkKind = FeedbackKind{}

// Message is the question for one entry. A meetup gone or cancelled since, or an alumnus who deleted
// their data, has nothing to send (Skip); an entry that does not decode is a permanent failure.
func (k FeedbackKind) Message(ctx context.Context, m flows.Outbound) (BulkMessage, error) {
	to, err := strconv.ParseInt(m.Fields["to"], 10, 64)
	if err != nil || m.Fields["m"] == "" {
		return BulkMessage{}, Permanent(fmt.Errorf("feedback entry %s: to %q, meetup %q", m.ID, m.Fields["to"], m.Fields["m"]))
	}
	mt, err := k.Store.Meetup(ctx, m.Fields["m"])
	if err != nil {
		return BulkMessage{}, err
	}
	if mt == nil || mt.Status == flows.MeetupCancelled {
		return BulkMessage{Chat: to, Skip: true}, nil
	}
	p, err := k.Store.Profile(ctx, to)
	if err != nil {
		return BulkMessage{}, err
	}
	if p == nil {
		return BulkMessage{Chat: to, Skip: true}, nil
	}
	lang := p.Lang
	if lang == "" {
		lang = locales.ID
	}
	return BulkMessage{Chat: to, Lang: lang, Reply: k.App.FeedbackQuestion(to, mt)}, nil
}

// Done records nothing: the claim made when the question was queued is the record that it was asked,
// and the lane counts the outcomes by kind.
func (FeedbackKind) Done(context.Context, flows.Outbound, BulkOutcome) error { return nil }
