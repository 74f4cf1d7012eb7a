package bot

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitUntil polls cond until it holds, failing the test after a generous deadline. It decides nothing
// by time: it only bounds a wait that would otherwise hang.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("waiting for %s: timed out", what)
		case <-tick.C:
		}
	}
}

type chatJob struct {
	chat, seq int
	gate      chan struct{} // nil: runs through
}

// Each chat's jobs run in the order added, one at a time; chats run in parallel up to the number of
// workers; nothing is left behind once they are done.
func TestChatsOrderPerChatAndBoundedParallelism(t *testing.T) {
	const workers, nChats, perChat = 4, 50, 20
	var (
		mu      sync.Mutex
		last    = map[int]int{}
		running = map[int]bool{}
		now     atomic.Int32
		peak    atomic.Int32
		ran     sync.WaitGroup
	)
	c := newChats(workers, 64, func(j chatJob) {
		defer ran.Done()
		n := now.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		mu.Lock()
		if running[j.chat] {
			t.Errorf("chat %d runs two jobs at once", j.chat)
		}
		running[j.chat] = true
		if j.seq != last[j.chat]+1 {
			t.Errorf("chat %d: job %d after %d", j.chat, j.seq, last[j.chat])
		}
		last[j.chat] = j.seq
		mu.Unlock()
		runtime.Gosched() // give other workers a chance to overlap
		mu.Lock()
		running[j.chat] = false
		mu.Unlock()
		now.Add(-1)
	})
	var adders sync.WaitGroup
	ran.Add(nChats * perChat)
	for chat := 1; chat <= nChats; chat++ {
		adders.Add(1)
		go func() {
			defer adders.Done()
			for seq := 1; seq <= perChat; seq++ {
				if !c.add(int64(chat), chatJob{chat: chat, seq: seq}) {
					t.Error("add refused before close")
				}
			}
		}()
	}
	adders.Wait()
	ran.Wait()
	c.close()
	if p := peak.Load(); p > workers || p < 1 {
		t.Errorf("peak parallelism %d, want 1..%d", p, workers)
	}
	for chat := 1; chat <= nChats; chat++ {
		if last[chat] != perChat {
			t.Errorf("chat %d ran %d jobs", chat, last[chat])
		}
	}
	if n, w, _ := c.size(); n != 0 || w != 0 {
		t.Errorf("after the work: %d chats, %d jobs left", n, w)
	}
}

// A chat whose job hangs holds neither the other chats nor its own later jobs' place in line: they wait
// for it alone.
func TestChatsSlowChatHoldsOnlyItself(t *testing.T) {
	done := make(chan chatJob, 100)
	c := newChats(2, 100, func(j chatJob) {
		if j.gate != nil {
			<-j.gate
		}
		done <- j
	})
	defer c.close()
	gate := make(chan struct{})
	c.add(1, chatJob{chat: 1, seq: 1, gate: gate})
	c.add(1, chatJob{chat: 1, seq: 2})
	for chat := 2; chat <= 30; chat++ {
		c.add(int64(chat), chatJob{chat: chat, seq: 1})
	}
	for range 29 {
		if j := <-done; j.chat == 1 {
			t.Fatalf("chat 1's job %d ran while its first one hangs", j.seq)
		}
	}
	if n, w, _ := c.size(); n != 1 || w != 1 {
		t.Errorf("while chat 1 hangs: %d chats, %d jobs waiting; want 1, 1", n, w)
	}
	close(gate)
	if a, b := <-done, <-done; a.seq != 1 || b.seq != 2 {
		t.Errorf("chat 1 ran %d then %d", a.seq, b.seq)
	}
}

// add waits while limit jobs are buffered, and goes on once one of them starts.
func TestChatsBoundedBuffer(t *testing.T) {
	gate := make(chan struct{})
	var ran atomic.Int32
	c := newChats(1, 2, func(j chatJob) {
		if j.gate != nil {
			<-j.gate
		}
		ran.Add(1)
	})
	c.add(1, chatJob{gate: gate}) // runs and hangs
	waitUntil(t, "the first job to start", func() bool { _, w, _ := c.size(); return w == 0 })
	c.add(2, chatJob{})
	c.add(3, chatJob{})
	added := make(chan struct{})
	go func() { c.add(4, chatJob{}); close(added) }()
	waitUntil(t, "the third add to wait for room", func() bool { _, _, f := c.size(); return f == 1 })
	select {
	case <-added:
		t.Fatal("add went past the limit")
	default:
	}
	if _, w, _ := c.size(); w != 2 {
		t.Errorf("%d jobs waiting, want the limit 2", w)
	}
	close(gate)
	<-added
	c.close()
	if ran.Load() != 4 {
		t.Errorf("%d jobs ran, want 4", ran.Load())
	}
}

// close runs what was added, then refuses more and releases adds waiting for room.
func TestChatsCloseDrains(t *testing.T) {
	var ran atomic.Int32
	c := newChats(3, 1000, func(chatJob) { ran.Add(1) })
	for i := range 500 {
		c.add(int64(i%7), chatJob{})
	}
	c.close()
	if ran.Load() != 500 {
		t.Errorf("%d of 500 jobs ran before close returned", ran.Load())
	}
	if c.add(1, chatJob{}) {
		t.Error("add accepted a job after close")
	}
}
