package store_test

import (
	"context"
	"math"
	"testing"
	"time"
)

// Slots are spaced 1/(rate×margin) apart on the script's clock, from whichever replica asks.
func TestBulkSlotsAreSpaced(t *testing.T) {
	ctx := context.Background()
	s, _ := queueStore(t)
	t0 := time.UnixMilli(1_700_000_000_000)
	var last time.Duration
	for i := range 10 {
		wait, ok, rate, err := s.ReserveBulkSlot(ctx, t0, 25)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || rate != 25 {
			t.Fatalf("slot %d: %v %v %v", i, wait, ok, rate)
		}
		if i > 0 {
			gap := wait - last // 1 s / (25 × 0.97) apart
			if want := 41237 * time.Microsecond; absDur(gap-want) > time.Millisecond {
				t.Fatalf("slot %d: %v after the previous, want %v", i, gap, want)
			}
		}
		last = wait
	}
}

// A 429 pauses everyone, lowers the rate once per burst, and the rate climbs back one step a second
// to one step below where the 429 came, then probes slowly up to the maximum.
func TestBulkRateAIMD(t *testing.T) {
	ctx := context.Background()
	s, _ := queueStore(t)
	now := time.UnixMilli(1_700_000_000_000)
	reserve := func() float64 {
		t.Helper()
		_, _, rate, err := s.ReserveBulkSlot(ctx, now, 30)
		if err != nil {
			t.Fatal(err)
		}
		return rate
	}
	if r := reserve(); r != 30 {
		t.Fatalf("rate at start %v, want 30", r)
	}
	rate, lowered, err := s.ThrottleBulk(ctx, now, 30, time.Second)
	if err != nil || !lowered || math.Abs(rate-21) > 1e-3 {
		t.Fatalf("after a 429: %v lowered %v (%v), want 21", rate, lowered, err)
	}
	// Another replica's 429 of the same burst changes nothing but the pause.
	if rate, lowered, _ := s.ThrottleBulk(ctx, now.Add(10*time.Millisecond), 30, 2*time.Second); lowered || math.Abs(rate-21) > 1e-3 {
		t.Fatalf("a second 429 of the burst lowered the rate to %v", rate)
	}
	wait, ok, _, err := s.ReserveBulkSlot(ctx, now.Add(100*time.Millisecond), 30)
	if err != nil || !ok || wait < 1900*time.Millisecond {
		t.Fatalf("slot during the pause: %v %v %v: want it after the pause", wait, ok, err)
	}
	if st, _ := s.BulkPaused(ctx, now.Add(time.Second)); st != time.Second+10*time.Millisecond {
		t.Fatalf("pause left %v", st)
	}
	// Climb: +1 a second after the pause, up to 29.5 (half a step below the 30 the 429 came at).
	now = now.Add(2010 * time.Millisecond)
	var r float64
	for range 20 {
		now = now.Add(time.Second)
		r = reserve()
	}
	if math.Abs(r-29.5) > 1e-3 {
		t.Fatalf("after 20 s the rate is %v, want 29.5", r)
	}
	// Probe: half a step a minute, up to the maximum.
	now = now.Add(time.Minute)
	if r = reserve(); r != 30 {
		t.Fatalf("after a minute more: %v, want 30", r)
	}
	// A 429 while probing falls back to the rate that held (29.5), not 30×0.7.
	now = now.Add(time.Second)
	if rate, lowered, _ := s.ThrottleBulk(ctx, now, 30, time.Second); !lowered || math.Abs(rate-29.5) > 1e-3 {
		t.Fatalf("a 429 while probing: %v, want back to 29.5", rate)
	}
	st, err := s.BulkRateState(ctx)
	if err != nil || st.Throttles != 2 {
		t.Fatalf("state %+v %v: want two 429s counted", st, err)
	}
	if st.Ceiling < 29.9 {
		t.Fatalf("ceiling %v after a 429 at 30", st.Ceiling)
	}
	// A lone 429 after the rate held half a minute lowers it by one step only.
	now = now.Add(31 * time.Second)
	reserve()
	now = now.Add(20 * time.Second) // not yet a minute: no probe
	if rate, _, _ := s.ThrottleBulk(ctx, now, 30, time.Second); math.Abs(rate-28.5) > 1e-3 {
		t.Fatalf("a 429 after a calm: %v, want 28.5 (29.5 less a step)", rate)
	}
	// A 429 near the rate the last one came at (and not right after it) lowers the rate one step: the
	// limit is about there. Another right after it divides.
	now = now.Add(10 * time.Second)
	if rate, _, _ := s.ThrottleBulk(ctx, now, 30, time.Second); math.Abs(rate-28) > 1e-3 { // climbed to 29 first
		t.Fatalf("a 429 near the last one's rate: %v, want 28 (one step less than 29)", rate)
	}
	now = now.Add(3 * time.Second)
	if rate, _, _ := s.ThrottleBulk(ctx, now, 30, time.Second); math.Abs(rate-19.95) > 1e-3 { // climbed to 28.5 first
		t.Fatalf("a 429 right after: %v, want 19.95 (28.5 × 0.7)", rate)
	}
	// Never below the floor.
	for i := range 20 {
		now = now.Add(3 * time.Second)
		if _, _, err := s.ThrottleBulk(ctx, now, 30, time.Second); err != nil {
			t.Fatal(i, err)
		}
	}
	if st, _ := s.BulkRateState(ctx); st.Rate != 1 {
		t.Fatalf("after many 429s: %v, want the floor 1", st.Rate)
	}
}

func TestBulkPace(t *testing.T) {
	ctx := context.Background()
	s, _ := queueStore(t)
	if ok, _, err := s.TakeBulkPace(ctx, 7, "a", time.Second); !ok || err != nil {
		t.Fatalf("first: %v %v", ok, err)
	}
	ok, left, err := s.TakeBulkPace(ctx, 7, "b", time.Second)
	if ok || err != nil || left <= 0 || left > time.Second {
		t.Fatalf("another message within the second: %v %v %v", ok, left, err)
	}
	if ok, _, _ := s.TakeBulkPace(ctx, 7, "a", 2*time.Second); !ok {
		t.Fatal("the holder could not take its own pace again")
	}
	if ok, _, _ := s.TakeBulkPace(ctx, 8, "b", time.Second); !ok {
		t.Fatal("another chat was paced too")
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
