package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// eraseOpsLua ends an erasure script: it deletes the operation records listed in the zset KEYS[2]
// whose key holds ":op:<alumnus ARGV[1]>:", and takes them off the zset.
const eraseOpsLua = `
local mine = ':op:' .. ARGV[1] .. ':'
for _, k in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if string.find(k, mine, 1, true) then
    redis.call('DEL', k)
    redis.call('ZREM', KEYS[2], k)
  end
end
return 1`

// eraseEach runs an erasure script (its data key KEYS[1] = tag+data, its ops zset KEYS[2] = tag+"ops",
// ARGV[1] the alumnus) under the hash tag of every name; what names the step in the error.
func (s *Store) eraseEach(ctx context.Context, sc *redis.Script, user int64, names []string,
	tag func(string) string, data, what string) error {
	a := strconv.FormatInt(user, 10)
	for _, n := range names {
		t := tag(n)
		if err := sc.Run(ctx, s.rdb, []string{t + data, t + "ops"}, a).Err(); err != nil {
			return fmt.Errorf("%s %s: %w", what, n, err)
		}
	}
	return nil
}
