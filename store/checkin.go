package store

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Reads for the check-in desk and meetup cancellation, over the RSVP keys of rsvp.go. Cancelling a
// meetup also sets two fields of its info hash:
//
//	ab:{mt:<id>}:info   status "cancelled", cancel_told "1" once the cancellation notices are queued
//
// and queues "cancelled" notices in its outbound queue stream.

// FindCode tells which alumnus holds a check-in code at a meetup, checking nobody in. The code is
// matched in upper case, as tickets show it.
func (s *Store) FindCode(ctx context.Context, meetup, code string) (alumnus int64, ok bool, err error) {
	v, err := s.rdb.HGet(ctx, s.rsvpKeys(meetup)[6], strings.ToUpper(code)).Result()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("find code %s at %s: %w", code, meetup, err)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("find code %s at %s: holder %q: %w", code, meetup, v, err)
	}
	return id, true, nil
}

// CheckedInAt tells whether and when an alumnus was checked in at a meetup.
func (s *Store) CheckedInAt(ctx context.Context, meetup string, alumnus int64) (time.Time, bool, error) {
	v, err := s.rdb.HGet(ctx, s.rsvpKeys(meetup)[9], strconv.FormatInt(alumnus, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("check-in of %d at %s: %w", alumnus, meetup, err)
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("check-in of %d at %s: time %q: %w", alumnus, meetup, v, err)
	}
	return time.Unix(sec, 0), true, nil
}

// ErrNoMeetup is returned for a meetup the store does not know.
var ErrNoMeetup = errors.New("no such meetup")

// CancelMeetup cancels a meetup: in one script its RSVPs close and every alumnus holding a seat, an
// offer or a waitlist place gets one "cancelled" notice in the outbound queue, offers and the waiting
// list are withdrawn (no seat is handed out or passed on any more); then the meetup is saved with
// status cancelled. A meetup cancelled before answers flows.ErrCancelledBefore and tells nobody again;
// under an update the first answer is kept for a re-run. told is the number of notices queued.
func (s *Store) CancelMeetup(ctx context.Context, m flows.Meetup) (told int, err error) {
	res, err := s.runRSVP(ctx, m.ID, false, "cancel_meetup", "-").StringSlice()
	if err != nil {
		return 0, fmt.Errorf("cancel meetup %s: %w", m.ID, err)
	}
	switch res[0] {
	case "unknown":
		return 0, fmt.Errorf("cancel meetup %s: %w", m.ID, ErrNoMeetup)
	case "already":
		err = flows.ErrCancelledBefore
	default:
		if told, _ = strconv.Atoi(res[1]); told > 0 {
			if err := s.registerNotices(ctx, m.ID); err != nil {
				return told, err
			}
		}
	}
	// The RSVPs are closed already; the meetup's own record follows. Should this fail, the meetup
	// still looks published until the organizer tries again, but nobody can RSVP and nobody is told twice.
	m.Status = flows.MeetupCancelled
	if err := s.SaveMeetup(ctx, m); err != nil {
		return told, err
	}
	return told, err
}
