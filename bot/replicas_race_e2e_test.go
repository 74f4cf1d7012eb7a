package bot_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
)

// overlap makes two replicas' writes of one chat overlap for certain: the first replica's first commit
// waits until the second replica has loaded the same session and reached its own commit. Then one of
// the two commits meets a changed version and the engine retries it; conflicts counts those.
type overlap struct {
	armed     atomic.Bool
	second    chan struct{} // closed when the second replica reaches its commit
	once      sync.Once
	conflicts atomic.Int32
}

// gatedSessions is one replica's session store with the overlap's gate in front of Commit.
type gatedSessions struct {
	flows.Sessions
	o     *overlap
	first bool
	once  sync.Once
}

func (g *gatedSessions) Commit(ctx context.Context, c flows.Commit) error {
	if g.o.armed.Load() {
		if g.first {
			g.once.Do(func() {
				select {
				case <-g.o.second:
				case <-time.After(settleTimeout): // only stops a hang; the test then fails on the count
				}
			})
		} else {
			g.o.once.Do(func() { close(g.o.second) })
		}
	}
	err := g.Sessions.Commit(ctx, c)
	if errors.Is(err, flows.ErrConflict) {
		g.o.conflicts.Add(1)
	}
	return err
}

func (o *overlap) replica(first bool) e2eOption {
	return withEngine(func(e bot.Engine) bot.Engine {
		fe := e.(*flows.Engine)
		return &flows.Engine{App: fe.App, Sessions: &gatedSessions{Sessions: fe.Sessions, o: o, first: first}}
	})
}

// Two webhook replicas take one update each of the same chat at the same moment, and their writes
// really overlap (both load the session before either commits): both updates are applied, one after
// the other, after one version-conflict retry.
func TestReplicasRacingOnOneChat(t *testing.T) {
	parallel(t)
	const secret = "replicas-racing-secret"
	o := &overlap{second: make(chan struct{})}
	r1 := e2e.Start(t, withWebhook(secret), o.replica(true))
	r2 := e2e.Start(t, withWebhook(secret), sharing(r1), o.replica(false))
	vita := r1.Alumnus("Vita", "id")
	vita.Send("/start").Expect("Siapa nama kamu")

	// Two typed answers race: one is taken as the name, the other then answers the province question.
	o.armed.Store(true)
	a, b := r1.API.SendText(vita.User, "Jambi"), r1.API.SendText(vita.User, "Jambi")
	var wg sync.WaitGroup
	for _, d := range []struct {
		r  *e2eBot
		id int64
	}{{r1, a}, {r2, b}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
			defer cancel()
			status, err := d.r.API.Deliver(ctx, d.r.hookURL, secret, d.id)
			if err != nil || status != http.StatusOK {
				t.Errorf("deliver update %d: %d, %v", d.id, status, err)
			}
		}()
	}
	wg.Wait()
	if n := o.conflicts.Load(); n < 1 {
		t.Fatalf("the replicas' writes did not overlap: %d version conflicts", n)
	}
	tr := vita.Transcript()
	for _, want := range []string{"Salam kenal, Jambi", "provinsi mana", "Di kabupaten atau kota mana di Jambi"} {
		if !strings.Contains(tr, want) {
			t.Errorf("racing inputs were not both applied in turn: no %q in\n%s", want, tr)
		}
	}
}
