package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// Outbox is where the notices to alumni wait: the RSVP script writes them with the change they report.
type Outbox interface {
	OutboxMeetups(ctx context.Context) ([]string, error)
	PeekNotices(ctx context.Context, meetup string, n int) ([]flows.Notice, error)
	DropNotices(ctx context.Context, meetup string, n int) error
	ClearOutboxMark(ctx context.Context, meetup string) error
	Meetup(ctx context.Context, id string) (*flows.Meetup, error)
	Profile(ctx context.Context, user int64) (*flows.Profile, error)
}

// noticeBatch is how many notices are read at once.
const noticeBatch = 50

// SendNotices sends every notice waiting in the outboxes. Only one replica may run it at a time (the
// scheduler's lock sees to that). A notice is dropped only after it was sent, so a crash repeats at
// most the one notice in flight.
func (b *Bot) SendNotices(ctx context.Context, ob Outbox, atlas *area.Atlas) error {
	ids, err := ob.OutboxMeetups(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := b.sendMeetupNotices(ctx, ob, atlas, id); err != nil {
			return err
		}
	}
	return nil
}

func (b *Bot) sendMeetupNotices(ctx context.Context, ob Outbox, atlas *area.Atlas, id string) error {
	m, err := ob.Meetup(ctx, id)
	if err != nil {
		return err
	}
	for {
		ns, err := ob.PeekNotices(ctx, id, noticeBatch)
		if err != nil {
			return err
		}
		if len(ns) == 0 {
			return ob.ClearOutboxMark(ctx, id)
		}
		for _, n := range ns {
			if m != nil { // a deleted meetup's notices are dropped unsent
				if err := b.sendNotice(ctx, ob, atlas, m, n); err != nil {
					return fmt.Errorf("notice %s to %d: %w", n.Kind, n.Alumnus, err)
				}
			}
			if err := ob.DropNotices(ctx, id, 1); err != nil {
				return err
			}
		}
	}
}

func (b *Bot) sendNotice(ctx context.Context, ob Outbox, atlas *area.Atlas, m *flows.Meetup, n flows.Notice) error {
	p, err := ob.Profile(ctx, n.Alumnus)
	if err != nil {
		return err
	}
	lang := locales.ID
	if p != nil && p.Lang != "" {
		lang = p.Lang
	}
	prov, _ := atlas.Province(m.Province)
	when := locales.FormatDateTime(m.Start.In(prov.Zone), lang, prov.ZoneName)
	if n.Kind == flows.NoticeOffer && m.Status == flows.MeetupCancelled {
		// A seat freed after the meetup was cancelled (an RSVP cancelled later still promotes the
		// waitlist) is no news worth sending: they were told of the cancellation.
		return nil
	}
	var r flows.Reply
	switch n.Kind {
	case flows.NoticeCancelled:
		r = flows.Reply{Text: locales.Msg("notice.cancelled", "Title", m.Title, "When", when)}
	case flows.NoticeOffer:
		r = flows.Reply{
			Text: locales.Msg("notice.offer", "Title", m.Title, "When", when,
				"Until", locales.FormatDateTime(n.Until.In(prov.Zone), lang, prov.ZoneName)),
			Buttons: [][]flows.Button{{
				flows.GlobalButton(locales.Msg("btn.claim"), "claim", m.ID),
				flows.GlobalButton(locales.Msg("btn.see_meetup"), "open", m.ID),
			}},
		}
	case flows.NoticeExpired:
		r = flows.Reply{Text: locales.Msg("notice.expired", "Title", m.Title)}
	case flows.NoticeChanged:
		r = flows.Reply{
			Text:    locales.Msg("notice.changed", "Title", m.Title, "When", when, "Venue", m.Venue.Name),
			Buttons: [][]flows.Button{{flows.GlobalButton(locales.Msg("btn.see_meetup"), "open", m.ID)}},
		}
	default:
		return nil // a kind this version does not know: skip rather than block the outbox
	}
	ib := inbound{chat: n.Alumnus, in: flows.Input{UserID: n.Alumnus}}
	err = b.reply(ctx, ib, lang, r)
	if errors.Is(err, ErrBlocked) {
		b.metrics.update("blocked")
		return b.cfg.Users.MarkInactive(ctx, n.Alumnus)
	}
	return err
}
