package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/alumnibot/alumnibot/store"
)

// reindex rebuilds the audience indexes from the profiles (store.Reindex): after a crash between a
// profile's commit and its index write, or when upgrading from a version without them.
func reindex(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	url := getenv("REDIS_URL")
	if url == "" {
		return errors.New("REDIS_URL is required, e.g. redis://localhost:6379/0")
	}
	rdb, err := store.Open(url, 4)
	if err != nil {
		return err
	}
	defer rdb.Close()
	prefix := getenv("REDIS_PREFIX")
	n, err := store.New(rdb, prefix).Reindex(ctx)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	fmt.Fprintf(stdout, "indexed %d active alumni\n", n)
	return nil
}
