package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/store"
)

// heldEngine holds one update between applying it and handing its replies to the bot's sender: the
// moment a second replica may get the same update (Telegram retried it after a timeout). With dead
// set, the holder never sends them, as if its process had died there.
type heldEngine struct {
	bot.Engine
	update  atomic.Int64
	dead    bool
	applied chan struct{} // closed once the held update was applied
	release chan struct{} // closed by free to let the holder go on
	once    sync.Once
	freed   sync.Once
}

// free lets the holder go on; the test calls it, and a cleanup too, so a failing test does not hang.
func (h *heldEngine) free() { h.freed.Do(func() { close(h.release) }) }

func holding(dead bool) (*heldEngine, e2eOption) {
	h := &heldEngine{dead: dead, applied: make(chan struct{}), release: make(chan struct{})}
	return h, withEngine(func(e bot.Engine) bot.Engine { h.Engine = e; return h })
}

func (h *heldEngine) Handle(ctx context.Context, in flows.Input) (flows.Outcome, error) {
	out, err := h.Engine.Handle(ctx, in)
	if in.UpdateID != h.update.Load() {
		return out, err
	}
	h.once.Do(func() { close(h.applied) })
	<-h.release
	if h.dead {
		return flows.Outcome{Skipped: "duplicate"}, err // nothing is sent, nothing is noted
	}
	return out, err
}

// deliverAsync posts an update to a bot's webhook in the background; the status arrives on the channel.
func deliverAsync(c *e2eBot, id int64) <-chan int {
	ch := make(chan int, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
		defer cancel()
		status, err := c.API.Deliver(ctx, c.hookURL, c.secret, id)
		if err != nil {
			c.t.Errorf("deliver %d: %v", id, err)
		}
		ch <- status
	}()
	return ch
}

const replicaSecret = "e2e-Secret_replicas01"

// Two webhook replicas hold the same update at once (Telegram retried it on the second while the first
// was still at it): the update is applied once and its replies go out once, by the first. The second
// sends nothing and answers 503, so that Telegram retries later (the first may die before sending);
// once the first sent them, a retry answers 200.
func TestRepliesOnceAcrossReplicas(t *testing.T) {
	parallel(t)
	held, hold := holding(false)
	a := e2e.Start(t, withWebhook(replicaSecret), hold)
	b := e2e.Start(t, withWebhook(replicaSecret), sharing(a))
	vita := a.Alumnus("Vita", "id")
	vitaStart := a.API.SendText(vita.User, "/start")
	held.update.Store(vitaStart)
	t.Cleanup(held.free) // runs before the bots stop

	statusA := deliverAsync(a, vitaStart)
	<-held.applied
	if status := b.Deliver(vitaStart, replicaSecret); status != http.StatusServiceUnavailable {
		t.Fatalf("the second replica answered %d, want 503 (retry later)", status)
	}
	if n := vita.BotEvents(); n != 0 {
		t.Fatalf("the second replica sent %d messages while the first held the update\n%s", n, vita.Transcript())
	}
	held.free()
	if status := <-statusA; status != http.StatusOK {
		t.Fatalf("the first replica answered %d, want 200", status)
	}
	if n := vita.Messages(); n != 1 {
		t.Fatalf("%d messages, want the reply to /start once\n%s", n, vita.Transcript())
	}
	// Later redeliveries, to either replica, send nothing more.
	for _, c := range []*e2eBot{a, b} {
		if status := c.Deliver(vitaStart, replicaSecret); status != http.StatusOK {
			t.Fatalf("redelivery answered %d", status)
		}
	}
	if n := vita.Messages(); n != 1 {
		t.Fatalf("%d messages after redeliveries, want 1\n%s", n, vita.Transcript())
	}
	vita.Expect("Siapa nama kamu").Tap("Vita").Expect("provinsi mana")
}

// The replica that applied an update dies before sending its replies, after a second replica found the
// update held and answered: once the claim ran out, the next redelivery replays the replies, once.
func TestRepliesOfADeadReplicaAreReplayedOnce(t *testing.T) {
	parallel(t)
	held, hold := holding(true)
	a := e2e.Start(t, withWebhook(replicaSecret), hold)
	// The second replica's clock moves a claim's length per update: its second update comes after the
	// first replica's claim ran out.
	b := e2e.Start(t, withWebhook(replicaSecret), sharing(a), withClockStep(store.ClaimTTL+time.Second))
	vita, budi := a.Alumnus("Vita", "id"), a.Alumnus("Budi", "id")
	budi.c = b
	vitaStart := a.API.SendText(vita.User, "/start")
	held.update.Store(vitaStart)
	t.Cleanup(held.free) // runs before the bots stop

	statusA := deliverAsync(a, vitaStart)
	<-held.applied
	budi.c = b
	budi.Send("/start").Expect("Siapa nama kamu") // the second replica's first update, within the claim
	held.free()
	if status := <-statusA; status != http.StatusOK {
		t.Fatalf("the dying replica answered %d", status)
	}
	if n := vita.BotEvents(); n != 0 {
		t.Fatalf("%d messages from the dead replica", n)
	}
	// Redelivered once the claim ran out: replayed by the second replica, once.
	for range 2 {
		if status := b.Deliver(vitaStart, replicaSecret); status != http.StatusOK {
			t.Fatalf("redelivery answered %d", status)
		}
	}
	if n := vita.Messages(); n != 1 {
		t.Fatalf("%d messages, want the reply to /start once\n%s", n, vita.Transcript())
	}
	vita.Expect("Siapa nama kamu")
}

// A poller applied an update and died before sending its replies or confirming it (its claim on the
// replies is recorded with the update). The next poller fetches the update again: it is applied, and
// its replies are held by the dead one, so it stays unconfirmed and is offered again until the claim
// runs out; then its replies go out, once, without the alumnus having to write again.
func TestPollerReplaysRepliesADeadPollerHeld(t *testing.T) {
	parallel(t)
	var (
		dead    atomic.Int64 // the update the dead process applied
		deadEng *flows.Engine
		mu      sync.Mutex
		held    int // times the live poller found the update held
	)
	var c *e2eBot
	wrap := withEngine(func(e bot.Engine) bot.Engine {
		return engineFunc{Engine: e, handle: func(ctx context.Context, in flows.Input) (flows.Outcome, error) {
			if in.UpdateID == dead.Load() && dead.CompareAndSwap(in.UpdateID, -in.UpdateID) {
				// The dead process: it applied the update, claimed its replies, sent nothing.
				if _, err := deadEng.Handle(ctx, in); err != nil {
					return flows.Outcome{}, err
				}
			}
			out, err := e.Handle(ctx, in)
			if out.Skipped == "held" {
				mu.Lock()
				held++
				mu.Unlock()
			}
			return out, err
		}}
	})
	// The clock moves a third of a claim per update, so the claim runs out after a few offers.
	c = e2e.Start(t, wrap, withClockStep(store.ClaimTTL/3))
	deadEng = &flows.Engine{App: c.App, Sessions: c.Store}
	vita := c.Alumnus("Vita", "id")
	id := c.API.SendText(vita.User, "/start")
	dead.Store(id)
	c.handOver(id)
	if n := vita.Messages(); n != 1 {
		t.Fatalf("%d messages, want the reply to /start once\n%s", n, vita.Transcript())
	}
	mu.Lock()
	defer mu.Unlock()
	if held == 0 {
		t.Fatal("the live poller never found the replies held: the dead process's claim was not exercised")
	}
	vita.Expect("Siapa nama kamu").Tap("Vita").Expect("provinsi mana")
}

// engineFunc is a bot.Engine whose Handle is a function.
type engineFunc struct {
	bot.Engine
	handle func(context.Context, flows.Input) (flows.Outcome, error)
}

func (e engineFunc) Handle(ctx context.Context, in flows.Input) (flows.Outcome, error) {
	return e.handle(ctx, in)
}

// Telegram gives up waiting for a slow webhook answer (a hung Redis, say) and will retry; the replica
// still sends the replies, and drops their record once they went out, so a retry after the claim ran
// out sends nothing again.
func TestWebhookTimeoutSendsRepliesOnce(t *testing.T) {
	parallel(t)
	held, hold := holding(false)
	c := e2e.Start(t, withWebhook(replicaSecret), hold, withClockStep(store.ClaimTTL+time.Second))
	vita := c.Alumnus("Vita", "id")
	id := c.API.SendText(vita.User, "/start")
	held.update.Store(id)
	t.Cleanup(held.free)

	ctx, giveUp := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() {
		_, err := c.API.Deliver(ctx, c.hookURL, replicaSecret, id)
		gone <- err
	}()
	<-held.applied
	giveUp() // Telegram's timeout
	if err := <-gone; err == nil {
		t.Fatal("the cancelled delivery got an answer")
	}
	held.free()
	if err := c.API.WaitEvents(context.Background(), vita.ID, 1); err != nil {
		t.Fatal(err)
	}
	rdb := c.Redis.Client(t)
	conv := fmt.Sprintf("ab:{u:%d}:conv", vita.ID)
	waitFor(t, "the record of the sent replies to be dropped", func() bool {
		kept, err := rdb.HExists(context.Background(), conv, fmt.Sprintf("r:%d", id)).Result()
		return err == nil && !kept
	})
	sent := vita.Messages()
	if status := c.Deliver(id, replicaSecret); status != http.StatusOK { // the retry, after the claim
		t.Fatalf("retry answered %d, want 200", status)
	}
	if n := vita.Messages(); n != sent {
		t.Fatalf("%d messages after the retry, want %d: the replies went out twice\n%s", n, sent, vita.Transcript())
	}
}

// noDrop is an engine whose record of sent replies is never dropped, as if the process died right
// after sending them.
type noDrop struct {
	bot.Engine
	on *atomic.Bool // only while set
}

func (e noDrop) Delivered(ctx context.Context, ins ...flows.Input) error {
	if e.on.Load() {
		return nil
	}
	return e.Engine.Delivered(ctx, ins...)
}

// A crash between sending an update's replies and dropping their record replays them; an edit that
// already shows its text is not sent again as a new message ("message is not modified").
func TestReplayedEditIsNotSentAgain(t *testing.T) {
	parallel(t)
	var crash atomic.Bool
	c := e2e.Start(t, withWebhook(replicaSecret), withEngine(func(e bot.Engine) bot.Engine { return noDrop{e, &crash} }),
		withClockStep(store.ClaimTTL+time.Second))
	vita := c.Alumnus("Vita", "id")
	vita.Send("/start").Tap("Vita")
	crash.Store(true)
	vita.Tap("Berikutnya ›") // the province list's next page: an edit of the tapped message
	crash.Store(false)
	tap := vita.Last
	msgs, edits := vita.Messages(), len(c.API.CallsTo("editMessageText"))
	if status := c.Deliver(tap, replicaSecret); status != http.StatusOK { // redelivered after the claim
		t.Fatalf("redelivery answered %d", status)
	}
	if n := vita.Messages(); n != msgs {
		t.Fatalf("%d messages after the replay, want %d\n%s", n, msgs, vita.Transcript())
	}
	if len(c.API.CallsTo("editMessageText")) == edits {
		t.Fatal("nothing was replayed: the test did not exercise the replay")
	}
}

// A replica whose sending takes longer than a claim (a long 429 pause, a slow upload) keeps renewing
// its claim: a second replica given the update after the first claim would have run out still finds it
// held and sends nothing, and the replies go out once, by the first.
func TestSlowSendKeepsItsClaim(t *testing.T) {
	parallel(t)
	// The first replica's clock moves ten seconds a reading and renews every 20 ms (real time): its
	// renewals carry the claim well past the second replica's clock.
	a := e2e.Start(t, withWebhook(replicaSecret), withClockStep(10*time.Second), withClaimRenewal(20*time.Millisecond))
	b := e2e.Start(t, withWebhook(replicaSecret), sharing(a), withClockStep(store.ClaimTTL+time.Second))
	vita, budi := a.Alumnus("Vita", "id"), a.Alumnus("Budi", "id")
	gate := a.API.Hold("sendMessage", vita.ID)
	t.Cleanup(gate.Release)
	vitaStart := a.API.SendText(vita.User, "/start")
	statusA := deliverAsync(a, vitaStart)
	if err := gate.WaitHeld(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	// Renewed past the second replica's clock after its first update (ClaimTTL+1s from the start).
	rdb := a.Redis.Client(t)
	conv, field := fmt.Sprintf("ab:{u:%d}:conv", vita.ID), fmt.Sprintf("r:%d", vitaStart)
	beyond := e2eBotClockStart.Add(2 * (store.ClaimTTL + time.Second)).UnixMilli()
	waitFor(t, "the claim to be renewed", func() bool {
		v, err := rdb.HGet(context.Background(), conv, field).Result()
		if err != nil {
			return false
		}
		until, _, _ := strings.Cut(v, " ")
		ms, _ := strconv.ParseInt(until, 10, 64)
		return ms > beyond
	})
	budi.c = b
	budi.Send("/start").Expect("Siapa nama kamu") // moves the second replica's clock past the first claim
	if status := b.Deliver(vitaStart, replicaSecret); status != http.StatusServiceUnavailable {
		t.Fatalf("the second replica answered %d while the first was still sending, want 503", status)
	}
	gate.Release()
	if status := <-statusA; status != http.StatusOK {
		t.Fatalf("the slow replica answered %d, want 200", status)
	}
	if status := b.Deliver(vitaStart, replicaSecret); status != http.StatusOK {
		t.Fatalf("redelivery answered %d", status)
	}
	if n := vita.Messages(); n != 1 {
		t.Fatalf("%d messages, want the reply to /start once\n%s", n, vita.Transcript())
	}
}

// failingDrop is an engine whose first drops of sent replies fail, as on a hung Redis.
type failingDrop struct {
	bot.Engine
	fails *atomic.Int64 // drops still to fail
}

func (e failingDrop) Delivered(ctx context.Context, ins ...flows.Input) error {
	if e.fails.Add(-1) >= 0 {
		return fmt.Errorf("drop kept replies: %w", os.ErrDeadlineExceeded)
	}
	return e.Engine.Delivered(ctx, ins...)
}

// Dropping the record of sent replies failed (Redis hung a moment): it is tried again, so that a
// redelivery after the claim ran out does not send the replies a second time.
func TestFailedDropIsRetried(t *testing.T) {
	parallel(t)
	var fails atomic.Int64
	fails.Store(1)
	c := e2e.Start(t, withWebhook(replicaSecret), withClockStep(store.ClaimTTL+time.Second),
		withEngine(func(e bot.Engine) bot.Engine { return failingDrop{e, &fails} }))
	vita := c.Alumnus("Vita", "id")
	id := c.API.SendText(vita.User, "/start")
	if status := c.Deliver(id, replicaSecret); status != http.StatusOK {
		t.Fatalf("delivery answered %d", status)
	}
	rdb := c.Redis.Client(t)
	conv, field := fmt.Sprintf("ab:{u:%d}:conv", vita.ID), fmt.Sprintf("r:%d", id)
	waitFor(t, "the record of the sent replies to be dropped after all", func() bool {
		kept, err := rdb.HExists(context.Background(), conv, field).Result()
		return err == nil && !kept
	})
	if fails.Load() >= 0 {
		t.Fatal("no drop failed: the test did not exercise the retry")
	}
	if status := c.Deliver(id, replicaSecret); status != http.StatusOK { // after the claim
		t.Fatalf("redelivery answered %d", status)
	}
	if n := vita.Messages(); n != 1 {
		t.Fatalf("%d messages, want the reply to /start once\n%s", n, vita.Transcript())
	}
}
