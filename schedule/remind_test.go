package schedule

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

var wita = mustZone("Asia/Makassar")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

type remindWorld struct {
	t     *testing.T
	ctx   context.Context
	rs    *redistest.Server
	st    *store.Store
	atlas *area.Atlas
}

func newRemindWorld(t *testing.T) *remindWorld {
	rs := redistest.Start(t)
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &remindWorld{t: t, ctx: context.Background(), rs: rs, st: store.New(rs.Client(t), ""), atlas: atlas}
}

// makassar is a meetup in Kota Makassar (WITA) starting at start, with capacity seats.
func (w *remindWorld) makassar(id string, start time.Time, capacity int, reminders ...string) flows.Meetup {
	m := flows.Meetup{ID: id, Title: "Temu Alumni " + id, Province: "73", Regency: "73.71",
		Venue: flows.Venue{Name: "Hotel"}, Start: start, End: start.Add(6 * time.Hour), Capacity: capacity,
		Status: flows.MeetupPublished, Reminders: reminders}
	if err := w.st.SaveMeetup(w.ctx, m); err != nil {
		w.t.Fatal(err)
	}
	return m
}

// entries reads every entry queued in a reminder stream: count per "<to>@<at local>".
func (w *remindWorld) entries(stream string) map[string]int {
	msgs, err := w.rs.Client(w.t).XRange(w.ctx, stream, "-", "+").Result()
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]int{}
	for _, m := range msgs {
		out[fmt.Sprint(m.Values["to"])+"@"+fmt.Sprint(m.Values["at"])]++
	}
	return out
}

func (w *remindWorld) reminders() *Reminders {
	return &Reminders{Store: w.st, Atlas: w.atlas, Log: quiet}
}

// A meetup at 09:00 WITA tomorrow with 1,000 alumni holding seats: three scheduler replicas ticking
// every 30 s from noon to after the start queue the 19:00 WITA and the 07:00 WITA reminders once for
// each holder, none for those who turned this meetup's reminders off or wait on the waiting list.
func TestMeetupRemindersOnceAcrossReplicas(t *testing.T) {
	w := newRemindWorld(t)
	start := time.Date(2027, 3, 11, 9, 0, 0, 0, wita)
	m := w.makassar("mks", start, 1000)
	booked := time.Date(2027, 3, 1, 10, 0, 0, 0, wita)
	for a := int64(1); a <= 1005; a++ { // 1,000 seats, 5 on the waiting list
		if _, err := w.st.Reserve(w.ctx, m.ID, a, booked); err != nil {
			t.Fatal(err)
		}
	}
	for a := int64(1); a <= 10; a++ {
		if err := w.st.SetReminders(w.ctx, flows.ReminderMeetup, m.ID, a*7, false); err != nil {
			t.Fatal(err)
		}
	}
	var skipped int
	var mu sync.Mutex
	var reps []*Scheduler
	for i := range 3 {
		r := w.reminders()
		r.Skipped = func(string) { mu.Lock(); skipped++; mu.Unlock() }
		reps = append(reps, &Scheduler{Lease: w.st, Log: quiet, Owner: fmt.Sprint("replica-", i), Jobs: []Job{r.Job()}})
	}
	for now := time.Date(2027, 3, 10, 12, 0, 0, 0, wita); now.Before(start.Add(time.Hour)); now = now.Add(30 * time.Second) {
		var wg sync.WaitGroup
		for _, s := range reps {
			wg.Add(1)
			go func() { defer wg.Done(); s.Tick(w.ctx, now) }()
		}
		wg.Wait()
	}
	got := w.entries("ab:{mt:mks}:rmq")
	evening := time.Date(2027, 3, 10, 19, 0, 0, 0, wita).Unix()
	morning := time.Date(2027, 3, 11, 7, 0, 0, 0, wita).Unix()
	if len(got) != 2*990 {
		t.Fatalf("%d (alumnus, reminder) entries, want %d", len(got), 2*990)
	}
	for a := int64(1); a <= 1005; a++ {
		want := 1
		if a > 1000 || (a%7 == 0 && a <= 70) {
			want = 0
		}
		for _, at := range []int64{evening, morning} {
			if n := got[fmt.Sprintf("%d@%d", a, at)]; n != want {
				t.Fatalf("alumnus %d, reminder at %s: %d entries, want %d", a, time.Unix(at, 0).In(wita), n, want)
			}
		}
	}
	if skipped != 0 {
		t.Errorf("%d reminders skipped, want none", skipped)
	}
	if qs, _ := w.st.QueueStreams(w.ctx, store.BulkLane); len(qs) != 1 || qs[0] != "ab:{mt:mks}:rmq" {
		t.Errorf("bulk lane registry %v", qs)
	}
}

// failingStore fails RunReminder after some chunks, as a process dying in the middle of a run.
type failingStore struct {
	*store.Store
	left int
}

func (f *failingStore) RunReminder(ctx context.Context, d flows.DueReminder, chunk int) (int, bool, error) {
	if f.left == 0 {
		return 0, false, errors.New("crash")
	}
	f.left--
	return f.Store.RunReminder(ctx, d, chunk)
}

// A run stopped in the middle (after three chunks of 100) is resumed by the next pass, of another
// process: every holder queued once, nobody twice.
func TestRestartMidRunQueuesNothingTwice(t *testing.T) {
	w := newRemindWorld(t)
	start := time.Date(2027, 3, 11, 9, 0, 0, 0, wita)
	m := w.makassar("mks", start, 1000, "2h")
	for a := int64(1); a <= 1000; a++ {
		if _, err := w.st.Reserve(w.ctx, m.ID, a, start.AddDate(0, 0, -10)); err != nil {
			t.Fatal(err)
		}
	}
	now := start.Add(-2 * time.Hour)
	crashing := &Reminders{Store: &failingStore{Store: w.st, left: 3}, Atlas: w.atlas, Log: quiet, Chunk: 100}
	if err := crashing.Pass(w.ctx, now); err == nil {
		t.Fatal("the crashing pass reported no error")
	}
	if n := len(w.entries("ab:{mt:mks}:rmq")); n == 0 || n >= 1000 {
		t.Fatalf("after the crash %d queued, want some but not all", n)
	}
	restarted := w.reminders()
	restarted.Chunk = 100
	for range 2 {
		if err := restarted.Pass(w.ctx, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	got := w.entries("ab:{mt:mks}:rmq")
	if len(got) != 1000 {
		t.Fatalf("%d alumni queued, want 1000", len(got))
	}
	for k, n := range got {
		if n != 1 {
			t.Fatalf("%s queued %d times", k, n)
		}
	}
}

// After 3 hours of downtime: a reminder whose meetup has not started goes out late, one whose meetup
// started meanwhile is skipped and counted, and passes after that send nothing twice.
func TestCatchUpAfterDowntime(t *testing.T) {
	w := newRemindWorld(t)
	day := func(h, m int) time.Time { return time.Date(2027, 3, 11, h, m, 0, 0, wita) }
	started := w.makassar("started", day(10, 0), 10, "2h") // due 08:00, starts 10:00: passed
	useful := w.makassar("useful", day(11, 0), 10, "2h")   // due 09:00, starts 11:00: still useful
	later := w.makassar("later", day(14, 0), 10, "2h")     // due 12:00: not due yet
	for _, m := range []flows.Meetup{started, useful, later} {
		for a := int64(1); a <= 3; a++ {
			if _, err := w.st.Reserve(w.ctx, m.ID, a, day(0, 0).AddDate(0, 0, -3)); err != nil {
				t.Fatal(err)
			}
		}
	}
	skipped := map[string]int{}
	r := w.reminders()
	r.Skipped = func(kind string) { skipped[kind]++ }
	if err := r.Pass(w.ctx, day(7, 30)); err != nil { // planned, then the process is down 07:30–10:30
		t.Fatal(err)
	}
	for _, now := range []time.Time{day(10, 30), day(10, 30).Add(30 * time.Second), day(12, 0), day(12, 1)} {
		if err := r.Pass(w.ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(w.entries("ab:{mt:started}:rmq")); n != 0 {
		t.Errorf("the passed reminder queued %d", n)
	}
	if skipped["m"] != 1 {
		t.Errorf("skipped %v, want one meetup reminder", skipped)
	}
	for _, id := range []string{"useful", "later"} {
		got := w.entries("ab:{mt:" + id + "}:rmq")
		if len(got) != 3 {
			t.Errorf("%s: %d queued, want 3", id, len(got))
		}
		for k, n := range got {
			if n != 1 {
				t.Errorf("%s: %s queued %d times", id, k, n)
			}
		}
	}
}

// A weekly series "0 19 * * 3" in Asia/Jayapura: sessions at 19:00 WIT every Wednesday between its
// dates; each subscriber is reminded an hour before each, once.
func TestWeeklySeriesReminders(t *testing.T) {
	w := newRemindWorld(t)
	wit := mustZone("Asia/Jayapura")
	s := flows.Series{ID: "digital", Title: "Kelas Digital", Link: "https://meet.example/x", Zone: "WIT",
		Spec: "0 19 * * 3", From: "2027-03-01", To: "2027-03-31"}
	if err := w.st.SaveSeries(w.ctx, s); err != nil {
		t.Fatal(err)
	}
	sessions := s.Sessions(time.Date(2027, 1, 1, 0, 0, 0, 0, wit), 100)
	var when []string
	for _, x := range sessions {
		when = append(when, x.In(wit).Format("Mon 02 15:04"))
	}
	if fmt.Sprint(when) != "[Wed 03 19:00 Wed 10 19:00 Wed 17 19:00 Wed 24 19:00 Wed 31 19:00]" {
		t.Fatalf("sessions %v", when)
	}
	for a := int64(1); a <= 3; a++ {
		if err := w.st.Subscribe(w.ctx, s.ID, a, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.st.Subscribe(w.ctx, s.ID, 3, false); err != nil { // changed their mind
		t.Fatal(err)
	}
	r := w.reminders()
	for now := time.Date(2027, 2, 27, 0, 0, 0, 0, wit); now.Before(time.Date(2027, 4, 2, 0, 0, 0, 0, wit)); now = now.Add(10 * time.Minute) {
		if err := r.Pass(w.ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	got := w.entries("ab:{ws:digital}:rmq")
	if len(got) != 2*5 {
		t.Fatalf("%d entries, want 10: %v", len(got), got)
	}
	for _, x := range sessions {
		for a := int64(1); a <= 2; a++ {
			if n := got[fmt.Sprintf("%d@%d", a, x.Add(-time.Hour).Unix())]; n != 1 {
				t.Errorf("alumnus %d, session %s: %d entries", a, x.In(wit), n)
			}
		}
	}
}

// The lease holder dies in the middle of a reminder's run (after two chunks of 100): another replica
// takes the lease over and finishes the run; every holder is queued once.
func TestHolderDiesMidRunHandsOver(t *testing.T) {
	w := newRemindWorld(t)
	start := time.Date(2027, 3, 11, 9, 0, 0, 0, wita)
	m := w.makassar("mks", start, 1000, "19:00")
	for a := int64(1); a <= 1000; a++ {
		if _, err := w.st.Reserve(w.ctx, m.ID, a, start.AddDate(0, 0, -10)); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(owner string, st ReminderStore) *Scheduler {
		r := &Reminders{Store: st, Atlas: w.atlas, Log: quiet, Chunk: 100}
		return &Scheduler{Lease: w.st, Log: quiet, Owner: owner, LeaseTTL: 150 * time.Millisecond, Jobs: []Job{r.Job()}}
	}
	a := mk("a", &failingStore{Store: w.st, left: 2})
	b, c := mk("b", w.st), mk("c", w.st)
	now := time.Date(2027, 3, 10, 18, 59, 45, 0, wita)
	if !a.Tick(w.ctx, now) || b.Tick(w.ctx, now) || c.Tick(w.ctx, now) {
		t.Fatal("a should lead alone")
	}
	now = now.Add(30 * time.Second) // 19:00:15: a runs the job and dies in the middle
	a.Tick(w.ctx, now)
	// SSCAN's COUNT is a hint (whole hash buckets come back), so two chunks are about 200.
	if n := len(w.entries("ab:{mt:mks}:rmq")); n < 150 || n >= 1000 {
		t.Fatalf("a queued %d before dying, want about 200", n)
	}
	var leader *Scheduler
	for i := 0; i < 500 && (leader == nil || now.Before(time.Date(2027, 3, 10, 19, 2, 0, 0, wita))); i++ {
		now = now.Add(time.Second)
		for _, s := range []*Scheduler{b, c} {
			if s.Tick(w.ctx, now) {
				if leader != nil && leader != s {
					t.Fatal("two replicas lead")
				}
				leader = s
			}
		}
		if leader == nil {
			time.Sleep(10 * time.Millisecond) // the dead holder's lease runs out in Redis
		}
	}
	if leader == nil {
		t.Fatal("nobody took over")
	}
	got := w.entries("ab:{mt:mks}:rmq")
	if len(got) != 1000 {
		t.Fatalf("%d alumni queued after the handover, want 1000", len(got))
	}
	for k, n := range got {
		if n != 1 {
			t.Fatalf("%s queued %d times", k, n)
		}
	}
}
