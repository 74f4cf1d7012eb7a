package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
)

// Organizer roles granted by super-admins:
//
//	ab:roles   hash  user id -> "*" (every province) or a province code   never expires
//
// Super-admins are not stored: they come from ADMIN_IDS at every start.

func (s *Store) rolesKey() string { return s.prefix + "roles" }

// OrganizerRole reads a user's granted role; the zero Role when none.
func (s *Store) OrganizerRole(ctx context.Context, user int64) (flows.Role, error) {
	v, err := s.rdb.HGet(ctx, s.rolesKey(), strconv.FormatInt(user, 10)).Result()
	if err != nil {
		if errors.Is(err, redis.Nil) {
			return flows.Role{}, nil
		}
		return flows.Role{}, fmt.Errorf("role of %d: %w", user, err)
	}
	r := flows.Role{Organizer: true}
	if v != "*" {
		r.Province = v
	}
	return r, nil
}

// Grant makes a user an organizer, of one province or ("" ) of all.
func (s *Store) Grant(ctx context.Context, user int64, province string) error {
	v := province
	if v == "" {
		v = "*"
	}
	if err := s.rdb.HSet(ctx, s.rolesKey(), strconv.FormatInt(user, 10), v).Err(); err != nil {
		return fmt.Errorf("grant %d: %w", user, err)
	}
	return nil
}

// Revoke takes the organizer role away; it reports whether there was one.
func (s *Store) Revoke(ctx context.Context, user int64) (bool, error) {
	n, err := s.rdb.HDel(ctx, s.rolesKey(), strconv.FormatInt(user, 10)).Result()
	if err != nil {
		return false, fmt.Errorf("revoke %d: %w", user, err)
	}
	return n > 0, nil
}

// Organizer is one granted role.
type Organizer = flows.Organizer

// Organizers lists the granted roles by user id.
func (s *Store) Organizers(ctx context.Context) ([]Organizer, error) {
	h, err := s.rdb.HGetAll(ctx, s.rolesKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("list organizers: %w", err)
	}
	out := make([]Organizer, 0, len(h))
	for k, v := range h {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			continue
		}
		if v == "*" {
			v = ""
		}
		out = append(out, Organizer{User: id, Province: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].User < out[j].User })
	return out, nil
}
