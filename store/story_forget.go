package store

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

//go:embed story_forget.lua
var storyForgetLua string
var storyForgetScript = redis.NewScript(storyForgetLua)

// ForgottenStories counts what ForgetStoriesOf did.
type ForgottenStories struct {
	Deleted    int // pending, rejected and not-for-publication stories, deleted
	Anonymised int // approved stories kept for publication without their author
	Dropped    int // queued messages to the author or about a deleted story
}

// ForgetStoriesOf removes an author from the stories (/hapusdata, UU 27/2022): their unpublished stories
// are deleted, their approved ones kept anonymous (no author id, name or regency), messages queued to
// them or about a deleted story dropped, their index and the records of their submit operations (whose
// keys hold their id) deleted. Moderators' own ids on stories they decided are not touched.
func (s *Store) ForgetStoriesOf(ctx context.Context, user int64) (ForgottenStories, error) {
	var out ForgottenStories
	ids, err := s.StoriesOf(ctx, user)
	if err != nil {
		return out, err
	}
	t := s.storyTag()
	keys := []string{s.storyAuthorKey(user), t + "pending", t + "approved", t + "msgs", s.storyQueue()}
	args := []any{user}
	for _, id := range ids {
		keys = append(keys, s.storyKey(id))
		args = append(args, id)
	}
	res, err := storyForgetScript.Run(ctx, s.rdb, keys, args...).Int64Slice()
	if err != nil {
		return out, fmt.Errorf("forget the stories of %d: %w", user, err)
	}
	out = ForgottenStories{Deleted: int(res[0]), Anonymised: int(res[1]), Dropped: int(res[2])}
	// Operation records ("<user>:<update>:<n>") expire on their own within OpTTL; they go now.
	err = s.scanKeys(ctx, t+"op:"+strconv.FormatInt(user, 10)+":*", func(c redis.Cmdable, keys []string) error {
		return c.Unlink(ctx, keys...).Err() // one batch, all in the {stories} slot
	})
	if err != nil {
		return out, fmt.Errorf("forget the story operations of %d: %w", user, err)
	}
	return out, nil
}
