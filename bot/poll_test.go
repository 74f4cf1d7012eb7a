package bot

import (
	"testing"

	"github.com/alumnibot/alumnibot/flows"
)

// The window confirms up to the lowest update in flight, recognises re-fetched ones, and forgets what
// it confirmed.
func TestPollWindow(t *testing.T) {
	w := newPollWindow()
	ups := func(ids ...int64) []fetchedUpdate {
		var out []fetchedUpdate
		for _, id := range ids {
			out = append(out, fetchedUpdate{ID: id})
		}
		return out
	}
	for _, id := range []int64{10, 11, 12} {
		if !w.fetched(id) {
			t.Fatalf("update %d taken for a repeat", id)
		}
	}
	w.batch(ups(10, 11, 12))
	w.applied(11, flows.Input{UpdateID: 11}, handled{sent: true})
	w.applied(12, flows.Input{UpdateID: 12}, handled{})
	if off, busy := w.offset(); off != 10 || busy != 1 {
		t.Fatalf("offset %d with %d in flight, want 10 with 1", off, busy)
	}
	// Fetched again because the offset is held at 10: none is new, 13 is.
	for _, id := range []int64{10, 11, 12} {
		if w.fetched(id) {
			t.Errorf("update %d would be dispatched twice", id)
		}
	}
	if !w.fetched(13) {
		t.Error("update 13 is new")
	}
	w.batch(ups(10, 11, 12, 13))
	if sent := w.takeSent(); len(sent) != 1 || sent[0].UpdateID != 11 {
		t.Errorf("sent = %+v", sent)
	}
	w.applied(10, flows.Input{UpdateID: 10}, handled{sent: true})
	if off, busy := w.offset(); off != 13 || busy != 1 {
		t.Fatalf("offset %d with %d in flight, want 13 with 1", off, busy)
	}
	// A getUpdates sent before may still bring 10 to 12 back: they are kept until one goes out with
	// the higher offset.
	for _, id := range []int64{10, 11, 12} {
		if w.fetched(id) {
			t.Errorf("update %d would be dispatched twice", id)
		}
	}
	w.fetching(13)
	if len(w.ids) != 1 {
		t.Errorf("the window keeps %d ids below the offset sent", len(w.ids))
	}
	w.applied(13, flows.Input{UpdateID: 13}, handled{sent: true})
	if off, busy := w.offset(); off != 14 || busy != 0 {
		t.Fatalf("offset %d with %d in flight, want 14, 0", off, busy)
	}
	if w.fetched(13) { // from a getUpdates sent while 13 was in flight
		t.Error("update 13 would be dispatched twice once nothing is in flight")
	}
	w.fetching(14)
	if len(w.ids) != 0 {
		t.Errorf("%d ids kept once nothing is in flight", len(w.ids))
	}
	// After a week without updates Telegram may pick a lower id: the offset follows the newest batch.
	if !w.fetched(5) {
		t.Error("a lower id after the window emptied taken for a repeat")
	}
	w.batch(ups(5))
	w.applied(5, flows.Input{UpdateID: 5}, handled{})
	if off, _ := w.offset(); off != 6 {
		t.Errorf("offset after a lower id: %d, want 6", off)
	}
}

// An update whose replies another process holds stays unconfirmed and is dispatched again when
// re-fetched, until it is done.
func TestPollWindowRetriesHeldUpdates(t *testing.T) {
	w := newPollWindow()
	w.fetching(0)
	if !w.fetched(5) || !w.fetched(6) {
		t.Fatal("new updates not dispatched")
	}
	w.batch([]fetchedUpdate{{ID: 5}, {ID: 6}})
	w.applied(5, flows.Input{UpdateID: 5}, handled{held: true})
	w.applied(6, flows.Input{UpdateID: 6}, handled{sent: true})
	if off, busy := w.offset(); off != 5 || busy != 1 || w.running() != 0 {
		t.Fatalf("offset %d, busy %d, running %d; want the held update to hold the offset, nothing running", off, busy, w.running())
	}
	if w.fetched(6) {
		t.Error("an applied update dispatched again")
	}
	if !w.fetched(5) {
		t.Fatal("the held update was not dispatched again when re-fetched")
	}
	if w.fetched(5) {
		t.Error("the held update dispatched twice while running")
	}
	w.applied(5, flows.Input{UpdateID: 5}, handled{sent: true})
	if off, busy := w.offset(); off != 7 || busy != 0 {
		t.Fatalf("offset %d, busy %d; want past the batch", off, busy)
	}
}
