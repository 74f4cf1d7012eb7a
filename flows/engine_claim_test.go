package flows_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// Two replicas handle the same new update at the same moment: it is applied once, and exactly one of
// them gets replies to send.
func TestSameUpdateOnTwoReplicasAtOnce(t *testing.T) {
	ctx := context.Background()
	e1, st := newEngine(t)
	e2 := &flows.Engine{App: e1.App, Sessions: st}
	for round := range int64(20) {
		in := start(1 + round)
		in.UserID = 100 + round
		outs := make([]flows.Outcome, 2)
		var wg sync.WaitGroup
		for i, e := range []*flows.Engine{e1, e2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if outs[i], err = e.Handle(ctx, in); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		sending := 0
		for _, o := range outs {
			if len(o.Replies) > 0 {
				sending++
			}
		}
		if sending != 1 || outs[0].Skipped == outs[1].Skipped {
			t.Fatalf("round %d: %d replicas have replies to send; outcomes %+v", round, sending, outs)
		}
	}
}

// A replica applies an update and dies before sending; no redelivery comes (the other replica
// answered it while the claim held). Once the claim ran out, the chat's next update carries the
// replies, once.
func TestRepliesOfADeadHolderComeWithTheNextUpdate(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	first, err := e.Handle(ctx, start(1))
	if err != nil || len(first.Replies) != 1 {
		t.Fatalf("first: %+v, %v", first, err)
	}
	// Within the claim, the next update carries nothing: the holder may still be sending.
	name := flows.Input{UpdateID: 2, UserID: 11, Kind: flows.KindText, Text: "Vita", Now: now}
	out, err := e.Handle(ctx, name)
	if err != nil || len(out.Replies) != 1 {
		t.Fatalf("next update within the claim: %+v, %v", out.Replies, err)
	}
	// After the claim, an update carries both earlier results (neither was known sent), oldest first.
	province := flows.Input{UpdateID: 3, UserID: 11, Kind: flows.KindText, Text: "Jambi", Now: now.Add(store.ClaimTTL)}
	out, err = e.Handle(ctx, province)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Replies {
		got = append(got, lastID(r.Text))
	}
	want := []string{"onboard.ask_name", "onboard.ask_province", "onboard.ask_regency"}
	if !slices.Equal(got, want) {
		t.Fatalf("replies = %v, want %v", got, want)
	}
	// Carried once: a redelivery of update 1 has nothing left to send.
	late := start(1)
	late.Now = now.Add(2 * store.ClaimTTL)
	if out, err := e.Handle(ctx, late); err != nil || len(out.Replies) != 0 {
		t.Fatalf("redelivery of a carried update: %+v, %v", out.Replies, err)
	}
}

// A profile with a field that cannot be read does not lock its alumnus out: the rest is read and the
// alumnus is answered.
func TestUnreadableProfileFieldDoesNotLockOut(t *testing.T) {
	ctx := context.Background()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	rdb := redistest.Start(t).Client(t)
	st := store.New(rdb, "")
	e := &flows.Engine{App: &flows.App{Atlas: atlas}, Sessions: st}
	err = rdb.HSet(ctx, "ab:{u:11}:profile", "name", "Vita", "province", "15", "regency", "15.71", "wave", "dua puluh",
		"lang", "id", "consent_at", "kemarin", "created_at", "2024-09-19T09:00:00Z", "active", "1").Err()
	if err != nil {
		t.Fatal(err)
	}
	in := flows.Input{UpdateID: 1, UserID: 11, Kind: flows.KindCommand, Command: "profil", Now: now}
	out, err := e.Handle(ctx, in)
	if err != nil || len(out.Replies) == 0 {
		t.Fatalf("/profil with an unreadable wave: %+v, %v", out, err)
	}
	p, err := st.Profile(ctx, 11)
	if err != nil || p == nil || p.Name != "Vita" || p.Wave != 0 || !p.ConsentAt.IsZero() || p.CreatedAt.IsZero() {
		t.Fatalf("profile = %+v, %v", p, err)
	}
}

// A replica sent the first of an update's two replies and died: the replay after its claim sends
// only the second.
func TestReplayResumesAfterTheRepliesSent(t *testing.T) {
	ctx := context.Background()
	e, st := newEngine(t)
	res := flows.Result{Replies: []flows.Reply{{Text: locales.Msg("help.text")}, {Text: locales.Msg("unknown.text")}}}
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	in := start(7)
	if err := st.Commit(ctx, flows.Commit{User: in.UserID, Update: in.UpdateID, Result: raw, Now: now}); err != nil {
		t.Fatal(err)
	}
	if err := e.Sent(ctx, in, 1); err != nil {
		t.Fatal(err)
	}
	late := in
	late.Now = now.Add(store.ClaimTTL)
	again, err := e.Handle(ctx, late)
	if err != nil || again.Skipped != "duplicate" || again.SentBefore != 1 || len(again.Replies) != 1 ||
		again.Replies[0].Text.ID != "unknown.text" {
		t.Fatalf("replay = %+v, %v; want only the second reply, after 1 sent", again, err)
	}
}
