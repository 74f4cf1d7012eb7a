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

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// Three replicas ticking the same minutes: each due time of the job runs once, on the leader.
func TestJobRunsOnceAcrossReplicas(t *testing.T) {
	st := store.New(redistest.Start(t).Client(t), "")
	ctx := context.Background()
	var mu sync.Mutex
	runs := map[time.Time]int{}
	job := Job{Name: "probe", Spec: "*/5 * * * *", Run: func(_ context.Context, now time.Time) error {
		mu.Lock()
		runs[now]++
		mu.Unlock()
		return nil
	}}
	var reps []*Scheduler
	for i := range 3 {
		reps = append(reps, &Scheduler{Lease: st, Log: quiet, Jobs: []Job{job}, Owner: string(rune('a' + i))})
	}
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for m := 0; m <= 60; m++ {
		now := start.Add(time.Duration(m) * time.Minute)
		var wg sync.WaitGroup
		for _, s := range reps {
			wg.Add(1)
			go func() { defer wg.Done(); s.Tick(ctx, now) }()
		}
		wg.Wait()
	}
	// 09:05 … 10:00: twelve due times (09:00 is the first tick, which only plans).
	if len(runs) != 12 {
		t.Fatalf("job ran at %d times, want 12: %v", len(runs), runs)
	}
	for at, n := range runs {
		if n != 1 || at.Minute()%5 != 0 {
			t.Fatalf("run at %s: %d times", at, n)
		}
	}
}

// The lease holder dies (stops ticking and renewing): another replica takes the lease over once it
// runs out, and runs the jobs from then on.
func TestLeaseHandover(t *testing.T) {
	st := store.New(redistest.Start(t).Client(t), "")
	ctx := context.Background()
	var ran atomic.Value
	mk := func(owner string) *Scheduler {
		return &Scheduler{Lease: st, Log: quiet, Owner: owner, LeaseTTL: 150 * time.Millisecond, Jobs: []Job{{
			Name: "probe", Spec: "@every 1m", Run: func(context.Context, time.Time) error { ran.Store(owner); return nil }}}}
	}
	a, b, c := mk("a"), mk("b"), mk("c")
	clk := &fakeClock{t: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)}
	if !a.Tick(ctx, clk.Now()) {
		t.Fatal("first replica did not take the free lease")
	}
	if b.Tick(ctx, clk.Now()) || c.Tick(ctx, clk.Now()) {
		t.Fatal("a second replica holds the lease too")
	}
	a.Tick(ctx, clk.Add(time.Minute))
	if ran.Load() != "a" {
		t.Fatalf("job ran on %v, want a", ran.Load())
	}
	// a is killed: nothing renews its lease. b and c keep ticking until one takes over (bounded).
	var leader *Scheduler
	for i := 0; leader == nil && i < 200; i++ {
		now := clk.Add(time.Second)
		for _, s := range []*Scheduler{b, c} {
			if s.Tick(ctx, now) && leader == nil {
				leader = s
			} else if leader != nil && s != leader && s.Tick(ctx, now) {
				t.Fatal("two replicas hold the lease")
			}
		}
		if leader == nil {
			time.Sleep(10 * time.Millisecond) // the lease is real time in Redis
		}
	}
	if leader == nil {
		t.Fatal("nobody took the lease over")
	}
	leader.Tick(ctx, clk.Add(2*time.Minute))
	if ran.Load() != leader.Owner {
		t.Fatalf("after the handover the job ran on %v, want %s", ran.Load(), leader.Owner)
	}
	// The old holder comes back: the lease is not its any more, so it runs nothing.
	if a.Tick(ctx, clk.Add(time.Minute)) {
		t.Fatal("the dead holder still thinks it leads")
	}
}

// A spec is read in its job's zone: "0 19 * * 3" in Asia/Jayapura runs at 19:00 WIT on Wednesdays.
func TestJobInItsZone(t *testing.T) {
	st := store.New(redistest.Start(t).Client(t), "")
	ctx := context.Background()
	wit, _ := time.LoadLocation("Asia/Jayapura")
	var got []string
	s := &Scheduler{Lease: st, Log: quiet, Jobs: []Job{{Name: "wed", Spec: "0 19 * * 3", Location: wit,
		Run: func(_ context.Context, now time.Time) error {
			got = append(got, now.In(wit).Format("Mon 2006-01-02 15:04"))
			return nil
		}}}}
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC) // a Monday
	for range 15 * 24 * 4 {                            // every 15 minutes for 15 days
		s.Tick(ctx, now)
		now = now.Add(15 * time.Minute)
	}
	want := []string{"Wed 2027-03-03 19:00", "Wed 2027-03-10 19:00"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("runs %v, want %v", got, want)
	}
}

// A job that panics is recovered (and logged); the scheduler and the other jobs go on.
func TestPanicRecovered(t *testing.T) {
	st := store.New(redistest.Start(t).Client(t), "")
	ctx := context.Background()
	var ok int
	s := &Scheduler{Lease: st, Log: quiet, Jobs: []Job{
		{Name: "bad", Spec: "@every 1m", Run: func(context.Context, time.Time) error { panic("boom") }},
		{Name: "good", Spec: "@every 1m", Run: func(context.Context, time.Time) error { ok++; return nil }},
	}}
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		s.Tick(ctx, now.Add(time.Duration(i)*time.Minute))
	}
	if ok != 2 {
		t.Fatalf("good job ran %d times, want 2", ok)
	}
}

// A bad spec is an error from Run, not a panic.
func TestBadSpec(t *testing.T) {
	s := &Scheduler{Lease: nil, Log: quiet, Jobs: []Job{{Name: "x", Spec: "61 * * * *", Run: func(context.Context, time.Time) error { return nil }}}}
	if err := s.Run(context.Background()); err == nil {
		t.Fatal("61 * * * * accepted")
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
