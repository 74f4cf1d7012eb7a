package meetupfile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// Writer is what applying a file needs of the store.
type Writer interface {
	Meetup(ctx context.Context, id string) (*flows.Meetup, error)
	WriteMeetup(ctx context.Context, m flows.Meetup, mode flows.WriteMode, fileSum string, now time.Time) (flows.Written, error)
	CancelMeetup(ctx context.Context, m flows.Meetup) (told int, err error)
}

// Apply brings the file's meetups into the store. The bot is the one writer of a meetup: a meetup not
// in the store yet is created; one that is there changes only where the file's version of it changed
// since it was last applied, and then as /buatacara would change it (checked against the seats taken,
// holders told of a new date, time or venue once). So every replica may apply the file at every start,
// and edits made in the bot stand until the file itself changes that meetup. A cancellation is for
// good: a meetup cancelled in the bot stays cancelled, one the file cancels tells its alumni.
// Meetups the store refuses (fewer seats than taken, cancelled) are logged and left as they are.
func Apply(ctx context.Context, w Writer, ms []flows.Meetup, now time.Time, log *slog.Logger) error {
	for _, m := range ms {
		if m.Status == flows.MeetupCancelled {
			old, err := w.Meetup(ctx, m.ID)
			if err != nil {
				return err
			}
			if old != nil && old.Status != flows.MeetupCancelled {
				if _, err := w.CancelMeetup(ctx, *old); err != nil && !errors.Is(err, flows.ErrCancelledBefore) {
					return fmt.Errorf("cancel %s: %w", m.ID, err)
				}
			}
			continue
		}
		sum, err := Sum(m)
		if err != nil {
			return err
		}
		res, err := w.WriteMeetup(ctx, m, flows.WriteFile, sum, now)
		if err != nil {
			return err
		}
		switch res.Status {
		case flows.WriteSaved, flows.WriteUnchanged:
			if res.Told > 0 {
				log.Info("meetup changed by the file; holders told", "meetup", m.ID, "told", res.Told)
			}
		case flows.WriteGone:
			log.Warn("the file lists a cancelled meetup as not cancelled; it stays cancelled", "meetup", m.ID)
		case flows.WriteBelowTaken:
			log.Error("the file gives a meetup fewer seats than alumni hold; it keeps its seats", "meetup", m.ID, "capacity", m.Capacity, "taken", res.Taken)
		case flows.WriteHasHolders:
			log.Error("the file makes a meetup a draft while alumni hold a place; it stays published", "meetup", m.ID)
		default:
			log.Error("the file's meetup was not applied", "meetup", m.ID, "outcome", res.Status)
		}
	}
	return nil
}

// Sum identifies the file's version of a meetup: the same meetup written differently (comments,
// order, spacing) has the same sum.
func Sum(m flows.Meetup) (string, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode meetup %s: %w", m.ID, err)
	}
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:16]), nil
}
