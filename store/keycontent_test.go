package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// othersKeys calls fn with every key outside user id's own hash tag ({u:<id>}, which the commit and
// Forget take) and what it holds (keyContent).
func othersKeys(t *testing.T, rdb redis.UniversalClient, id string, fn func(k, content string)) {
	t.Helper()
	keys, err := rdb.Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !strings.Contains(k, "{u:"+id+"}") {
			fn(k, keyContent(t, rdb, k))
		}
	}
}

// keyContent renders what key k holds as text, for the checks that nothing still names an erased
// alumnus: a stream by its entries' fields (not their ids, whose digits may hold anything).
func keyContent(t *testing.T, rdb redis.UniversalClient, k string) string {
	t.Helper()
	ctx := context.Background()
	var content string
	switch rdb.Type(ctx, k).Val() {
	case "string":
		content = rdb.Get(ctx, k).Val()
	case "hash":
		content = fmt.Sprint(rdb.HGetAll(ctx, k).Val())
	case "set":
		content = fmt.Sprint(rdb.SMembers(ctx, k).Val())
	case "zset":
		content = fmt.Sprint(rdb.ZRange(ctx, k, 0, -1).Val())
	case "list":
		content = fmt.Sprint(rdb.LRange(ctx, k, 0, -1).Val())
	case "stream":
		for _, m := range rdb.XRange(ctx, k, "-", "+").Val() {
			content += fmt.Sprint(m.Values)
		}
	}
	return content
}
