package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

const lane = store.NoticesLane

func queueStore(t *testing.T) (*store.Store, redis.UniversalClient) {
	t.Helper()
	rdb := redistest.Start(t).Client(t)
	return store.New(rdb, ""), rdb
}

// streamOf is the notice stream of a meetup, as store/doc.go documents it.
func streamOf(meetup string) string { return "ab:{mt:" + meetup + "}:q" }

// The scripts write notices in encoding v1, which flows.DecodeNotice reads.
func TestNoticesAreQueuedInVersionOne(t *testing.T) {
	ctx := context.Background()
	s, rdb := queueStore(t)
	m := saveMeetup(t, s, "jambi", 1)
	for a := int64(1); a <= 3; a++ {
		if _, err := s.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	exp := now.Add(time.Hour)
	if _, offered, err := s.CancelRSVP(ctx, "jambi", 1, exp); err != nil || !slices.Equal(offered, []int64{2}) {
		t.Fatalf("cancel: offered %v, %v", offered, err)
	}
	if _, _, err := s.ExpireOffers(ctx, "jambi", exp, exp.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TellHolders(ctx, "jambi", flows.NoticeChanged); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CancelMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, err := s.PeekNotices(ctx, "jambi", 100)
	if err != nil {
		t.Fatal(err)
	}
	n := func(k flows.NoticeKind, a int64, until time.Time) flows.Notice {
		return flows.Notice{Kind: k, Meetup: "jambi", Alumnus: a, Until: until}
	}
	want := []flows.Notice{
		n(flows.NoticeOffer, 2, exp), n(flows.NoticeExpired, 2, time.Time{}), n(flows.NoticeOffer, 3, exp.Add(time.Hour)),
		n(flows.NoticeChanged, 3, time.Time{}), n(flows.NoticeCancelled, 3, time.Time{}),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("notices (-want +got):\n%s", diff)
	}
	raw, err := rdb.XRangeN(ctx, streamOf("jambi"), "-", "+", 1).Result()
	if err != nil || len(raw) != 1 {
		t.Fatal(raw, err)
	}
	if diff := cmp.Diff(map[string]any{"v": "1", "kind": "offer", "alumnus": "2", "meetup": "jambi",
		"until": "1726740000"}, raw[0].Values); diff != "" {
		t.Fatalf("entry (-want +got):\n%s", diff)
	}
	if qs, err := s.QueueStreams(ctx, lane); err != nil || !slices.Equal(qs, []string{streamOf("jambi")}) {
		t.Fatalf("registry %v, %v", qs, err)
	}
}

// Read, acknowledge, release: an entry is deleted once done, and an empty stream leaves the registry.
func TestQueueReadAckRelease(t *testing.T) {
	ctx := context.Background()
	s, _ := queueStore(t)
	saveMeetup(t, s, "jambi", 5)
	for a := int64(1); a <= 3; a++ {
		if _, err := s.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.TellHolders(ctx, "jambi", flows.NoticeChanged); err != nil {
		t.Fatal(err)
	}
	q := streamOf("jambi")
	msgs, err := s.ReadQueue(ctx, lane, q, "a", 2)
	if err != nil || len(msgs) != 2 || msgs[0].Deliveries != 1 || msgs[0].Queue != q {
		t.Fatalf("read %+v, %v", msgs, err)
	}
	if more, err := s.ReadQueue(ctx, lane, q, "b", 10); err != nil || len(more) != 1 {
		t.Fatalf("second consumer read %+v, %v: want the one left", more, err)
	}
	for _, m := range msgs {
		if err := s.AckQueue(ctx, lane, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ReleaseQueue(ctx, lane, q); err != nil {
		t.Fatal(err)
	}
	st, err := s.QueueStats(ctx, lane)
	if err != nil || st.Pending != 1 || st.Oldest.IsZero() {
		t.Fatalf("stats %+v, %v: want the one b holds", st, err)
	}
	if qs, _ := s.QueueStreams(ctx, lane); len(qs) != 1 {
		t.Fatalf("a stream with a pending entry left the registry: %v", qs)
	}
	if ns, _ := s.PeekNotices(ctx, "jambi", 10); len(ns) != 1 {
		t.Fatalf("acknowledged entries are still in the stream: %+v", ns)
	}
}

// A consumer that died holding messages: another takes them over with XAUTOCLAIM once idle (here at
// once: min idle 0), with their delivery count.
func TestQueueClaimTakesOverADeadConsumer(t *testing.T) {
	ctx := context.Background()
	s, _ := queueStore(t)
	saveMeetup(t, s, "jambi", 5)
	for a := int64(1); a <= 3; a++ {
		if _, err := s.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.TellHolders(ctx, "jambi", flows.NoticeChanged); err != nil {
		t.Fatal(err)
	}
	q := streamOf("jambi")
	if msgs, err := s.ReadQueue(ctx, lane, q, "dead", 10); err != nil || len(msgs) != 3 {
		t.Fatalf("read %d, %v", len(msgs), err)
	}
	if got, err := s.ClaimQueue(ctx, lane, q, "b", time.Hour, 10); err != nil || len(got) != 0 {
		t.Fatalf("claimed %d entries idle for less than the lease (%v)", len(got), err)
	}
	got, err := s.ClaimQueue(ctx, lane, q, "b", 0, 10)
	if err != nil || len(got) != 3 {
		t.Fatalf("claimed %d, %v", len(got), err)
	}
	for _, m := range got {
		if m.Deliveries != 2 {
			t.Fatalf("%s delivered %d times, want 2", m.ID, m.Deliveries)
		}
	}
	// A failed attempt keeps its count; a message given back untried gets its count back.
	if err := s.RequeueQueue(ctx, lane, "b", got[0], 0, got[0].Deliveries); err != nil {
		t.Fatal(err)
	}
	if err := s.RequeueQueue(ctx, lane, "b", got[1], time.Hour, got[1].Deliveries-1); err != nil {
		t.Fatal(err)
	}
	again, err := s.ClaimQueue(ctx, lane, q, "c", 30*time.Minute, 10)
	if err != nil || len(again) != 1 || again[0].ID != got[1].ID || again[0].Deliveries != 2 {
		t.Fatalf("claimed %+v, %v: want only the one given back, delivered twice", again, err)
	}
	if err := s.DeadLetter(ctx, lane, again[0], "400 Bad Request: chat not found"); err != nil {
		t.Fatal(err)
	}
	dl, err := s.DeadLetters(ctx, 10)
	if err != nil || len(dl) != 1 {
		t.Fatalf("dead letters %+v, %v", dl, err)
	}
	want := flows.DeadLetter{Lane: lane, Queue: q, ID: again[0].ID, Attempts: 2, Error: "400 Bad Request: chat not found",
		At: dl[0].At, Fields: again[0].Fields}
	if diff := cmp.Diff(want, dl[0]); diff != "" {
		t.Fatalf("dead letter (-want +got):\n%s", diff)
	}
	if st, _ := s.QueueStats(ctx, lane); st.Pending != 2 {
		t.Fatalf("pending %d after a dead letter, want 2", st.Pending)
	}
}

// The registry: written after each script, released when empty, and found again by the sweep when
// it was lost.
func TestQueueRegistrySweep(t *testing.T) {
	ctx := context.Background()
	s, rdb := queueStore(t)
	for _, id := range []string{"jambi", "gorontalo", "bali"} {
		saveMeetup(t, s, id, 5)
		if _, err := s.Reserve(ctx, id, 1, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"jambi", "gorontalo"} {
		if _, err := s.TellHolders(ctx, id, flows.NoticeChanged); err != nil {
			t.Fatal(err)
		}
	}
	if err := rdb.Del(ctx, "ab:queues:notices").Err(); err != nil { // a lost registration
		t.Fatal(err)
	}
	if n, err := s.SweepNoticeQueues(ctx); err != nil || n != 2 {
		t.Fatalf("sweep found %d, %v", n, err)
	}
	ids, err := s.OutboxMeetups(ctx)
	slices.Sort(ids)
	if err != nil || !slices.Equal(ids, []string{"gorontalo", "jambi"}) {
		t.Fatalf("registry %v, %v", ids, err)
	}
	// Drained and released; a notice queued afterwards registers the stream again.
	q := streamOf("jambi")
	msgs, _ := s.ReadQueue(ctx, lane, q, "a", 10)
	for _, m := range msgs {
		if err := s.AckQueue(ctx, lane, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ReleaseQueue(ctx, lane, q); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.OutboxMeetups(ctx); !slices.Equal(ids, []string{"gorontalo"}) {
		t.Fatalf("registry after release %v", ids)
	}
	if _, err := s.TellHolders(ctx, "jambi", flows.NoticeChanged); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.OutboxMeetups(ctx); len(ids) != 2 {
		t.Fatalf("registry after a new notice %v", ids)
	}
	if msgs, err := s.ReadQueue(ctx, lane, q, "a", 10); err != nil || len(msgs) != 1 {
		t.Fatalf("read %d, %v after the group's stream was drained", len(msgs), err)
	}
}

// A stream nobody created a group in yet, and one a group exists in already: both read.
func TestQueueGroupCreatedOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := queueStore(t)
	q := streamOf("nowhere")
	if msgs, err := s.ReadQueue(ctx, lane, q, "a", 10); err != nil || len(msgs) != 0 {
		t.Fatalf("read %v, %v", msgs, err)
	}
	if msgs, err := s.ClaimQueue(ctx, lane, streamOf("elsewhere"), "a", 0, 10); err != nil || len(msgs) != 0 {
		t.Fatalf("claim %v, %v", msgs, err)
	}
	if msgs, err := s.ClaimQueue(ctx, lane, q, "a", 0, 10); err != nil || len(msgs) != 0 {
		t.Fatalf("claim %v, %v", msgs, err)
	}
}

// The cancelled-meetup hole: once cancelled, no seat is claimed, reserved or passed on, and the
// offers and the waiting list are gone (their alumni told once).
func TestCancelledMeetupHandsOutNoSeat(t *testing.T) {
	ctx := context.Background()
	s, _ := queueStore(t)
	m := saveMeetup(t, s, "jambi", 1)
	for a := int64(1); a <= 3; a++ { // 1 confirmed; 2, 3 waitlisted
		if _, err := s.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, offered, err := s.CancelRSVP(ctx, "jambi", 1, now.Add(time.Hour)); err != nil || !slices.Equal(offered, []int64{2}) {
		t.Fatalf("offered %v, %v", offered, err)
	}
	if n, err := s.CancelMeetup(ctx, m); err != nil || n != 2 {
		t.Fatalf("told %d, %v", n, err)
	}
	if diff := cmp.Diff(map[int64]int{2: 1, 3: 1}, cancelNotices(t, s, "jambi")); diff != "" {
		t.Fatalf("cancellation notices (-want +got):\n%s", diff)
	}
	av, err := s.Availability(ctx, "jambi")
	if err != nil || av != (flows.Availability{Capacity: 1}) {
		t.Fatalf("availability %+v, %v: want offers and waiting list withdrawn", av, err)
	}
	for _, a := range []int64{2, 3, 9} {
		if seat, err := s.Claim(ctx, "jambi", a, now); err != nil || seat.Status != flows.SeatClosed {
			t.Fatalf("claim by %d: %+v, %v", a, seat, err)
		}
		if seat, err := s.Reserve(ctx, "jambi", a, now); err != nil || seat.Status != flows.SeatClosed {
			t.Fatalf("reserve by %d: %+v, %v", a, seat, err)
		}
	}
	if exp, offered, err := s.ExpireOffers(ctx, "jambi", now.Add(2*time.Hour), now.Add(3*time.Hour)); err != nil || len(exp)+len(offered) != 0 {
		t.Fatalf("expire: %v %v %v", exp, offered, err)
	}
	if seat, _ := s.SeatOf(ctx, "jambi", 2); seat.Status != flows.SeatNone {
		t.Fatalf("2 holds %+v", seat)
	}
	if ns, _ := s.PeekNotices(ctx, "jambi", 100); len(ns) != 3 { // offer to 2, and the two cancellations
		t.Fatalf("notices %+v", ns)
	}
}

// A seat freed in a meetup that is not published (cancelled while someone stayed confirmed, or a
// waitlist left behind by an older version) is not passed on.
func TestUnpublishedMeetupPassesNoSeatOn(t *testing.T) {
	ctx := context.Background()
	s, _ := queueStore(t)
	m := saveMeetup(t, s, "jambi", 1)
	for a := int64(1); a <= 2; a++ {
		if _, err := s.Reserve(ctx, "jambi", a, now); err != nil {
			t.Fatal(err)
		}
	}
	m.Status = flows.MeetupDraft // back to draft: the waiting list stays, nothing moves
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	if was, offered, err := s.CancelRSVP(ctx, "jambi", 1, now.Add(time.Hour)); err != nil || was != flows.SeatConfirmed || len(offered) != 0 {
		t.Fatalf("cancel: %s, offered %v, %v", was, offered, err)
	}
	if _, offered, err := s.ExpireOffers(ctx, "jambi", now, now.Add(time.Hour)); err != nil || len(offered) != 0 {
		t.Fatalf("expire offered %v, %v", offered, err)
	}
	if seat, _ := s.SeatOf(ctx, "jambi", 2); seat.Status != flows.SeatWaitlisted {
		t.Fatalf("2 holds %+v, want still waitlisted", seat)
	}
	m.Status = flows.MeetupPublished // published again: the next freed seat moves
	if err := s.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, offered, err := s.ExpireOffers(ctx, "jambi", now, now.Add(time.Hour)); err != nil || !slices.Equal(offered, []int64{2}) {
		t.Fatalf("expire offered %v, %v", offered, err)
	}
	if seat, err := s.Claim(ctx, "jambi", 2, now); err != nil || seat.Status != flows.SeatConfirmed {
		t.Fatalf("claim %+v, %v", seat, err)
	}
	if seat, err := s.Claim(ctx, "nowhere", 2, now); err != nil || seat.Status != flows.SeatUnknown {
		t.Fatalf("claim at an unknown meetup %+v, %v", seat, err)
	}
}
