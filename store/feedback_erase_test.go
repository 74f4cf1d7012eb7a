package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// namedIn lists the keys outside the user's own ({u:<id>}, which the commit and Forget take) whose
// name or content holds the id.
func namedIn(t *testing.T, rdb redis.UniversalClient, id string) []string {
	t.Helper()
	var out []string
	othersKeys(t, rdb, id, func(k, content string) {
		if strings.Contains(k, id) || strings.Contains(content, id) {
			out = append(out, k)
		}
	})
	return out
}

func TestEraseFeedbackLeavesNothingNamingThem(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	s := store.New(rdb, "")
	const vita, hujaipah = 987654, 2
	end := now.Add(24 * time.Hour)
	m := flows.Meetup{ID: "jambi", Title: "Temu Alumni Jambi", Province: "15", Regency: "15.71",
		Start: now.Add(time.Hour), End: now.Add(2 * time.Hour), Capacity: 10, Status: flows.MeetupPublished}
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	for _, a := range []int64{vita, hujaipah} {
		seat, err := s.Reserve(ctx, m.ID, a, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckIn(ctx, m.ID, a, seat.Code, now); err != nil {
			t.Fatal(err)
		}
	}
	m.Start, m.End = end.Add(-time.Hour), end
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AskFeedback(ctx, end.Add(time.Hour)); err != nil { // both questions wait in the queue
		t.Fatal(err)
	}
	for _, a := range []int64{vita, hujaipah} {
		op := flows.WithOps(ctx, a, 5)
		if _, err := s.Rate(op, m.ID, a, 4, end.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Comment(op, m.ID, a, "Seru", end.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.AddSuggestion(op, flows.Suggestion{Alumnus: a, Province: "15", Regency: "15.71", Text: "Workshop lagi dong", At: end}); err != nil {
			t.Fatal(err)
		}
	}
	data := map[string]any{}
	if err := s.FeedbackData(ctx, vita, data); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(data); !strings.Contains(got, "rating:4") || !strings.Contains(got, "comment:Seru") || !strings.Contains(got, "Workshop lagi dong") {
		t.Fatalf("data: %s", got)
	}
	if len(namedIn(t, rdb, "987654")) == 0 {
		t.Fatal("nothing names the alumnus before the erasure: the check would not notice")
	}
	// The RSVP part (store/erase.go, elsewhere) takes the check-in and the ticket; here only the
	// feedback part runs, so those two keys are left out of the check.
	if err := s.EraseFeedback(ctx, vita, end); err != nil {
		t.Fatal(err)
	}
	if err := s.EraseFeedback(ctx, vita, end); err != nil { // again: nothing more, no error
		t.Fatal(err)
	}
	var left []string
	for _, k := range namedIn(t, rdb, "987654") {
		if !strings.HasSuffix(k, ":checkins") && !strings.HasSuffix(k, ":tickets") && !strings.HasSuffix(k, ":codes") &&
			!strings.HasSuffix(k, ":going") {
			left = append(left, k)
		}
	}
	if len(left) > 0 {
		t.Fatalf("after erasing, these still name the alumnus: %v", left)
	}
	// Hujaipah's are untouched; the counts stay.
	r, _ := s.Ratings(ctx, m.ID)
	cs, _ := s.FeedbackComments(ctx, m.ID)
	ss, _ := s.Suggestions(ctx, "15", 10)
	if r.Count() != 2 || len(cs) != 1 || cs[0].Alumnus != hujaipah || len(ss) != 1 || ss[0].Alumnus != hujaipah {
		t.Fatalf("after erasing Vita: ratings %+v, comments %+v, suggestions %+v", r, cs, ss)
	}
	data = map[string]any{}
	if err := s.FeedbackData(ctx, vita, data); err != nil || len(data) != 0 {
		t.Fatalf("data after erasing: %v %v", data, err)
	}
}
