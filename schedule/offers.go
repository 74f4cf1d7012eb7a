package schedule

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// Offers is what passing on expired offers needs of the store.
type Offers interface {
	MeetupsEndingAfter(ctx context.Context, t time.Time, limit int) ([]flows.Meetup, error)
	ExpireOffers(ctx context.Context, meetup string, now, offerExpires time.Time) (expired, offered []int64, err error)
}

// ExpireOffers withdraws the offers that ran out and offers their seats to the next waitlisted alumni
// of every meetup not yet over. The RSVP script queues the notices for both.
func ExpireOffers(st Offers, log *slog.Logger) func(ctx context.Context, now time.Time) error {
	return func(ctx context.Context, now time.Time) error {
		ms, err := st.MeetupsEndingAfter(ctx, now, 1000)
		if err != nil {
			return err
		}
		var errs []error // one meetup's failure does not hold the others' seats
		for _, m := range ms {
			if m.Status != flows.MeetupPublished {
				continue
			}
			expired, offered, err := st.ExpireOffers(ctx, m.ID, now, flows.OfferExpiry(m, now))
			if err != nil {
				errs = append(errs, err)
			}
			if len(expired)+len(offered) > 0 {
				log.Info("offers passed on", "meetup", m.ID, "expired", len(expired), "offered", len(offered))
			}
		}
		return errors.Join(errs...)
	}
}
