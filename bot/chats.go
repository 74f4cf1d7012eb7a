package bot

import "sync"

// chats runs work per chat: one chat's jobs one after another in the order added, different chats in
// parallel on a fixed pool of workers. A chat with more jobs goes to the back of the line after each
// one, so a busy chat cannot starve the others. Only chats with jobs queued or running have an entry;
// an idle chat leaves nothing behind. At most limit jobs wait (running ones not counted): add blocks
// while the buffer is full, so a flood cannot grow memory without bound.
type chats[J any] struct {
	run   func(J)
	limit int

	mu      sync.Mutex
	work    sync.Cond // a chat became ready, or closing
	room    sync.Cond // a job left the buffer, or closing
	byChat  map[int64]*chatQueue[J]
	ready   []*chatQueue[J] // chats waiting for a worker, oldest first; each once at most
	waiting int             // jobs buffered, not running
	full    int             // adds waiting for room
	closed  bool
	wg      sync.WaitGroup
}

// chatQueue is one chat's pending jobs. It is either in chats.ready or held by one worker.
type chatQueue[J any] struct {
	chat int64
	jobs []J
}

// newChats starts workers goroutines that call run for each job added; limit bounds the jobs waiting.
func newChats[J any](workers, limit int, run func(J)) *chats[J] {
	c := &chats[J]{run: run, limit: max(limit, 1), byChat: make(map[int64]*chatQueue[J])}
	c.work.L, c.room.L = &c.mu, &c.mu
	c.wg.Add(workers)
	for range workers {
		go c.worker()
	}
	return c
}

// add queues j behind chat's earlier jobs, waiting while the buffer is full. It reports false, and
// queues nothing, once close was called.
func (c *chats[J]) add(chat int64, j J) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.waiting >= c.limit && !c.closed {
		c.full++
		c.room.Wait()
		c.full--
	}
	if c.closed {
		return false
	}
	c.waiting++
	q := c.byChat[chat]
	if q == nil {
		q = &chatQueue[J]{chat: chat}
		c.byChat[chat] = q
		c.ready = append(c.ready, q)
		c.work.Signal()
	}
	q.jobs = append(q.jobs, j)
	return true
}

func (c *chats[J]) worker() {
	defer c.wg.Done()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for len(c.ready) == 0 && !c.closed {
			c.work.Wait()
		}
		if len(c.ready) == 0 {
			return // closed and drained
		}
		q := c.ready[0]
		c.ready[0] = nil
		c.ready = c.ready[1:]
		j := q.jobs[0]
		var zero J
		q.jobs[0] = zero
		q.jobs = q.jobs[1:]
		c.waiting--
		c.room.Signal()

		c.mu.Unlock()
		c.run(j)
		c.mu.Lock()

		if len(q.jobs) > 0 {
			c.ready = append(c.ready, q) // its next job waits its turn behind the other chats
			c.work.Signal()
		} else {
			delete(c.byChat, q.chat)
		}
	}
}

// close lets the workers finish every job added and waits for them; add then refuses new ones.
func (c *chats[J]) close() {
	c.mu.Lock()
	c.closed = true
	c.work.Broadcast()
	c.room.Broadcast()
	c.mu.Unlock()
	c.wg.Wait()
}

// size reports the chats with work, the jobs waiting and the adds waiting for room.
func (c *chats[J]) size() (chats, waiting, full int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byChat), c.waiting, c.full
}
