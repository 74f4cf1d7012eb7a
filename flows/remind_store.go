package flows

import (
	"context"
	"time"
)

// ReminderPrefs is where alumni turn reminders on and off; store.Store is one. kind is
// ReminderMeetup or ReminderSeries with the event's id, or "" for every reminder at once.
type ReminderPrefs interface {
	SetReminders(ctx context.Context, kind, id string, alumnus int64, on bool) error
	RemindersOn(ctx context.Context, kind, id string, alumnus int64) (bool, error)
}

// SeriesStore keeps workshop series and their subscribers; store.Store is one.
type SeriesStore interface {
	Series(ctx context.Context, id string) (*Series, error)
	SeriesEndingAfter(ctx context.Context, t time.Time, limit int) ([]Series, error)
	CreateSeries(ctx context.Context, s Series) (bool, error)
	Subscribe(ctx context.Context, series string, alumnus int64, on bool) error
	Subscribed(ctx context.Context, series string, alumnus int64) (bool, error)
	MySeries(ctx context.Context, alumnus int64) ([]string, error)
}
