package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

func donutStory() flows.Story {
	return flows.Story{
		Author: 7, Name: "Vita", Province: "75", Regency: "75.71", Wave: 27, Training: "Digital Marketing",
		Text: "Aku buka toko donat.", Photos: []string{"AgAD1", "AgAD2"}, Consent: flows.ConsentNamed,
		Lang: "en", Sent: now,
	}
}

// storyQueue reads the entries of the stories lane's stream, changing nothing.
func storyQueue(t *testing.T, s *store.Store) []map[string]string {
	t.Helper()
	ctx := context.Background()
	qs, err := s.QueueStreams(ctx, store.StoriesLane)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, q := range qs {
		msgs, err := s.ReadQueue(ctx, store.StoriesLane, q, "peek", 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			out = append(out, map[string]string{"k": m.Fields["k"], "to": m.Fields["to"], "id": m.Fields["id"]})
			if err := s.AckQueue(ctx, store.StoriesLane, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

func TestSubmitStoryKeepsItOnceAndQueuesItForModeration(t *testing.T) {
	s := newStore(t)
	ctx := flows.WithOps(context.Background(), 7, 100)
	id, err := s.SubmitStory(ctx, donutStory(), -100123)
	if err != nil {
		t.Fatal(err)
	}
	// The same update again (a redelivery): the same story, nothing new queued.
	again, err := s.SubmitStory(flows.WithOps(context.Background(), 7, 100), donutStory(), -100123)
	if err != nil || again != id {
		t.Fatalf("re-run = %q, %v; want %q", again, err, id)
	}
	got, err := s.Story(context.Background(), id)
	if err != nil || got == nil {
		t.Fatalf("Story = %v, %v", got, err)
	}
	want := donutStory()
	want.ID, want.Status, want.Sent = id, flows.StoryPending, now.Local()
	if d := cmp.Diff(want, *got); d != "" {
		t.Errorf("story (-want +got):\n%s", d)
	}
	pending, err := s.PendingStories(context.Background(), 10)
	if err != nil || len(pending) != 1 || pending[0].ID != id {
		t.Errorf("PendingStories = %v, %v; want the story", pending, err)
	}
	mine, err := s.StoriesOf(context.Background(), 7)
	if err != nil || len(mine) != 1 || mine[0] != id {
		t.Errorf("StoriesOf = %v, %v", mine, err)
	}
	if d := cmp.Diff([]map[string]string{{"k": "mod", "to": "-100123", "id": id}}, storyQueue(t, s)); d != "" {
		t.Errorf("queued (-want +got):\n%s", d)
	}
	// Without a moderation chat nothing is queued.
	if _, err := s.SubmitStory(flows.WithOps(context.Background(), 7, 101), donutStory(), 0); err != nil {
		t.Fatal(err)
	}
	if q := storyQueue(t, s); len(q) != 0 {
		t.Errorf("queued without a moderation chat: %v", q)
	}
}

// Two moderators decide the same story at the same moment, one approving, one rejecting, many times
// over: exactly one wins each time, the outcome is stored once, and the author is told once.
func TestDecideStoryConcurrentOneOutcomeAuthorToldOnce(t *testing.T) {
	s := newStore(t)
	bg := context.Background()
	for round := range 20 {
		id, err := s.SubmitStory(flows.WithOps(bg, 7, int64(1000+round)), donutStory(), 0)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		ds := make([]flows.Decision, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := s.DecideStory(bg, id, i == 0, int64(900+i), []string{"Budi", "Ani"}[i], "bukan cerita", now)
				if err != nil {
					t.Error(err)
				}
				ds[i] = d
			}()
		}
		wg.Wait()
		if ds[0].Won == ds[1].Won {
			t.Fatalf("round %d: both or neither won: %+v", round, ds)
		}
		winner := 0
		if ds[1].Won {
			winner = 1
		}
		loser := ds[1-winner]
		if loser.By != int64(900+winner) || loser.ByName != []string{"Budi", "Ani"}[winner] {
			t.Errorf("round %d: the loser is told %+v; want the winner %d", round, loser, 900+winner)
		}
		st, _ := s.Story(bg, id)
		wantStatus := flows.StoryApproved
		if winner == 1 {
			wantStatus = flows.StoryRejected
		}
		if st.Status != wantStatus || st.DecidedBy != int64(900+winner) || loser.Status != wantStatus {
			t.Errorf("round %d: stored %s by %d, loser saw %s; want %s by %d", round, st.Status, st.DecidedBy, loser.Status, wantStatus, 900+winner)
		}
		q := storyQueue(t, s)
		if len(q) != 1 || q[0]["k"] != "told" || q[0]["to"] != "7" || q[0]["id"] != id {
			t.Errorf("round %d: queued %v; want the author told once", round, q)
		}
	}
	pending, _ := s.PendingStories(bg, 100)
	if len(pending) != 0 {
		t.Errorf("still pending: %d", len(pending))
	}
}

func TestDecideStoryRepeatedBySameModeratorIsTheirs(t *testing.T) {
	s := newStore(t)
	bg := context.Background()
	id, _ := s.SubmitStory(flows.WithOps(bg, 7, 1), donutStory(), 0)
	if ok, err := s.SetRejecting(bg, id, 900); !ok || err != nil {
		t.Fatalf("SetRejecting = %v, %v", ok, err)
	}
	if st, _ := s.Story(bg, id); st.Rejecting != 900 {
		t.Errorf("Rejecting = %d", st.Rejecting)
	}
	d1, err := s.DecideStory(bg, id, false, 900, "Budi", "Kurang jelas", now)
	if err != nil || !d1.Won {
		t.Fatalf("first = %+v, %v", d1, err)
	}
	d2, err := s.DecideStory(bg, id, false, 900, "Budi", "Kurang jelas", now)
	if err != nil || !d2.Won {
		t.Errorf("the same decision again = %+v, %v; want won", d2, err)
	}
	d3, _ := s.DecideStory(bg, id, true, 900, "Budi", "", now)
	if d3.Won || d3.Status != flows.StoryRejected {
		t.Errorf("the other decision after = %+v; want lost, rejected", d3)
	}
	if q := storyQueue(t, s); len(q) != 1 {
		t.Errorf("queued %d notifications; want 1", len(q))
	}
	st, _ := s.Story(bg, id)
	if st.Reason != "Kurang jelas" || st.Rejecting != 0 {
		t.Errorf("stored reason %q, rejecting %d", st.Reason, st.Rejecting)
	}
	if ok, _ := s.SetRejecting(bg, id, 901); ok {
		t.Error("SetRejecting on a decided story = true")
	}
	if d, err := s.DecideStory(bg, "nosuch", true, 900, "Budi", "", now); err != nil || d.Status != "" || d.Won {
		t.Errorf("deciding a missing story = %+v, %v", d, err)
	}
}

func TestApprovedStoriesAndModerationMessages(t *testing.T) {
	s := newStore(t)
	bg := context.Background()
	var ids []string
	for i := range 3 {
		id, _ := s.SubmitStory(flows.WithOps(bg, 7, int64(i+1)), donutStory(), 0)
		ids = append(ids, id)
	}
	for _, id := range []string{ids[2], ids[0]} {
		if _, err := s.DecideStory(bg, id, true, 900, "Budi", "", now); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := s.EachApprovedStory(bg, func(st flows.Story) error { got = append(got, st.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("approved = %v", got)
	}
	if err := s.NoteModerationMessage(bg, 55, ids[1]); err != nil {
		t.Fatal(err)
	}
	if id, err := s.StoryOfMessage(bg, 55); err != nil || id != ids[1] {
		t.Errorf("StoryOfMessage(55) = %q, %v", id, err)
	}
	if id, err := s.StoryOfMessage(bg, 56); err != nil || id != "" {
		t.Errorf("StoryOfMessage(56) = %q, %v", id, err)
	}
}

// A decision made anywhere is shown on the story's message in the moderation chat: the decision
// queues a "rekey" of that message once it is known.
func TestDecisionRekeysTheModerationMessage(t *testing.T) {
	s := newStore(t)
	bg := context.Background()
	id, _ := s.SubmitStory(flows.WithOps(bg, 7, 1), donutStory(), -100123)
	storyQueue(t, s) // the "mod" entry, sent
	if err := s.NoteModerationMessage(bg, 55, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideStory(bg, id, true, 900, "Budi", "", now); err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{{"k": "told", "to": "7", "id": id}, {"k": "rekey", "to": "-100123", "id": id}}
	if d := cmp.Diff(want, storyQueue(t, s)); d != "" {
		t.Errorf("queued (-want +got):\n%s", d)
	}
}

// After ForgetStoriesOf, a SCAN of every key and a search of every value finds the author's id nowhere:
// the unpublished stories are gone, the approved one is kept without its author, and nothing queued
// names them.
func TestForgetStoriesOfLeavesNoTrace(t *testing.T) {
	rs := redistest.Start(t)
	rdb := rs.Client(t)
	s := store.New(rdb, "")
	bg := context.Background()
	const author = 987654321
	mine := donutStory()
	mine.Author, mine.Name = author, "Vita Sari"
	var ids []string
	for i := range 3 {
		id, err := s.SubmitStory(flows.WithOps(bg, author, int64(i+1)), mine, -100123)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := s.NoteModerationMessage(bg, 41, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideStory(bg, ids[0], true, 900, "Budi", "", now); err != nil { // approved, told queued
		t.Fatal(err)
	}
	if _, err := s.DecideStory(bg, ids[1], false, 900, "Budi", "kurang", now); err != nil { // rejected
		t.Fatal(err)
	}
	other := donutStory()
	otherID, _ := s.SubmitStory(flows.WithOps(bg, 8, 1), other, -100123)

	got, err := s.ForgetStoriesOf(bg, author)
	if err != nil {
		t.Fatal(err)
	}
	if got.Deleted != 2 || got.Anonymised != 1 || got.Dropped < 3 {
		t.Errorf("forgot %+v; want 2 deleted, 1 anonymised, the queued messages dropped", got)
	}
	needle := "987654321"
	iter := rdb.Scan(bg, 0, "*", 1000).Iterator()
	for iter.Next(bg) {
		k := iter.Val()
		if strings.Contains(k, needle) {
			t.Errorf("key %s names the author", k)
		}
		var vals []string
		switch typ := rdb.Type(bg, k).Val(); typ {
		case "string":
			vals = []string{rdb.Get(bg, k).Val()}
		case "hash":
			for f, v := range rdb.HGetAll(bg, k).Val() {
				vals = append(vals, f, v)
			}
		case "set":
			vals = rdb.SMembers(bg, k).Val()
		case "zset":
			vals = rdb.ZRange(bg, k, 0, -1).Val()
		case "stream":
			for _, m := range rdb.XRange(bg, k, "-", "+").Val() {
				for f, v := range m.Values {
					vals = append(vals, f, fmt.Sprint(v))
				}
			}
		default:
			t.Fatalf("key %s of type %s", k, typ)
		}
		for _, v := range vals {
			if strings.Contains(v, needle) || strings.Contains(v, "Vita Sari") {
				t.Errorf("key %s holds %q", k, v)
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	kept, _ := s.Story(bg, ids[0])
	if kept == nil || kept.Status != flows.StoryApproved || kept.Author != 0 || kept.Name != "" || kept.Consent != flows.ConsentAnon || kept.Text != mine.Text {
		t.Errorf("the approved story = %+v; want it kept, anonymous", kept)
	}
	for _, id := range ids[1:] {
		if st, _ := s.Story(bg, id); st != nil {
			t.Errorf("unpublished story %s kept: %+v", id, st)
		}
	}
	if st, _ := s.Story(bg, otherID); st == nil || st.Status != flows.StoryPending {
		t.Errorf("another author's story = %+v", st)
	}
	if id, _ := s.StoryOfMessage(bg, 41); id != ids[0] {
		t.Errorf("the approved story's moderation message now shows %q", id)
	}
}
