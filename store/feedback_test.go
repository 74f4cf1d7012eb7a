package store_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// feedbackMeetup saves a meetup that ended at end, with n alumni (ids 1..n) holding seats, the first
// came of them checked in.
func feedbackMeetup(t testing.TB, s *store.Store, id string, end time.Time, n, came int) flows.Meetup {
	t.Helper()
	ctx := context.Background()
	m := flows.Meetup{
		ID: id, Title: "Temu Alumni Jambi", Province: "15", Regency: "15.71", Venue: flows.Venue{Name: "Swiss-Belhotel Jambi"},
		Start: end.Add(-6 * time.Hour), End: end, Capacity: n + 10, Status: flows.MeetupPublished,
	}
	// Seats are taken before the meetup starts; the store checks the meetup is not over.
	early := m
	early.Start, early.End = now.Add(time.Hour), now.Add(2*time.Hour)
	if err := s.SaveMeetup(ctx, early); err != nil {
		t.Fatal(err)
	}
	for a := int64(1); a <= int64(n); a++ {
		seat, err := s.Reserve(ctx, id, a, now)
		if err != nil || seat.Status != flows.SeatConfirmed {
			t.Fatalf("reserve %d: %+v %v", a, seat, err)
		}
		if a <= int64(came) {
			if ci, err := s.CheckIn(ctx, id, a, seat.Code, now); err != nil || ci.Status != flows.CheckInOK {
				t.Fatalf("check in %d: %+v %v", a, ci, err)
			}
		}
	}
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	return m
}

// asked lists the alumni the bulk lane's feedback entries go to, by count.
func askedEntries(t *testing.T, s *store.Store, meetup string) map[int64]int {
	t.Helper()
	ctx := context.Background()
	streams, err := s.QueueStreams(ctx, store.BulkLane)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for _, q := range streams {
		ms, err := s.ReadQueue(ctx, store.BulkLane, q, "test", 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Fields["k"] != "fb" || m.Fields["m"] != meetup {
				t.Fatalf("entry %v in %s", m.Fields, q)
			}
			to, err := strconv.ParseInt(m.Fields["to"], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			out[to]++
		}
	}
	return out
}

func TestAskFeedbackOnceToCheckedInOnlyAtItsMoment(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	s := store.New(srv.Client(t), "")
	end := now.Add(24 * time.Hour)
	feedbackMeetup(t, s, "jambi", end, 30, 12)

	// Before end + 1 hour nobody is asked.
	if n, err := s.AskFeedback(ctx, end.Add(59*time.Minute)); err != nil || n != 0 {
		t.Fatalf("asked %d before the moment (%v)", n, err)
	}
	// Three replicas (each its own client) passing at once, then later passes: each of the 12 who
	// came is asked once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 3 {
		replica := store.New(srv.Client(t), "")
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := replica.AskFeedback(ctx, end.Add(time.Hour))
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, at := range []time.Duration{2 * time.Hour, 3 * time.Hour} {
		n, err := s.AskFeedback(ctx, end.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != 12 {
		t.Fatalf("queued %d questions, want 12", total)
	}
	want := map[int64]int{}
	for a := int64(1); a <= 12; a++ {
		want[a] = 1
	}
	if diff := cmp.Diff(want, askedEntries(t, s, "jambi")); diff != "" {
		t.Fatalf("questions by alumnus (-want +got):\n%s", diff)
	}
	if ok, _ := s.FeedbackAsked(ctx, "jambi", 13); ok {
		t.Fatal("an alumnus who did not come was asked")
	}
}

func TestAskFeedbackChunksLargeMeetups(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	end := now.Add(24 * time.Hour)
	feedbackMeetup(t, s, "big", end, 2100, 2100)
	n, err := s.AskFeedback(ctx, end.Add(time.Hour))
	if err != nil || n != 2100 {
		t.Fatalf("asked %d (%v), want 2100", n, err)
	}
	if got := len(askedEntries(t, s, "big")); got != 2100 {
		t.Fatalf("%d alumni have a question, want 2100", got)
	}
}

func TestAskFeedbackSkipsCancelledAndLongPast(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	end := now.Add(24 * time.Hour)
	m := feedbackMeetup(t, s, "jambi", end, 3, 3)
	// Down for longer than the catch-up: the moment passed, nobody is asked.
	if n, err := s.AskFeedback(ctx, end.Add(time.Hour+store.FeedbackCatchUp+time.Minute)); err != nil || n != 0 {
		t.Fatalf("asked %d after the catch-up (%v)", n, err)
	}
	// Down for three hours: still asked.
	if n, err := s.AskFeedback(ctx, end.Add(4*time.Hour)); err != nil || n != 3 {
		t.Fatalf("asked %d after 3 hours down (%v), want 3", n, err)
	}
	// A meetup's own feedback_after; a cancelled meetup asks nobody.
	m2 := feedbackMeetup(t, s, "gorontalo", end, 2, 2)
	m2.FeedbackAfter = 3 * time.Hour
	if err := s.SaveMeetup(ctx, m2); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.AskFeedback(ctx, end.Add(2*time.Hour)); n != 0 {
		t.Fatalf("asked %d before feedback_after", n)
	}
	if n, _ := s.AskFeedback(ctx, end.Add(3*time.Hour)); n != 2 {
		t.Fatalf("asked %d at feedback_after, want 2", n)
	}
	m3 := feedbackMeetup(t, s, "batal", end, 2, 2)
	if _, err := s.CancelMeetup(ctx, m3); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.AskFeedback(ctx, end.Add(2*time.Hour)); n != 0 {
		t.Fatalf("asked %d about a cancelled meetup", n)
	}
	_ = m
}

func TestRateRules(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	feedbackMeetup(t, s, "jambi", now.Add(24*time.Hour), 3, 2)
	at := now.Add(25 * time.Hour)
	for _, c := range []struct {
		who    int64
		rating int
		want   flows.RateResult
	}{
		{1, 0, flows.RateResult{Status: flows.RateBad}},
		{1, 6, flows.RateResult{Status: flows.RateBad}},
		{3, 5, flows.RateResult{Status: flows.RateNotCheckedIn}}, // held a seat, did not come
		{99, 5, flows.RateResult{Status: flows.RateNotCheckedIn}},
		{1, 4, flows.RateResult{Status: flows.RateOK, Rating: 4}},
		{1, 1, flows.RateResult{Status: flows.RateAlready, Rating: 4}}, // the first one stays
		{2, 5, flows.RateResult{Status: flows.RateOK, Rating: 5}},
	} {
		got, err := s.Rate(ctx, "jambi", c.who, c.rating, at)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("Rate(%d, %d) = %+v, want %+v", c.who, c.rating, got, c.want)
		}
	}
	r, err := s.Ratings(ctx, "jambi")
	if err != nil {
		t.Fatal(err)
	}
	if r.Dist != [5]int{0, 0, 0, 1, 1} || r.Count() != 2 || r.Average() != 4.5 {
		t.Fatalf("ratings %+v", r)
	}
	// A comment needs a rating.
	if ok, err := s.Comment(ctx, "jambi", 3, "seru", at); ok || err != nil {
		t.Fatalf("comment without a rating kept: %v %v", ok, err)
	}
	if ok, err := s.Comment(ctx, "jambi", 1, "Seru, tapi ruangannya panas", at); !ok || err != nil {
		t.Fatalf("comment: %v %v", ok, err)
	}
	cs, err := s.FeedbackComments(ctx, "jambi")
	if err != nil {
		t.Fatal(err)
	}
	want := []flows.FeedbackComment{
		{Alumnus: 1, Rating: 4, Text: "Seru, tapi ruangannya panas", At: at},
		{Alumnus: 2, Rating: 5, At: at},
	}
	if diff := cmp.Diff(want, cs); diff != "" {
		t.Fatalf("comments (-want +got):\n%s", diff)
	}
}

func TestRateOnceUnderConcurrencyAndRedelivery(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	feedbackMeetup(t, s, "jambi", now.Add(24*time.Hour), 1, 1)
	// Ten different updates rating at once: one is kept.
	var wg sync.WaitGroup
	oks := make(chan int, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.Rate(flows.WithOps(ctx, 1, int64(100+i)), "jambi", 1, 1+i%5, now)
			if err != nil {
				t.Error(err)
			}
			if res.Status == flows.RateOK {
				oks <- i
			}
		}()
	}
	wg.Wait()
	close(oks)
	if len(oks) != 1 {
		t.Fatalf("%d ratings kept, want 1", len(oks))
	}
	won := <-oks
	// Every update run again (a redelivery) answers exactly as the first time and changes nothing.
	for i := range 10 {
		res, err := s.Rate(flows.WithOps(ctx, 1, int64(100+i)), "jambi", 1, 1+i%5, now)
		if err != nil {
			t.Fatal(err)
		}
		want := flows.RateResult{Status: flows.RateAlready, Rating: 1 + won%5}
		if i == won {
			want.Status = flows.RateOK
		}
		if res != want {
			t.Fatalf("re-run of update %d: %+v, want %+v", 100+i, res, want)
		}
	}
	if r, _ := s.Ratings(ctx, "jambi"); r.Count() != 1 {
		t.Fatalf("counts %+v", r)
	}
}

func TestSuggestionsByProvinceOncePerUpdate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	add := func(update int64, prov, text string, at time.Time) {
		t.Helper()
		err := s.AddSuggestion(flows.WithOps(ctx, 7, update), flows.Suggestion{Alumnus: 7, Province: prov, Regency: prov + ".71", Text: text, At: at})
		if err != nil {
			t.Fatal(err)
		}
	}
	add(1, "15", "Tolong adakan acara di Kerinci", now)
	add(1, "15", "Tolong adakan acara di Kerinci", now) // redelivered: kept once
	add(2, "75", "Workshop desain grafis dong", now.Add(time.Hour))
	add(3, "15", "Bulan depan lagi ya", now.AddDate(0, 1, 0))
	jambi, err := s.Suggestions(ctx, "15", 100)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, sg := range jambi {
		texts = append(texts, sg.Province+" "+sg.Text)
	}
	if diff := cmp.Diff([]string{"15 Bulan depan lagi ya", "15 Tolong adakan acara di Kerinci"}, texts); diff != "" {
		t.Fatalf("Jambi's suggestions (-want +got):\n%s", diff)
	}
	all, err := s.Suggestions(ctx, "", 2)
	if err != nil || len(all) != 2 || all[0].Text != "Bulan depan lagi ya" || all[1].Province != "75" {
		t.Fatalf("all suggestions, at most 2: %+v %v", all, err)
	}
	if all[1].Regency != "75.71" || all[1].Alumnus != 7 || !all[1].At.Equal(now.Add(time.Hour)) {
		t.Fatalf("suggestion read back as %+v", all[1])
	}
}
