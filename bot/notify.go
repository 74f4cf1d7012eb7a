package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// NoticesLane is the lane of notices to alumni: offers, expiries, meetup changes and cancellations.
// It is also the consumer group's name in the store (store.NoticesLane).
const NoticesLane = "notices"

// NoticeQueue is what the notices lane needs of the store: the queue, and the meetup and the alumnus
// a notice is about.
type NoticeQueue interface {
	Queue
	Meetup(ctx context.Context, id string) (*flows.Meetup, error)
	Profile(ctx context.Context, user int64) (*flows.Profile, error)
}

// NoticeRenderer says what a notice tells its alumnus; flows.App is the real one.
type NoticeRenderer interface {
	NoticeReply(n flows.Notice, m *flows.Meetup, p *flows.Profile, now time.Time) flows.Result
}

// NoticesLane builds the notices lane's consumer: Run it on every replica.
func (b *Bot) NoticesLane(q NoticeQueue, r NoticeRenderer, cfg LaneConfig) *Lane {
	cfg.Name, cfg.Queue = NoticesLane, q
	cfg.Deliver = func(ctx context.Context, m flows.Outbound) error { return b.deliverNotice(ctx, q, r, m) }
	return b.NewLane(cfg)
}

// SendNotices sends every notice waiting in the outbound queue now: one pass of the notices lane as
// this process's consumer.
func (b *Bot) SendNotices(ctx context.Context, q NoticeQueue, atlas *area.Atlas) error {
	return b.NoticesLane(q, &flows.App{Atlas: atlas}, LaneConfig{}).RunOnce(ctx)
}

// deliverNotice loads what a notice is about, asks the flows what to say, and sends it. A notice that
// does not decode or whose meetup is gone is a permanent failure; an alumnus who blocked the bot is
// marked inactive and the notice is done.
func (b *Bot) deliverNotice(ctx context.Context, q NoticeQueue, r NoticeRenderer, m flows.Outbound) error {
	n, err := flows.DecodeNotice(m.Fields)
	if err != nil {
		return Permanent(err)
	}
	mt, err := q.Meetup(ctx, n.Meetup)
	if err != nil {
		return err
	}
	if mt == nil {
		return Permanent(fmt.Errorf("notice %s to %d: meetup %s is gone", n.Kind, n.Alumnus, n.Meetup))
	}
	p, err := q.Profile(ctx, n.Alumnus)
	if err != nil {
		return err
	}
	res := r.NoticeReply(n, mt, p, b.cfg.Now())
	for _, rp := range res.Replies {
		err := b.sendOnce(ctx, n.Alumnus, res.Lang, rp)
		if errors.Is(err, ErrBlocked) {
			b.metrics.update("blocked")
			return b.cfg.Users.MarkInactive(ctx, n.Alumnus)
		}
		if err != nil {
			return fmt.Errorf("notice %s to %d: %w", n.Kind, n.Alumnus, err)
		}
	}
	return nil
}

// sendOnce makes one attempt at sending a text message with its buttons, for the outbound queue,
// which retries on its own terms. A 429 pauses every sender of the process, as in sender.do. Replies
// with a file are not for the queue yet: they go through the interactive path's retries.
func (b *Bot) sendOnce(ctx context.Context, chat int64, lang locales.Lang, r flows.Reply) error {
	if r.File != nil || r.Copy != nil || r.Photo != "" || r.Venue != nil {
		return b.reply(ctx, inbound{chat: chat, in: flows.Input{UserID: chat}}, lang, r)
	}
	if wait := time.Until(time.Unix(0, b.send.pausedUntil.Load())); wait > 0 {
		return &tg.TooManyRequestsError{Message: "paused", RetryAfter: int(wait.Seconds()) + 1}
	}
	p := &tg.SendMessageParams{ChatID: chat, Text: b.cfg.Catalog.Render(lang, r.Text)}
	if markup := b.keyboard(lang, r.Buttons); markup != nil {
		p.ReplyMarkup = markup
	}
	_, err := b.api.SendMessage(withoutResult(ctx), p)
	var flood *tg.TooManyRequestsError
	switch {
	case err == nil:
		b.metrics.apiCall("sendMessage", "ok")
	case errors.As(err, &flood):
		b.metrics.apiCall("sendMessage", "retry_after")
		b.send.pause(time.Duration(flood.RetryAfter) * time.Second)
	case errors.Is(err, tg.ErrorForbidden):
		b.metrics.apiCall("sendMessage", "forbidden")
		return errors.Join(ErrBlocked, err)
	case errors.Is(err, tg.ErrorBadRequest):
		b.metrics.apiCall("sendMessage", "rejected")
	case ctx.Err() == nil:
		b.metrics.apiCall("sendMessage", "server_error")
	}
	return err
}
