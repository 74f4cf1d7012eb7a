package store

import (
	"context"
	"fmt"
)

// Command menus set in Telegram (setMyCommands), so that each is set once rather than by every replica
// at every start:
//
//	ab:menus   hash  scope ("default" or an organizer's chat id) -> digest of the menu set there
//
// It never expires: it mirrors what Telegram keeps.

func (s *Store) menusKey() string { return s.prefix + "menus" }

// Menus returns the digest of the menu set in each scope.
func (s *Store) Menus(ctx context.Context) (map[string]string, error) {
	m, err := s.rdb.HGetAll(ctx, s.menusKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("command menus set: %w", err)
	}
	return m, nil
}

// SetMenu records that the menu with this digest was set in scope.
func (s *Store) SetMenu(ctx context.Context, scope, digest string) error {
	if err := s.rdb.HSet(ctx, s.menusKey(), scope, digest).Err(); err != nil {
		return fmt.Errorf("record command menu of %s: %w", scope, err)
	}
	return nil
}

// ForgetMenu records that scope has no menu of its own any more.
func (s *Store) ForgetMenu(ctx context.Context, scope string) error {
	if err := s.rdb.HDel(ctx, s.menusKey(), scope).Err(); err != nil {
		return fmt.Errorf("forget command menu of %s: %w", scope, err)
	}
	return nil
}
