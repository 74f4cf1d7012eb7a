package flows_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/ticket"
)

// A step may run twice for one update: Telegram redelivers an update whose commit a crash prevented,
// and the engine runs a step again after a version conflict (another replica applied an input of the
// chat first). Either way the update must have its effects, and every notice, once, and the alumnus or
// organizer must get the answer a run without the fault gives. Each effectful step is played three
// times on a fresh store — without a fault, with a crash between its effects and its commit (then
// redelivered), and with a version conflict at its commit — and the answers and effects compared.

// faultySessions is the store with faults planned per update id; each fault strikes once.
type faultySessions struct {
	flows.Sessions
	mu       sync.Mutex
	crash    map[int64]bool // the commit fails: the process died after the step's effects
	conflict map[int64]bool // the commit meets a version conflict: another replica got in first
}

var errCrash = errors.New("injected: the process died before the commit")

func (f *faultySessions) Commit(ctx context.Context, c flows.Commit) error {
	f.mu.Lock()
	crash, conflict := f.crash[c.Update], f.conflict[c.Update]
	delete(f.crash, c.Update)
	delete(f.conflict, c.Update)
	f.mu.Unlock()
	switch {
	case crash:
		return errCrash
	case conflict:
		return flows.ErrConflict
	}
	return f.Sessions.Commit(ctx, c)
}

type fault int

const (
	noFault fault = iota
	crashBeforeCommit
	conflictAtCommit
)

func (f fault) String() string {
	return [...]string{"no fault", "crash before the commit", "version conflict at the commit"}[f]
}

// effectsWorld is createWorld (every flow wired over a real store) driven through the real engine.
type effectsWorld struct {
	*createWorld
	eng    *flows.Engine
	faults *faultySessions
	signer *ticket.Signer
}

func newEffectsWorld(t *testing.T) *effectsWorld {
	t.Helper()
	w := newCreateWorld(t)
	signer, err := ticket.NewSigner([]byte("flows test check-in secret, 32 bytes"))
	if err != nil {
		t.Fatal(err)
	}
	w.app.Desk, w.app.Tickets = w.st, signer
	codes := 0
	w.st.SetCodeSource(func() string { // the same codes in every run, so answers compare
		codes++
		return "K7MQ2" + string("ABCDEFGHJKMNPQRSTUVWXYZ"[codes%23])
	})
	faults := &faultySessions{Sessions: w.st, crash: map[int64]bool{}, conflict: map[int64]bool{}}
	ew := &effectsWorld{createWorld: w, eng: &flows.Engine{App: w.app, Sessions: faults}, faults: faults, signer: signer}
	w.handle = ew.handle
	return ew
}

// handle runs one input through the engine, as the bot does; the clock moves a second per input.
func (w *effectsWorld) handle(in flows.Input) (flows.Result, error) {
	w.now = w.now.Add(time.Second)
	in.Now = w.now
	out, err := w.eng.Handle(context.Background(), in)
	return out.Result, err
}

// act plays the effectful input under a fault and returns the answer the user finally sees.
func (w *effectsWorld) act(m *member, f fault, do func()) string {
	w.t.Helper()
	next := m.upd + 1
	switch f {
	case crashBeforeCommit:
		w.faults.crash[next] = true
		w.failing = true
		do() // the step's effects happen, then the "process dies"; Telegram redelivers the update
		w.failing = false
		if w.lastErr == nil || !errors.Is(w.lastErr, errCrash) {
			w.t.Fatalf("the injected crash did not strike: %v", w.lastErr)
		}
		m.upd--
		do()
	case conflictAtCommit:
		w.faults.conflict[next] = true
		do()
	default:
		do()
	}
	return w.render(m.last)
}

// effects is what a scenario changed: the meetup's figures and the notices queued, per meetup.
type effects struct {
	Tally   map[string]flows.Tally
	Notices map[string][]string
}

func (w *effectsWorld) effects(meetups ...string) effects {
	w.t.Helper()
	e := effects{Tally: map[string]flows.Tally{}, Notices: map[string][]string{}}
	for _, id := range meetups {
		tl, err := w.st.Tally(context.Background(), id)
		if err != nil {
			w.t.Fatal(err)
		}
		e.Tally[id] = tl
		ns, err := w.st.PeekNotices(context.Background(), id, 1000)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, n := range ns {
			e.Notices[id] = append(e.Notices[id], string(n.Kind)+":"+strconv.FormatInt(n.Alumnus, 10))
		}
	}
	return e
}

func TestEffectsOnceAcrossRedeliveryAndConflict(t *testing.T) {
	const gtlo, small = "gorontalo-2027", "jambi-kecil"
	scenarios := []struct {
		name    string
		meetups []string
		setup   func(w *effectsWorld) // everything before the effectful input
		act     func(w *effectsWorld) (who *member, do func())
	}{{
		name: "RSVP", meetups: []string{gtlo},
		setup: func(w *effectsWorld) {
			vita := w.alumnus(1, "75", "75.71")
			w.send(vita, "/start ev_"+gtlo)
		},
		act: func(w *effectsWorld) (*member, func()) {
			vita := w.users[1]
			return vita, func() { w.tap(vita, w.cat.Render(locales.ID, locales.Msg("btn.rsvp"))) }
		},
	}, {
		name: "claim an offered seat", meetups: []string{small},
		setup: func(w *effectsWorld) {
			w.seatAndWaiting(small)
			if _, _, err := w.st.CancelRSVP(context.Background(), small, 1, w.now.Add(time.Hour)); err != nil {
				w.t.Fatal(err)
			}
		},
		act: func(w *effectsWorld) (*member, func()) {
			b := w.users[2]
			b.last = flows.Result{Lang: locales.ID, Replies: []flows.Reply{{Buttons: [][]flows.Button{{
				flows.GlobalButton(locales.Msg("btn.claim"), "claim", small)}}}}}
			return b, func() { w.tap(b, w.cat.Render(locales.ID, locales.Msg("btn.claim"))) }
		},
	}, {
		name: "/batal", meetups: []string{small},
		setup: func(w *effectsWorld) {
			w.seatAndWaiting(small)
			a := w.users[1]
			w.send(a, "/batal")
			w.tap(a, "Temu Alumni Jambi")
		},
		act: func(w *effectsWorld) (*member, func()) {
			a := w.users[1]
			return a, func() { w.tap(a, w.cat.Render(locales.ID, locales.Msg("btn.cancel_yes"))) }
		},
	}, {
		name: "check-in by code", meetups: []string{gtlo},
		setup: func(w *effectsWorld) { w.seat(1, gtlo); w.host(mkSuper) },
		act: func(w *effectsWorld) (*member, func()) {
			org := w.users[mkSuper]
			return org, func() { w.send(org, "/checkin "+w.code(1, gtlo)) }
		},
	}, {
		name: "check-in by QR", meetups: []string{gtlo},
		setup: func(w *effectsWorld) {
			w.seat(1, gtlo)
			org := w.host(mkSuper)
			w.send(org, "/start ci_"+w.signer.Token(gtlo, 1, w.code(1, gtlo)))
		},
		act: func(w *effectsWorld) (*member, func()) {
			org := w.users[mkSuper]
			return org, func() { w.tap(org, w.cat.Render(locales.ID, locales.Msg("btn.checkin_yes"))) }
		},
	}, {
		name: "meetup cancellation", meetups: []string{gtlo},
		setup: func(w *effectsWorld) {
			w.seat(1, gtlo)
			w.seat(2, gtlo)
			org := w.host(mkSuper)
			w.send(org, "/admin")
			w.tap(org, w.cat.Render(locales.ID, locales.Msg("btn.admin_cancel_meetup")))
			w.tap(org, "Temu Alumni Gorontalo")
		},
		act: func(w *effectsWorld) (*member, func()) {
			org := w.users[mkSuper]
			return org, func() { w.tap(org, w.cat.Render(locales.ID, locales.Msg("btn.admin_cancel_yes"))) }
		},
	}, {
		name: "meetup edit that tells holders", meetups: []string{gtlo},
		setup: func(w *effectsWorld) {
			w.seat(1, gtlo)
			w.seat(2, gtlo)
			org := w.host(mkSuper)
			w.do(org, "/buatacara", "[✏️ Ubah Temu Alumni Gorontalo]", "-", "-", "-", "-", "-", "04-02-2027", "[Tetap]", "-", "50", "[Tetap]", "[✅ Selesai]")
		},
		act: func(w *effectsWorld) (*member, func()) {
			org := w.users[mkSuper]
			return org, func() { w.tap(org, w.cat.Render(locales.ID, locales.Msg("btn.create_save_changes"))) }
		},
	}}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var answers []string
			var effs []effects
			for _, f := range []fault{noFault, crashBeforeCommit, conflictAtCommit} {
				w := newEffectsWorld(t)
				sc.setup(w)
				who, do := sc.act(w)
				answers = append(answers, w.act(who, f, do))
				effs = append(effs, w.effects(sc.meetups...))
			}
			if answers[0] == "" {
				t.Fatal("no answer without a fault")
			}
			for i, f := range []fault{crashBeforeCommit, conflictAtCommit} {
				if diff := cmp.Diff(answers[0], answers[i+1]); diff != "" {
					t.Errorf("%s: the answer differs from a run without fault (-want +got):\n%s", f, diff)
				}
				if diff := cmp.Diff(effs[0], effs[i+1]); diff != "" {
					t.Errorf("%s: the effects differ from a run without fault (-want +got):\n%s", f, diff)
				}
			}
		})
	}
}

// seatAndWaiting gives a one-seat copy of the Jambi meetup to alumnus 1, and its waiting list to 2.
func (w *effectsWorld) seatAndWaiting(id string) {
	w.t.Helper()
	w.smallMeetup(id)
	for i, m := range []*member{w.alumnus(1, "15", "15.71"), w.alumnus(2, "15", "15.71")} {
		w.send(m, "/start ev_"+id)
		label := locales.Msg("btn.rsvp")
		if i > 0 { // the meetup is full by then
			label = locales.Msg("btn.join_waitlist")
		}
		w.tap(m, w.cat.Render(locales.ID, label))
	}
}

// smallMeetup saves a copy of the Jambi demo meetup with one seat.
func (w *effectsWorld) smallMeetup(id string) {
	w.t.Helper()
	m := w.demo[1]
	m.ID, m.Capacity = id, 1
	if err := w.st.SaveMeetup(context.Background(), m); err != nil {
		w.t.Fatal(err)
	}
}

// seat gives an alumnus of Gorontalo a confirmed seat.
func (w *effectsWorld) seat(id int64, meetup string) {
	w.t.Helper()
	m := w.alumnus(id, "75", "75.71")
	w.send(m, "/start ev_"+meetup)
	w.tap(m, w.cat.Render(locales.ID, locales.Msg("btn.rsvp")))
}

func (w *effectsWorld) code(id int64, meetup string) string {
	w.t.Helper()
	s, err := w.st.SeatOf(context.Background(), meetup, id)
	if err != nil || s.Status != flows.SeatConfirmed {
		w.t.Fatalf("seat of %d: %+v, %v", id, s, err)
	}
	return s.Code
}
