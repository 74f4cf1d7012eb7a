package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// MyData is everything the store keeps about a user, by part, for /datasaya: what EraseUser and Forget
// would take away. Parts added later (stories, surveys, reminders, …) add theirs to dataParts, beside
// their eraser. Values are plain JSON-ready maps and slices; times are RFC 3339 in UTC.
func (s *Store) MyData(ctx context.Context, user int64) (map[string]any, error) {
	out := map[string]any{"telegram_user_id": user}
	for _, part := range s.dataParts() {
		if err := part(ctx, user, out); err != nil {
			return nil, fmt.Errorf("data of %d: %w", user, err)
		}
	}
	return out, nil
}

// dataPart adds one part's records of a user to out.
type dataPart func(ctx context.Context, user int64, out map[string]any) error

func (s *Store) dataParts() []dataPart {
	return []dataPart{s.profileData, s.meetupData, s.feedbackData, s.roleData, s.conversationData,
		s.storyData, s.surveyData, s.remindData, s.organizerData}
}

func (s *Store) profileData(ctx context.Context, user int64, out map[string]any) error {
	p, err := s.Profile(ctx, user)
	if err != nil || p == nil {
		return err
	}
	prof := map[string]any{
		"name": p.Name, "province_code": p.Province, "regency_code": p.Regency, "wave": p.Wave,
		"language": string(p.Lang), "consent_at": utc(p.ConsentAt), "created_at": utc(p.CreatedAt),
		"active": p.Active,
	}
	if p.ReferredBy != 0 {
		prof["referred_by"] = p.ReferredBy
	}
	out["profile"] = prof
	n, err := s.rdb.SCard(ctx, s.userKey(user, "refs")).Result()
	if err != nil {
		return fmt.Errorf("count referrals: %w", err)
	}
	if n > 0 {
		out["alumni_you_invited"] = n // how many; who they are is their own data
	}
	return nil
}

// meetupData lists the meetups of the alumnus's index with where they stand at each: seat, offer or
// waitlist place, check-in code, check-in time.
func (s *Store) meetupData(ctx context.Context, user int64, out map[string]any) error {
	mt, err := s.rdb.HGet(ctx, s.userKey(user, "profile"), profileMeetups).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("read meetups index: %w", err)
	}
	var list []map[string]any
	for _, id := range strings.Fields(mt) {
		seat, err := s.SeatOf(ctx, id, user)
		if err != nil {
			return err
		}
		rec := map[string]any{"meetup": id, "place": string(seat.Status)}
		if m, err := s.Meetup(ctx, id); err != nil {
			return err
		} else if m != nil {
			rec["title"] = m.Title
		}
		if seat.Code != "" {
			rec["check_in_code"] = seat.Code
		}
		if seat.Position > 0 {
			rec["waiting_list_position"] = seat.Position
		}
		if !seat.OfferExpires.IsZero() {
			rec["offer_until"] = utc(seat.OfferExpires)
		}
		at, err := s.rdb.HGet(ctx, s.rsvpKeys(id)[9], strconv.FormatInt(user, 10)).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("read check-in at %s: %w", id, err)
		}
		if sec, err := strconv.ParseInt(at, 10, 64); err == nil {
			rec["checked_in_at"] = utc(time.Unix(sec, 0))
		}
		list = append(list, rec)
	}
	if len(list) > 0 {
		out["meetups"] = list
	}
	return nil
}

func (s *Store) roleData(ctx context.Context, user int64, out map[string]any) error {
	v, err := s.rdb.HGet(ctx, s.rolesKey(), strconv.FormatInt(user, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read role: %w", err)
	}
	role := map[string]any{"organizer": true}
	if v != "*" {
		role["province_code"] = v
	}
	out["organizer_role"] = role
	return nil
}

// conversationData is the conversation in progress (its flow and step), kept for ConvTTL.
func (s *Store) conversationData(ctx context.Context, user int64, out map[string]any) error {
	c, err := s.rdb.HGet(ctx, s.userKey(user, "conv"), "s").Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read conversation: %w", err)
	}
	out["conversation_state"] = c
	return nil
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
