package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// Notices are what the bot tells alumni on its own: a seat offered, an offer run out, a meetup changed
// or cancelled. The store writes each one to the outbound queue in the same script as the change it
// reports; the transport takes it from the queue, asks NoticeReply what to say and sends it.

// NoticeVersion is the version of a notice's encoding in the outbound queue (the "v" field).
const NoticeVersion = "1"

// A notice in the outbound queue is a stream entry of flat string fields (version 1):
//
//	v        "1"
//	kind     a NoticeKind: offer, expired, cancelled, changed
//	alumnus  Telegram user id, decimal
//	meetup   meetup id
//	until    offers only: when the offer runs out, unix seconds
//
// A reader ignores fields it does not know, so a later version may add some; a version it does not
// know, a kind it does not know or a missing field makes the entry undecodable (dead-lettered).

// Fields encodes a notice as an outbound queue entry.
func (n Notice) Fields() map[string]string {
	f := map[string]string{"v": NoticeVersion, "kind": string(n.Kind),
		"alumnus": strconv.FormatInt(n.Alumnus, 10), "meetup": n.Meetup}
	if !n.Until.IsZero() {
		f["until"] = strconv.FormatInt(n.Until.Unix(), 10)
	}
	return f
}

// ErrBadNotice is wrapped by DecodeNotice's errors.
var ErrBadNotice = errors.New("undecodable notice")

// DecodeNotice reads a notice from an outbound queue entry.
func DecodeNotice(f map[string]string) (Notice, error) {
	bad := func(why string) (Notice, error) {
		return Notice{}, fmt.Errorf("%w: %s", ErrBadNotice, why)
	}
	if f["v"] != NoticeVersion {
		return bad(fmt.Sprintf("version %q", f["v"]))
	}
	n := Notice{Kind: NoticeKind(f["kind"]), Meetup: f["meetup"]}
	switch n.Kind {
	case NoticeOffer, NoticeExpired, NoticeCancelled, NoticeChanged:
	default:
		return bad(fmt.Sprintf("kind %q", f["kind"]))
	}
	if n.Meetup == "" {
		return bad("no meetup")
	}
	a, err := strconv.ParseInt(f["alumnus"], 10, 64)
	if err != nil {
		return bad(fmt.Sprintf("alumnus %q", f["alumnus"]))
	}
	n.Alumnus = a
	if n.Kind == NoticeOffer {
		sec, err := strconv.ParseInt(f["until"], 10, 64)
		if err != nil {
			return bad(fmt.Sprintf("until %q", f["until"]))
		}
		n.Until = time.Unix(sec, 0)
	}
	return n, nil
}

// Outbound is one message of the outbound queue as a consumer holds it.
type Outbound struct {
	Queue      string            // the stream it waits in: a store key, opaque to everyone else
	ID         string            // its id in that stream ("<unix ms>-<seq>")
	Deliveries int64             // how often it was handed to a consumer, this time included
	Fields     map[string]string // the message, e.g. a Notice's Fields
}

// Enqueued is when the message was queued, read from its stream id.
func (o Outbound) Enqueued() time.Time {
	ms, err := strconv.ParseInt(strings.SplitN(o.ID, "-", 2)[0], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// QueueStats describes the messages of one lane of the outbound queue that are not done yet.
type QueueStats struct {
	Pending int64     // queued or handed out and not yet acknowledged
	Oldest  time.Time // when the oldest of them was queued; zero when there is none
}

// DeadLetter is a message the outbound queue gave up on, with why.
type DeadLetter struct {
	Lane     string
	Queue    string
	ID       string
	Attempts int64
	Error    string
	At       time.Time
	Fields   map[string]string
}

// NoticeReply is what to tell the alumnus of a notice about meetup m: the message in their language
// (p may be nil: Indonesian) with its buttons. A result without replies means there is nothing worth
// sending, such as a seat freed in a meetup that was cancelled since (they were told of the
// cancellation). now is when it is sent: an offer's deadline is said relative to it when near.
func (a *App) NoticeReply(n Notice, m *Meetup, p *Profile, now time.Time) Result {
	lang := locales.ID
	if p != nil && p.Lang != "" {
		lang = p.Lang
	}
	res := Result{Lang: lang}
	if m == nil || (n.Kind == NoticeOffer && m.Status == MeetupCancelled) {
		return res
	}
	when := meetupWhen(a, m, lang)
	var r Reply
	switch n.Kind {
	case NoticeCancelled:
		r = Reply{Text: locales.Msg("notice.cancelled", "Title", m.Title, "When", when), Buttons: forward("")}
	case NoticeOffer:
		r = Reply{
			Text: locales.Msg("notice.offer", "Title", m.Title, "When", when, "Until", deadline(a, m, n.Until, now, lang)),
			Buttons: [][]Button{{
				GlobalButton(locales.Msg("btn.claim"), "claim", m.ID),
				GlobalButton(locales.Msg("btn.see_meetup"), "open", m.ID),
			}},
		}
	case NoticeExpired:
		r = Reply{Text: locales.Msg("notice.expired", "Title", m.Title), Buttons: forward(m.ID)}
	case NoticeChanged:
		r = Reply{
			Text:    locales.Msg("notice.changed", "Title", m.Title, "When", when, "Venue", m.Venue.Name),
			Buttons: forward(m.ID),
		}
	default:
		return res
	}
	res.Replies = []Reply{r}
	return res
}
