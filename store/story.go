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
	"github.com/alumnibot/alumnibot/locales"
)

// Success stories live under one hash tag, {stories}, so that a story, the moderation indexes, the
// author's index and the stories' outbound stream change together in one script (story.lua), on
// Redis Cluster too. There are few enough stories (a handful per meetup) for one slot.
//
//	ab:{stories}:st:<id>      hash    the story (fields: storyFields)
//	ab:{stories}:pending      zset    ids waiting for a decision, by when sent (unix s)
//	ab:{stories}:approved     zset    approved ids, by when approved (unix s)
//	ab:{stories}:by:<user>    set     the ids of an author's stories (data rights: /datasaya, /hapusdata)
//	ab:{stories}:msgs         hash    message id in the moderation chat -> story id
//	ab:{stories}:q            stream  the stories lane: k "mod" (show story id to chat to) or "told"
//	                                  (tell author to the outcome of story id); see bot/moderation_lane.go
//	ab:{stories}:op:<op>      string  the id a submit operation made      expires OpTTL

//go:embed story.lua
var storyLua string
var storyScript = redis.NewScript(storyLua)

// StoriesLane is the outbound lane of stories: to the moderation chat, and outcomes to their authors.
const StoriesLane = "stories"

// storyFields are the story hash's fields:
//
//	a author · n name · p province · r regency · w wave · tr training · x text · ph photo ids (space
//	separated) · c consent · l lang · s status · t sent (unix s) · d decided by · dn their name ·
//	dt decided (unix s) · why reason · rj moderator giving a reason in the moderation chat · mc the
//	moderation chat it was sent to · mm its message there
func (s *Store) storyTag() string          { return s.prefix + "{stories}:" }
func (s *Store) storyKey(id string) string { return s.storyTag() + "st:" + id }
func (s *Store) storyQueue() string        { return s.storyTag() + "q" }
func (s *Store) storyAuthorKey(user int64) string {
	return s.storyTag() + "by:" + strconv.FormatInt(user, 10)
}

func (s *Store) storyKeys(id string, author int64, op string) []string {
	t := s.storyTag()
	// Without an operation the record's key is never written (the script gets no TTL), but it is
	// still a key of the tag: Redis Cluster refuses a script with a key of another slot.
	return []string{s.storyKey(id), t + "pending", t + "approved", s.storyAuthorKey(author), s.storyQueue(), t + "op:" + op}
}

// SubmitStory keeps a new pending story and, when modChat is set, queues it for the moderation chat
// in the same script. A re-run of the same update (the same operation id) returns the first story's id.
func (s *Store) SubmitStory(ctx context.Context, st flows.Story, modChat int64) (string, error) {
	ctx = pinOp(ctx)
	op := opOf(ctx)
	ttl := int64(0)
	if op != "" {
		ttl = OpTTL.Milliseconds()
	}
	for range 20 {
		id := strings.ToLower(s.codes())
		args := []any{"submit", id, st.Author, modChat, st.Sent.Unix(), ttl,
			"a", st.Author, "n", st.Name, "p", st.Province, "r", st.Regency, "w", st.Wave, "tr", st.Training,
			"x", st.Text, "ph", strings.Join(st.Photos, " "), "c", string(st.Consent), "l", string(st.Lang),
			"s", string(flows.StoryPending), "t", st.Sent.Unix()}
		if modChat != 0 {
			args = append(args, "mc", modChat)
		}
		res, err := storyScript.Run(ctx, s.rdb, s.storyKeys(id, st.Author, op), args...).StringSlice()
		if err != nil {
			return "", fmt.Errorf("submit a story of %d: %w", st.Author, err)
		}
		if res[0] == "taken" {
			continue
		}
		if modChat != 0 {
			if err := s.registerStories(ctx); err != nil {
				return "", err
			}
		}
		return res[1], nil
	}
	return "", fmt.Errorf("submit a story of %d: no free id", st.Author)
}

// registerStories lists the stories' stream in its lane's registry (after each script that queued).
func (s *Store) registerStories(ctx context.Context) error {
	if err := s.rdb.SAdd(ctx, s.queueRegistry(StoriesLane), s.storyQueue()).Err(); err != nil {
		return fmt.Errorf("register the stories queue: %w", err)
	}
	return nil
}

// SweepStoryQueue lists the stories' stream in its lane's registry again if it holds messages: a
// registration lost to a crash between a script and its SADD strands nothing past one sweep.
func (s *Store) SweepStoryQueue(ctx context.Context) error {
	n, err := s.rdb.XLen(ctx, s.storyQueue()).Result()
	if err != nil {
		return fmt.Errorf("sweep the stories queue: %w", err)
	}
	if n == 0 {
		return nil
	}
	return s.registerStories(ctx)
}

// Story reads a story; nil when there is none.
func (s *Store) Story(ctx context.Context, id string) (*flows.Story, error) {
	if id == "" {
		return nil, nil
	}
	h, err := s.rdb.HGetAll(ctx, s.storyKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("read story %s: %w", id, err)
	}
	if len(h) == 0 {
		return nil, nil
	}
	return decodeStory(id, h), nil
}

func decodeStory(id string, h map[string]string) *flows.Story {
	num := func(k string) int64 { n, _ := strconv.ParseInt(h[k], 10, 64); return n }
	when := func(k string) time.Time {
		if n := num(k); n != 0 {
			return time.Unix(n, 0)
		}
		return time.Time{}
	}
	st := &flows.Story{
		ID: id, Author: num("a"), Name: h["n"], Province: h["p"], Regency: h["r"], Wave: int(num("w")),
		Training: h["tr"], Text: h["x"], Photos: strings.Fields(h["ph"]), Consent: flows.Consent(h["c"]),
		Lang: locales.Lang(h["l"]), Status: flows.StoryStatus(h["s"]), Sent: when("t"),
		DecidedBy: num("d"), DecidedName: h["dn"], DecidedAt: when("dt"), Reason: h["why"], Rejecting: num("rj"),
	}
	return st
}

// stories reads stories by id, in order, in one round trip; ids without a story are left out.
func (s *Store) stories(ctx context.Context, ids []string) ([]flows.Story, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, s.storyKey(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("read stories: %w", err)
	}
	out := make([]flows.Story, 0, len(ids))
	for i, id := range ids {
		if h := cmds[i].Val(); len(h) > 0 {
			out = append(out, *decodeStory(id, h))
		}
	}
	return out, nil
}

// PendingStories lists up to n stories waiting for a decision, the oldest first.
func (s *Store) PendingStories(ctx context.Context, n int) ([]flows.Story, error) {
	ids, err := s.rdb.ZRange(ctx, s.storyTag()+"pending", 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("list pending stories: %w", err)
	}
	return s.stories(ctx, ids)
}

// EachApprovedStory calls fn for every approved story, the earliest approved first, reading them a
// chunk at a time so that memory stays bounded whatever their number.
func (s *Store) EachApprovedStory(ctx context.Context, fn func(flows.Story) error) error {
	const chunk = 200
	for start := int64(0); ; start += chunk {
		ids, err := s.rdb.ZRange(ctx, s.storyTag()+"approved", start, start+chunk-1).Result()
		if err != nil {
			return fmt.Errorf("list approved stories: %w", err)
		}
		sts, err := s.stories(ctx, ids)
		if err != nil {
			return err
		}
		for _, st := range sts {
			if err := fn(st); err != nil {
				return err
			}
		}
		if len(ids) < chunk {
			return nil
		}
	}
}

// StoriesOf lists the ids of an author's stories (for the alumnus's own data).
func (s *Store) StoriesOf(ctx context.Context, user int64) ([]string, error) {
	return s.members(ctx, s.storyAuthorKey(user), "stories of %d", user)
}

// DecideStory approves or rejects a pending story in one script, which also queues the author's
// notification: the first decision wins, a later one (or one at the same moment) learns who made it.
// The same moderator deciding the same again (a redelivered press) is told they won, and nothing is
// queued twice.
func (s *Store) DecideStory(ctx context.Context, id string, approve bool, by int64, byName, reason string, now time.Time) (flows.Decision, error) {
	status := flows.StoryRejected
	if approve {
		status = flows.StoryApproved
	}
	keys := s.storyKeys(id, 0, "")
	res, err := storyScript.Run(ctx, s.rdb, keys, "decide", id, string(status), by, byName, reason, now.Unix()).StringSlice()
	if err != nil {
		return flows.Decision{}, fmt.Errorf("decide story %s: %w", id, err)
	}
	d := flows.Decision{Status: flows.StoryStatus(res[1]), ByName: res[3]}
	d.By, _ = strconv.ParseInt(res[2], 10, 64)
	switch res[0] {
	case "gone":
		return flows.Decision{}, nil
	case "ok":
		d.Won = true
		if err := s.registerStories(ctx); err != nil {
			return flows.Decision{}, err
		}
	case "decided":
		d.Won = d.By == by && d.Status == status
	}
	return d, nil
}

// SetRejecting notes (by != 0) or clears (by == 0) the moderator about to give a reason for a
// rejection; false when the story is not pending.
func (s *Store) SetRejecting(ctx context.Context, id string, by int64) (bool, error) {
	n, err := storyScript.Run(ctx, s.rdb, s.storyKeys(id, 0, ""), "rejecting", by).Int()
	if err != nil {
		return false, fmt.Errorf("reject story %s: %w", id, err)
	}
	return n == 1, nil
}

// NoteModerationMessage records which story a message of the moderation chat shows, so that a reply
// to it (a rejection's reason) finds the story, and a decision made elsewhere (/moderasi) is shown on it.
func (s *Store) NoteModerationMessage(ctx context.Context, message int, id string) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.storyTag()+"msgs", strconv.Itoa(message), id)
		p.HSet(ctx, s.storyKey(id), "mm", message)
		return nil
	})
	if err != nil {
		return fmt.Errorf("note moderation message %d of story %s: %w", message, id, err)
	}
	return nil
}

// NoteModerationReply records that a message of the moderation chat (the bot asking for a rejection's
// reason) is about a story, so that a reply to it finds the story; the story's own message stays the
// one its outcome is shown on.
func (s *Store) NoteModerationReply(ctx context.Context, message int, id string) error {
	if err := s.rdb.HSet(ctx, s.storyTag()+"msgs", strconv.Itoa(message), id).Err(); err != nil {
		return fmt.Errorf("note moderation message %d of story %s: %w", message, id, err)
	}
	return nil
}

// StoryOfMessage is the story a message of the moderation chat shows; "" for none.
func (s *Store) StoryOfMessage(ctx context.Context, message int) (string, error) {
	id, err := s.rdb.HGet(ctx, s.storyTag()+"msgs", strconv.Itoa(message)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("story of moderation message %d: %w", message, err)
	}
	return id, nil
}
