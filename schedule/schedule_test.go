package schedule

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Several replicas firing the same job at once: it runs once.
func TestJobRunsOnceAcrossReplicas(t *testing.T) {
	st := store.New(redistest.Start(t).Client(t), "")
	var runs atomic.Int32
	release := make(chan struct{})
	job := Job{Name: "probe", Spec: "@every 1m", TTL: time.Minute, Run: func(context.Context, time.Time) error {
		runs.Add(1)
		<-release
		return nil
	}}
	returned := make(chan struct{}, 5)
	var wg sync.WaitGroup
	for range 5 {
		s := &Scheduler{Locker: st, Log: quiet}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.runOnce(context.Background(), job, time.Now())
			returned <- struct{}{}
		}()
	}
	// The winner holds the lock until released; the four others find it taken and return first.
	for range 4 {
		<-returned
	}
	close(release)
	wg.Wait()
	if got := runs.Load(); got != 1 {
		t.Fatalf("job ran %d times, want 1", got)
	}
	// Released: the next tick runs it again.
	(&Scheduler{Locker: st, Log: quiet}).runOnce(context.Background(), job, time.Now())
	if got := runs.Load(); got != 2 {
		t.Fatalf("after release the job ran %d times in all, want 2", got)
	}
}

func TestExpireOffersJob(t *testing.T) {
	ctx := context.Background()
	st := store.New(redistest.Start(t).Client(t), "")
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	m := flows.Meetup{ID: "jambi", Title: "Temu Alumni Jambi", Province: "15", Regency: "15.71",
		Start: now.Add(17 * 24 * time.Hour), End: now.Add(17*24*time.Hour + 6*time.Hour), Capacity: 1, Status: flows.MeetupPublished}
	if err := st.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	for a := int64(1); a <= 3; a++ {
		if _, err := st.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := st.CancelRSVP(ctx, "jambi", 1, flows.OfferExpiry(m, now)); err != nil {
		t.Fatal(err)
	}
	run := ExpireOffers(st, quiet)
	if err := run(ctx, now.Add(time.Hour)); err != nil { // offer to 2 still running
		t.Fatal(err)
	}
	if seat, _ := st.SeatOf(ctx, "jambi", 2); seat.Status != flows.SeatOffered {
		t.Fatalf("alumnus 2 = %+v, want still offered", seat)
	}
	if err := run(ctx, now.Add(flows.DefaultClaimWindow)); err != nil { // ran out: passes to 3
		t.Fatal(err)
	}
	if seat, _ := st.SeatOf(ctx, "jambi", 3); seat.Status != flows.SeatOffered {
		t.Fatalf("alumnus 3 = %+v, want offered", seat)
	}
	ns, err := st.PeekNotices(ctx, "jambi", 10)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range ns {
		kinds = append(kinds, string(n.Kind)+":"+string(rune('0'+n.Alumnus)))
	}
	want := []string{"offer:2", "expired:2", "offer:3"}
	if len(kinds) != len(want) {
		t.Fatalf("notices %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("notices %v, want %v", kinds, want)
		}
	}
}
