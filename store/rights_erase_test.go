package store_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// holdsID lists the keys outside the user's own hash tag whose name or content holds the id as a whole
// number (stream entry ids and timestamps may contain its digits).
func holdsID(t *testing.T, rdb redis.UniversalClient, user int64) []string {
	t.Helper()
	id := strconv.FormatInt(user, 10)
	whole := func(s string) bool {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
			if f == id {
				return true
			}
		}
		return false
	}
	var out []string
	othersKeys(t, rdb, id, func(k, content string) {
		if whole(k) || whole(content) {
			out = append(out, k+": "+content[:min(len(content), 200)])
		}
	})
	return out
}

// feedAndSend plays the broadcast runner and the bulk lane to the end of a job.
func feedAndSend(t *testing.T, s *store.Store, id string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for range 100 {
		if _, err := s.Feed(context.Background(), id, 100, 100, now); err != nil {
			t.Fatal(err)
		}
		if drain(t, s, id, "c", got, false) == 0 {
			if job, _ := s.Broadcast(context.Background(), id); job.State == flows.BcDone {
				return got
			}
		}
	}
	t.Fatalf("job %s never ended", id)
	return nil
}

// Alumni erased while an announcement is being sent or built: out of the stream, the chunks and the
// audience, counted as skipped so that the job still ends with every recipient accounted for.
func TestEraseTakesAlumniOutOfAnnouncements(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	s := store.New(rdb, "")
	for u := int64(1); u <= 640; u++ { // ten in every shard
		onboard(t, s, 800000+u, nil, alumnus(strconv.Itoa(11+int(u)%4), 1+int(u)%50), 0)
	}
	all := flows.Audience{Kind: flows.AudAll}

	// Sending: one recipient's entry waits in the stream, another's is still in the last chunk.
	const queued, unfed = 800064, 800063 // shards 0 and 63
	if _, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "ba", Organizer: 9, Audience: all}, now); err != nil {
		t.Fatal(err)
	}
	if done, err := s.BuildBroadcast(ctx, "ba", now); !done || err != nil {
		t.Fatalf("build = %v, %v", done, err)
	}
	if n, err := s.Feed(ctx, "ba", 100, 5, now); err != nil || n != 5 { // half of shard 0's chunk
		t.Fatalf("feed = %d, %v", n, err)
	}
	for _, u := range []int64{queued, unfed} {
		if err := s.EraseUser(ctx, u, now); err != nil {
			t.Fatal(err)
		}
		if err := s.EraseUser(ctx, u, now); err != nil { // again: nothing more
			t.Fatal(err)
		}
	}
	got := feedAndSend(t, s, "ba")
	job, _ := s.Broadcast(ctx, "ba")
	if got[strconv.Itoa(queued)]+got[strconv.Itoa(unfed)] != 0 || job.Total != 640 || job.Sent != 638 || job.Skipped != 2 {
		t.Errorf("after erasing two: sent to them %d, %d; job sent %d skipped %d of %d, want 638 and 2 of 640",
			got[strconv.Itoa(queued)], got[strconv.Itoa(unfed)], job.Sent, job.Skipped, job.Total)
	}

	// Building: one is in a chunk already written, the other's shard not reached yet.
	const built, later = 800001, 800010 // shards 1 and 10
	if _, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "bb", Organizer: 9, Audience: all}, now); err != nil {
		t.Fatal(err)
	}
	if done, err := s.BuildSteps(ctx, "bb", now, 3); done || err != nil {
		t.Fatalf("partial build = %v, %v", done, err)
	}
	for _, u := range []int64{built, later} {
		if err := s.EraseUser(ctx, u, now); err != nil {
			t.Fatal(err)
		}
	}
	if done, err := s.BuildBroadcast(ctx, "bb", now); !done || err != nil {
		t.Fatalf("build = %v, %v", done, err)
	}
	got = feedAndSend(t, s, "bb")
	job, _ = s.Broadcast(ctx, "bb")
	if len(got) != 636 || job.Total != 637 || job.Sent != 636 || job.Skipped != 1 {
		t.Errorf("second job: %d reached, sent %d skipped %d of %d, want 636 sent and 1 skipped of 637", len(got), job.Sent, job.Skipped, job.Total)
	}
	if n, _ := s.AudienceSize(ctx, all); n != 636 {
		t.Errorf("audience = %d, want 636", n)
	}
	for _, u := range []int64{queued, unfed, built, later} {
		if keys := holdsID(t, rdb, u); len(keys) > 0 {
			t.Errorf("%d still named in:\n%s", u, strings.Join(keys, "\n"))
		}
	}
}

// Reminders: the claim of a reminder queued to an alumnus, its entry in the bulk stream, their "off"
// marks and the series they follow all go; the others' stay.
func TestEraseTakesAlumniOutOfReminders(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	s := store.New(rdb, "")
	const vita, dewi = 700001, 700002
	m := flows.Meetup{ID: "jambi", Title: "Temu Alumni Jambi", Province: "15", Regency: "15.71",
		Start: now.Add(48 * time.Hour), End: now.Add(50 * time.Hour), Capacity: 10, Status: flows.MeetupPublished}
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	sr := flows.Series{ID: "digital", Title: "Kelas Digital", Link: "https://x", Zone: "WIB", Spec: "0 19 * * 3", From: "2024-09-01", To: "2030-01-01"}
	if err := s.SaveSeries(ctx, sr); err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{vita, dewi} {
		if _, err := s.Reserve(ctx, m.ID, u, now); err != nil {
			t.Fatal(err)
		}
		if err := s.Subscribe(ctx, sr.ID, u, true); err != nil {
			t.Fatal(err)
		}
	}
	due := flows.DueReminder{Kind: flows.ReminderMeetup, ID: m.ID, At: now.Add(24 * time.Hour)}
	if n, _, err := s.RunReminder(ctx, due, 100); err != nil || n != 2 {
		t.Fatalf("reminder queued %d, %v; want 2", n, err)
	}
	if err := s.SetReminders(ctx, flows.ReminderSeries, sr.ID, vita, false); err != nil {
		t.Fatal(err)
	}
	if err := s.SetReminders(ctx, "", "", vita, false); err != nil {
		t.Fatal(err)
	}
	data, err := s.MyData(ctx, vita)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(data); !strings.Contains(got, "all_off:true") || !strings.Contains(got, "off_for_series:[digital]") || !strings.Contains(got, "Kelas Digital") {
		t.Errorf("/datasaya lacks the reminder settings or the series: %s", got)
	}
	if err := s.EraseUser(ctx, vita, now); err != nil {
		t.Fatal(err)
	}
	// The lane reports her reminder's outcome after the erasure (it was being sent): not written back.
	if err := s.ReminderOutcome(ctx, due.Kind, due.ID, due.At, vita, "sent"); err != nil {
		t.Fatal(err)
	}
	if keys := holdsID(t, rdb, vita); len(keys) > 0 {
		t.Errorf("Vita still named in:\n%s", strings.Join(keys, "\n"))
	}
	claims, err := s.ReminderClaims(ctx, due.Kind, due.ID, due.At)
	if err != nil || len(claims) != 1 || claims[dewi] == "" {
		t.Errorf("claims after the erasure = %v, %v; want Dewi's only", claims, err)
	}
	if ok, _ := s.Subscribed(ctx, sr.ID, dewi); !ok {
		t.Error("Dewi no longer follows the series")
	}
	if n := rdb.XLen(ctx, "ab:{mt:jambi}:rmq").Val(); n != 1 {
		t.Errorf("the meetup's reminder stream holds %d, want Dewi's 1", n)
	}
}

// A moderator who erases their data leaves the stories they decided decided, the announcement they sent
// and the series they made in place, without their id or name; their survey answer is taken out without
// changing the counts.
func TestEraseForgetsModeratorsAndSurveyAnswers(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	s := store.New(rdb, "")
	const author, mod = 600001, 600002
	st := flows.Story{Author: author, Name: "Vita", Province: "15", Text: strings.Repeat("cerita ", 20), Consent: "named", Lang: "id", Sent: now}
	a, err := s.SubmitStory(ctx, st, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SubmitStory(ctx, st, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := s.DecideStory(ctx, a, true, mod, "Budi", "", now); err != nil || !d.Won {
		t.Fatalf("decide = %+v, %v", d, err)
	}
	if ok, err := s.SetRejecting(ctx, b, mod); err != nil || !ok {
		t.Fatalf("rejecting = %v, %v", ok, err)
	}
	// The moderator also answered a survey, under an operation id.
	if _, err := s.CreateBroadcast(ctx, flows.Broadcast{ID: "bs", Organizer: mod, Copy: flows.CopyOf{Chat: mod, Message: 5},
		Audience: flows.Audience{Kind: flows.AudAll}}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StopBroadcast(ctx, "bs", now); err != nil { // over: the copied message's reference goes too
		t.Fatal(err)
	}
	if err := s.SaveSurvey(ctx, "bs", flows.Survey{Question: "Kerja?", Options: []string{"Ya", "Belum"}}); err != nil {
		t.Fatal(err)
	}
	sr := flows.Series{ID: "digital", Title: "Kelas Digital", Link: "https://x", Zone: "WIB", Spec: "0 19 * * 3", From: "2024-09-01", To: "2030-01-01", CreatedBy: mod}
	if err := s.SaveSeries(ctx, sr); err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{mod, author} {
		if _, err := s.AnswerSurvey(flows.WithOps(ctx, u, 9), "bs", u, 0, "15", "15.71"); err != nil {
			t.Fatal(err)
		}
	}
	data, err := s.MyData(ctx, mod)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(data); !strings.Contains(got, "answer:Ya") || !strings.Contains(got, "question:Kerja?") ||
		!strings.Contains(got, "announcements_you_sent:[bs]") || !strings.Contains(got, "series_you_made:[digital]") {
		t.Errorf("/datasaya lacks the survey answer: %s", got)
	}
	before, _ := s.SurveyTally(ctx, "bs")
	if err := s.EraseUser(ctx, mod, now); err != nil {
		t.Fatal(err)
	}
	if keys := holdsID(t, rdb, mod); len(keys) > 0 {
		t.Errorf("the moderator is still named in:\n%s", strings.Join(keys, "\n"))
	}
	after, _ := s.SurveyTally(ctx, "bs")
	if fmt.Sprint(before) != fmt.Sprint(after) || after.Answers != 2 {
		t.Errorf("survey tally %+v after the erasure, want %+v", after, before)
	}
	got, err := s.Story(ctx, a)
	if err != nil || got == nil || got.Status != flows.StoryApproved || got.DecidedBy != 0 || got.DecidedName != "" || got.Author != author {
		t.Errorf("the decided story after the moderator's erasure: %+v, %v", got, err)
	}
	if bc, err := s.Broadcast(ctx, "bs"); err != nil || bc == nil || bc.Organizer != 0 || bc.Audience.Kind != flows.AudAll {
		t.Errorf("the announcement after its organizer's erasure: %+v, %v", bc, err)
	}
	if got, err := s.Series(ctx, "digital"); err != nil || got == nil || got.CreatedBy != 0 || got.Title != sr.Title {
		t.Errorf("the series after its creator's erasure: %+v, %v", got, err)
	}
	if got, _ := s.Story(ctx, b); got == nil || got.Status != flows.StoryPending || got.Rejecting != 0 {
		t.Errorf("the pending story after the moderator's erasure: %+v", got)
	}
}
