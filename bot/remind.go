package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// The reminders' kinds of the bulk lane (bot/bulk.go). The scheduler's reminder job claims each
// (reminder, alumnus) and queues its entry in the same script (store/remind.lua):
//
//	k=rm  to=<chat>  m=<meetup>  at=<due, unix s>         a meetup's reminder to a seat holder
//	k=ws  to=<chat>  s=<series>  at=<due, unix s>         a workshop session's reminder to a subscriber
//
// What is said is decided when it is sent: a seat given up, reminders turned off, a series
// unfollowed or a meetup cancelled since the claim make the entry a Skip.

// Reminder kinds' names in the bulk lane.
const (
	KindMeetupReminder  = "rm"
	KindSessionReminder = "ws"
)

// ReminderSource is what the reminder kinds read; store.Store is one.
type ReminderSource interface {
	Meetup(ctx context.Context, id string) (*flows.Meetup, error)
	Series(ctx context.Context, id string) (*flows.Series, error)
	Profile(ctx context.Context, user int64) (*flows.Profile, error)
	SeatOf(ctx context.Context, meetup string, alumnus int64) (flows.Seat, error)
	RemindersOn(ctx context.Context, kind, id string, alumnus int64) (bool, error)
	Subscribed(ctx context.Context, series string, alumnus int64) (bool, error)
	ReminderOutcome(ctx context.Context, kind, id string, at time.Time, alumnus int64, outcome string) error
}

// ReminderRenderer says what a reminder tells its alumnus; flows.App is the real one.
type ReminderRenderer interface {
	MeetupReminder(m *flows.Meetup, p *flows.Profile, now time.Time) flows.Result
	SessionReminder(s *flows.Series, session time.Time, p *flows.Profile, now time.Time) flows.Result
}

// ReminderKinds are the bulk lane's kinds for reminders, by name. now is the clock (nil: time.Now).
func ReminderKinds(src ReminderSource, r ReminderRenderer, now func() time.Time) map[string]BulkKind {
	if now == nil {
		now = time.Now
	}
	return map[string]BulkKind{
		KindMeetupReminder:  meetupReminderKind{src, r, now},
		KindSessionReminder: sessionReminderKind{src, r, now},
	}
}

// reminderEntry is an entry's own fields: the chat, the event's id and the due time.
func reminderEntry(m flows.Outbound, field string) (chat int64, id string, at time.Time, err error) {
	chat, err = strconv.ParseInt(m.Fields["to"], 10, 64)
	if err != nil {
		return 0, "", at, Permanent(fmt.Errorf("reminder entry %s: chat %q", m.ID, m.Fields["to"]))
	}
	id = m.Fields[field]
	sec, err := strconv.ParseInt(m.Fields["at"], 10, 64)
	if id == "" || err != nil {
		return 0, "", at, Permanent(fmt.Errorf("reminder entry %s: %s %q at %q", m.ID, field, id, m.Fields["at"]))
	}
	return chat, id, time.Unix(sec, 0), nil
}

// remindersOn says whether the alumnus still wants this reminder: all of them on, and this event's.
func remindersOn(ctx context.Context, src ReminderSource, kind, id string, chat int64) (bool, error) {
	all, err := src.RemindersOn(ctx, "", "", chat)
	if err != nil || !all {
		return false, err
	}
	return src.RemindersOn(ctx, kind, id, chat)
}

type meetupReminderKind struct {
	src ReminderSource
	r   ReminderRenderer
	now func() time.Time
}

func (k meetupReminderKind) Message(ctx context.Context, m flows.Outbound) (BulkMessage, error) {
	chat, id, _, err := reminderEntry(m, "m")
	if err != nil {
		return BulkMessage{}, err
	}
	skip := BulkMessage{Chat: chat, Skip: true}
	mt, err := k.src.Meetup(ctx, id)
	if err != nil || mt == nil {
		return skip, err
	}
	seat, err := k.src.SeatOf(ctx, id, chat)
	if err != nil || seat.Status != flows.SeatConfirmed {
		return skip, err
	}
	if on, err := remindersOn(ctx, k.src, flows.ReminderMeetup, id, chat); err != nil || !on {
		return skip, err
	}
	p, err := k.src.Profile(ctx, chat)
	if err != nil {
		return skip, err
	}
	res := k.r.MeetupReminder(mt, p, k.now())
	if len(res.Replies) == 0 { // cancelled, or started: nothing worth saying
		return skip, nil
	}
	return BulkMessage{Chat: chat, Lang: res.Lang, Reply: res.Replies[0]}, nil
}

func (k meetupReminderKind) Done(ctx context.Context, m flows.Outbound, o BulkOutcome) error {
	chat, id, at, err := reminderEntry(m, "m")
	if err != nil {
		return nil // nothing to record for an entry that never decoded
	}
	return k.src.ReminderOutcome(ctx, flows.ReminderMeetup, id, at, chat, string(o))
}

type sessionReminderKind struct {
	src ReminderSource
	r   ReminderRenderer
	now func() time.Time
}

func (k sessionReminderKind) Message(ctx context.Context, m flows.Outbound) (BulkMessage, error) {
	chat, id, at, err := reminderEntry(m, "s")
	if err != nil {
		return BulkMessage{}, err
	}
	skip := BulkMessage{Chat: chat, Skip: true}
	s, err := k.src.Series(ctx, id)
	if err != nil || s == nil {
		return skip, err
	}
	if sub, err := k.src.Subscribed(ctx, id, chat); err != nil || !sub {
		return skip, err
	}
	if on, err := remindersOn(ctx, k.src, flows.ReminderSeries, id, chat); err != nil || !on {
		return skip, err
	}
	p, err := k.src.Profile(ctx, chat)
	if err != nil {
		return skip, err
	}
	res := k.r.SessionReminder(s, at.Add(s.Reminder()), p, k.now())
	if len(res.Replies) == 0 {
		return skip, nil
	}
	return BulkMessage{Chat: chat, Lang: res.Lang, Reply: res.Replies[0]}, nil
}

func (k sessionReminderKind) Done(ctx context.Context, m flows.Outbound, o BulkOutcome) error {
	chat, id, at, err := reminderEntry(m, "s")
	if err != nil {
		return nil
	}
	return k.src.ReminderOutcome(ctx, flows.ReminderSeries, id, at, chat, string(o))
}
