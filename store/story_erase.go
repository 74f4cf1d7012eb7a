package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Personal data (/datasaya, /hapusdata): the stories part. As an author, an alumnus's stories are
// found through their index (ab:{stories}:by:<user>); as a moderator, the stories they decided are
// not indexed by moderator, so eraseStories reads every story hash (a SCAN matching the {stories}
// tag: a handful of stories per meetup, and erasures are rare).

// eraseStories forgets the alumnus as an author (ForgetStoriesOf: unpublished stories deleted,
// approved ones anonymised, queued messages and submit records dropped) and as a moderator (their id
// and name on the stories they decided, or were about to give a reason for, taken away; the decision
// stays). Running it again changes nothing more.
func (s *Store) eraseStories(ctx context.Context, user int64, _ time.Time) error {
	if _, err := s.ForgetStoriesOf(ctx, user); err != nil {
		return err
	}
	a := strconv.FormatInt(user, 10)
	err := s.scanKeys(ctx, s.storyTag()+"st:*", func(c redis.Cmdable, keys []string) error {
		return unmoderateScript.Run(ctx, c, keys, a).Err() // one batch, all in the {stories} slot
	})
	if err != nil {
		return fmt.Errorf("forget the moderation of %d: %w", user, err)
	}
	return nil
}

// unmoderateScript takes a moderator (ARGV[1]) off the stories KEYS: the decision stays, without who
// made it.
var unmoderateScript = redis.NewScript(`
for _, k in ipairs(KEYS) do
  local f = redis.call('HMGET', k, 'd', 'rj')
  if f[1] == ARGV[1] then redis.call('HSET', k, 'd', '0', 'dn', '') end
  if f[2] == ARGV[1] then redis.call('HDEL', k, 'rj') end
end
return 1`)

// storyData lists the alumnus's own stories as they are kept: text, training, photos' file ids,
// consent, status and the decision.
func (s *Store) storyData(ctx context.Context, user int64, out map[string]any) error {
	ids, err := s.StoriesOf(ctx, user)
	if err != nil {
		return err
	}
	sts, err := s.stories(ctx, ids)
	if err != nil {
		return err
	}
	var list []map[string]any
	for _, st := range sts {
		if st.Author != user {
			continue
		}
		rec := map[string]any{
			"id": st.ID, "text": st.Text, "status": string(st.Status), "consent": string(st.Consent),
			"name": st.Name, "province_code": st.Province, "regency_code": st.Regency, "wave": st.Wave,
			"sent_at": utc(st.Sent),
		}
		if st.Training != "" {
			rec["training"] = st.Training
		}
		if len(st.Photos) > 0 {
			rec["photo_file_ids"] = st.Photos
		}
		if !st.DecidedAt.IsZero() {
			rec["decided_at"] = utc(st.DecidedAt)
		}
		if st.Reason != "" {
			rec["reason"] = st.Reason
		}
		list = append(list, rec)
	}
	if len(list) > 0 {
		out["stories"] = list
	}
	return nil
}
