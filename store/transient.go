package store

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/redis/go-redis/v9"
)

// Transient reports whether err, from a store call, is one that the same call made again may not
// meet: the network or a timeout between the bot and Redis, or Redis saying it cannot serve now
// (loading its data, failing over, a cluster reshaping, a script running too long). Anything else (a
// bug, bad data) fails the same way every time.
func Transient(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrPoolTimeout) ||
		redis.IsLoadingError(err) || redis.IsTryAgainError(err) || redis.IsClusterDownError(err) ||
		redis.IsMasterDownError(err) || redis.IsReadOnlyError(err) || redis.HasErrorPrefix(err, "BUSY ")
}
