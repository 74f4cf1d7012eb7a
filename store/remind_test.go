package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
)

// Three processes running the same due reminder at once, chunk by chunk: each seat holder is claimed
// and queued once, those who turned the meetup's reminders off never, and the reminder leaves the
// index once done.
func TestRunReminderOnceUnderRaces(t *testing.T) {
	ctx := context.Background()
	rs := redistest.Start(t)
	s := New(rs.Client(t), "")
	start := time.Date(2027, 3, 11, 1, 0, 0, 0, time.UTC)
	m := flows.Meetup{ID: "mks", Title: "T", Province: "73", Regency: "73.71", Start: start, End: start.Add(time.Hour),
		Capacity: 2500, Status: flows.MeetupPublished}
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	for a := int64(1); a <= 2500; a++ {
		if _, err := s.Reserve(ctx, m.ID, a, start.AddDate(0, 0, -3)); err != nil {
			t.Fatal(err)
		}
	}
	for a := int64(1); a <= 25; a++ {
		if err := s.SetReminders(ctx, flows.ReminderMeetup, m.ID, a*100, false); err != nil {
			t.Fatal(err)
		}
	}
	d := flows.DueReminder{Kind: flows.ReminderMeetup, ID: m.ID, At: start.Add(-2 * time.Hour)}
	if err := s.PlanReminders(ctx, []flows.DueReminder{d}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, done, err := s.RunReminder(ctx, d, 300)
				if err != nil {
					t.Error(err)
					return
				}
				if done {
					return
				}
			}
		}()
	}
	wg.Wait()
	msgs, err := rs.Client(t).XRange(ctx, "ab:{mt:mks}:rmq", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, x := range msgs {
		seen[x.Values["to"].(string)]++
		if x.Values["k"] != "rm" || x.Values["m"] != "mks" {
			t.Fatalf("entry %v", x.Values)
		}
	}
	if len(msgs) != 2475 || len(seen) != 2475 {
		t.Fatalf("%d entries for %d alumni, want 2475 each", len(msgs), len(seen))
	}
	if seen["100"] != 0 {
		t.Error("an alumnus who turned this meetup's reminders off was queued")
	}
	due, err := s.DueReminders(ctx, start, 10)
	if err != nil || len(due) != 0 {
		t.Fatalf("still due: %v %v", due, err)
	}
	// Planned again (a later pass), it is not due again: it is done.
	if err := s.PlanReminders(ctx, []flows.DueReminder{d}); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueReminders(ctx, start, 10); len(due) != 0 {
		t.Fatalf("a done reminder was planned again: %v", due)
	}
}

func TestLease(t *testing.T) {
	ctx := context.Background()
	s := New(redistest.Start(t).Client(t), "")
	if ok, err := s.AcquireLease(ctx, "x", "a", time.Minute); !ok || err != nil {
		t.Fatalf("acquire: %v %v", ok, err)
	}
	if ok, _ := s.AcquireLease(ctx, "x", "b", time.Minute); ok {
		t.Fatal("b took a held lease")
	}
	if ok, _ := s.RenewLease(ctx, "x", "b", time.Minute); ok {
		t.Fatal("b renewed a's lease")
	}
	if ok, _ := s.RenewLease(ctx, "x", "a", time.Minute); !ok {
		t.Fatal("a could not renew its lease")
	}
	if err := s.ReleaseLease(ctx, "x", "b"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.AcquireLease(ctx, "x", "b", time.Minute); ok {
		t.Fatal("b released a's lease")
	}
	if err := s.ReleaseLease(ctx, "x", "a"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.AcquireLease(ctx, "x", "b", time.Minute); !ok {
		t.Fatal("b could not take the released lease")
	}
}
