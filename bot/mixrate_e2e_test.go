package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/schedule"
	"github.com/alumnibot/alumnibot/store"
)

// A meetup's 150 seat holders are reminded and 150 alumni get an announcement, 50 of them holding a
// seat too, while two replicas' bulk lanes (one rate shared through Redis, BROADCAST_RATE 20) and
// their broadcast runners all run: the reminders and the copies go out in the same stretch, every
// reminder and every copy arrives once, nothing else reaches the alumni, who gets both gets them
// apart (the per-chat pace), and no one-second window of what the server received holds more than
// BROADCAST_RATE+1 messages.
func TestMixedRemindersAndBroadcastShareOneRate(t *testing.T) {
	parallel(t)
	const (
		rate     = 20
		holders  = 150 // alumni 0..149 hold a seat
		audience = 150 // alumni 100..249 are the announcement's audience (waves 20–30)
		overlap  = 50  // alumni 100..149: both
		firstID  = int64(760_001)
		copyText = "Kabar dari panitia: pendaftaran program mentoring dibuka sampai Jumat."
	)
	ctx := context.Background()
	w := newBulkWorld(t)
	w.API.SetRecordCalls(true) // for when each chat's messages were sent
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	app := &flows.App{Atlas: atlas, Meetups: w.Store, Roles: w.Store, SuperAdmins: map[int64]bool{}, BotUsername: bottest.BotUsername,
		Reminders: w.Store, Series: w.Store, Broadcasts: w.Store, Surveys: w.Store, ButtonKey: []byte("mixrate button key, 32 bytes long")}

	// The alumni, committed as the bot commits a finished onboarding (which keeps the audience indexes).
	now := time.Date(2024, 9, 19, 19, 0, 0, 0, witaZone) // the evening reminder is due
	all := chatRange(firstID, holders+audience-overlap)
	for i, id := range all {
		wave := 10
		if i >= holders-overlap {
			wave = 20 + i%11
		}
		p := &flows.Profile{Name: fmt.Sprint("Alumni", i), Province: "73", Regency: "73.71", Wave: wave, Lang: locales.ID,
			ConsentAt: now.AddDate(0, -1, 0), CreatedAt: now.AddDate(0, -1, 0), Active: true}
		if err := w.Store.Commit(ctx, flows.Commit{User: id, Update: 1, Next: flows.Session{Profile: p}, Now: now.AddDate(0, -1, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	seated, told := all[:holders], all[holders-overlap:]

	// The meetup and its seats; the reminder job queues the 19:00 WITA reminder for every holder.
	start := time.Date(2024, 9, 20, 9, 0, 0, 0, witaZone)
	m := flows.Meetup{ID: "makassar-mix", Title: "Temu Alumni Makassar", Province: "73", Regency: "73.71",
		Venue: flows.Venue{Name: "Hotel Claro", Address: "Jl. A. P. Pettarani No. 3", Lat: -5.1548, Lon: 119.4353},
		Start: start, End: start.Add(6 * time.Hour), Capacity: holders, Status: flows.MeetupPublished}
	if err := w.Store.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	for _, id := range seated {
		if s, err := w.Store.Reserve(ctx, m.ID, id, start.AddDate(0, 0, -5)); err != nil || s.Status != flows.SeatConfirmed {
			t.Fatalf("seat of %d: %+v %v", id, s, err)
		}
	}
	job := &schedule.Reminders{Store: w.Store, Atlas: atlas, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := job.Pass(ctx, now); err != nil {
		t.Fatal(err)
	}

	// The announcement: a copy of the organizer's message to waves 20–30, started now.
	const organizer = int64(769_999)
	w.API.SendText(bottest.User{ID: organizer, FirstName: "Rina"}, copyText) // message 1 of the organizer's chat
	if _, err := w.Store.CreateBroadcast(ctx, flows.Broadcast{ID: "bmix", Organizer: organizer, Copy: flows.CopyOf{Chat: organizer, Message: 1},
		Audience: flows.Audience{Kind: flows.AudWaves, WaveFrom: 20, WaveTo: 30}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n, err := w.Store.AudienceSize(ctx, flows.Audience{Kind: flows.AudWaves, WaveFrom: 20, WaveTo: 30}); err != nil || n != audience {
		t.Fatalf("audience %d %v, want %d", n, err, audience)
	}

	// Two replicas, each with the bulk lane as cmd/alumnibot wires it and a broadcast runner.
	type replica struct {
		lane   *bot.Bulk
		runner *bot.BroadcastRunner
	}
	var reps []replica
	for i := range 2 {
		b, st, _ := w.replica()
		kinds := bot.ReminderKinds(st, app, func() time.Time { return now })
		kinds[bot.BroadcastKindName] = &bot.BroadcastKind{Store: st, App: app}
		reps = append(reps, replica{
			lane: b.BulkLane(st, kinds, b.NewBulkRate(st, rate), bot.BulkConfig{Senders: 4,
				Lane: bot.LaneConfig{Consumer: "replica-" + string(rune('a'+i)), Batch: 20}}),
			runner: b.BroadcastRunner(bot.BroadcastRunnerConfig{Store: st, App: app, Rate: rate, Every: 100 * time.Millisecond}),
		})
	}
	// Runner passes first, until the announcement's first entries wait beside the reminders: they
	// build the list, feed the lane and send the organizer's progress message, which goes through the
	// interactive sender, not the bulk lane; the send log starts after it.
	for pass := 0; ; pass++ {
		if err := reps[0].runner.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		streams, err := w.Store.QueueStreams(ctx, store.BulkLane)
		if err != nil {
			t.Fatal(err)
		}
		if len(streams) == 2 {
			break
		}
		if pass == 5 {
			t.Fatalf("after %d runner passes the bulk lane's streams are %v, want the reminders' and the announcement's", pass+1, streams)
		}
	}
	if n := len(w.API.Chat(organizer)); n != 1 {
		t.Fatalf("%d messages to the organizer before the lanes start, want the progress message", n)
	}
	w.API.ResetSendLog()

	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, r := range reps {
		wg.Add(2)
		go func() { defer wg.Done(); r.lane.Run(runCtx, 50*time.Millisecond) }()
		go func() { defer wg.Done(); r.runner.Run(runCtx) }()
	}
	want := holders + audience
	deadline := time.Now().Add(2 * time.Minute) // a hang guard: the run takes about 15 s
	for {
		bc, err := w.Store.Broadcast(ctx, "bmix")
		if err != nil {
			t.Fatal(err)
		}
		if bc != nil && bc.Over() && w.API.SendStats().Sent >= want {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			wg.Wait()
			t.Fatalf("after 2 minutes %d of %d sent; broadcast %+v", w.API.SendStats().Sent, want, bc)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A few more passes of everything, so a second copy of anything would show.
	time.Sleep(300 * time.Millisecond)
	cancel()
	wg.Wait()

	// Every reminder and every copy once, and nothing else in the alumni's chats.
	reminded, copied := map[int64]int{}, map[int64]int{}
	for _, id := range all {
		msgs := w.API.Chat(id)
		for _, msg := range msgs {
			switch {
			case strings.Contains(msg.Text, m.Title):
				reminded[id]++
			case msg.Text == copyText:
				copied[id]++
			default:
				t.Errorf("chat %d got %q", id, msg.Text)
			}
		}
	}
	for _, id := range seated {
		if reminded[id] != 1 {
			t.Errorf("seat holder %d got %d reminders, want 1", id, reminded[id])
		}
	}
	for _, id := range told {
		if copied[id] != 1 {
			t.Errorf("alumnus %d of the audience got %d copies, want 1", id, copied[id])
		}
	}
	for _, id := range all[holders:] {
		if reminded[id] != 0 {
			t.Errorf("alumnus %d without a seat got %d reminders", id, reminded[id])
		}
	}
	for _, id := range all[:holders-overlap] {
		if copied[id] != 0 {
			t.Errorf("alumnus %d outside the audience got %d copies", id, copied[id])
		}
	}
	bc, err := w.Store.Broadcast(ctx, "bmix")
	if err != nil || bc.State != flows.BcDone || bc.Sent != audience || bc.Settled() != audience {
		t.Errorf("broadcast %+v %v, want done with %d sent", bc, err, audience)
	}
	claims, err := w.Store.ReminderClaims(ctx, flows.ReminderMeetup, m.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, o := range claims {
		if o == string(bot.BulkSent) {
			sent++
		}
	}
	if sent != holders || len(claims) != holders {
		t.Errorf("reminder outcomes: %d sent of %d claims, want %d of %d", sent, len(claims), holders, holders)
	}

	// Running together: the reminders and the copies went out in the same stretch, not one after the
	// other; and the alumni who got both got them apart (the per-chat pace of a second).
	var firstReminder, lastReminder, firstCopy, lastCopy time.Time
	sentAt := map[int64][]time.Time{}
	for _, c := range w.API.Calls() {
		if c.ErrorCode != 0 || c.ChatID == organizer || (c.Method != "sendMessage" && c.Method != "copyMessage") {
			continue
		}
		first, last := &firstReminder, &lastReminder
		if c.Method == "copyMessage" {
			first, last = &firstCopy, &lastCopy
		}
		if first.IsZero() {
			*first = c.At
		}
		*last = c.At
		sentAt[c.ChatID] = append(sentAt[c.ChatID], c.At)
	}
	if !firstCopy.Before(lastReminder) || !firstReminder.Before(lastCopy) {
		t.Errorf("reminders from %v to %v, copies from %v to %v: want them sent together",
			firstReminder.Format(time.StampMilli), lastReminder.Format(time.StampMilli), firstCopy.Format(time.StampMilli), lastCopy.Format(time.StampMilli))
	}
	minGap := time.Hour
	for _, id := range all[holders-overlap : holders] {
		if at := sentAt[id]; len(at) == 2 {
			minGap = min(minGap, at[1].Sub(at[0]).Abs())
		} else {
			t.Errorf("alumnus %d with a seat and in the audience: %d messages sent, want 2", id, len(at))
		}
	}
	// The lane keeps a second between two messages to one chat; half of it leaves room for a slow
	// request, and without the pace both would go within a few milliseconds.
	if minGap < 500*time.Millisecond {
		t.Errorf("an alumnus got the reminder and the copy %v apart, want about a second", minGap)
	}

	// The pace: the whole log is the bulk lane's; at most rate+1 in any closed one-second window.
	stats := w.API.SendStats()
	peak := w.API.MaxInWindow(time.Second, time.Time{}, time.Time{})
	t.Logf("%d sent in %v (%.1f/s, BROADCAST_RATE %d), %d refused; the busiest second held %d; per second %v; "+
		"reminders %s–%s, copies %s–%s; closest reminder and copy to one alumnus %v apart",
		stats.Sent, stats.Span, stats.Rate(), rate, stats.Refused, peak, w.API.PerSecond(),
		firstReminder.Format("15:04:05.000"), lastReminder.Format("15:04:05.000"), firstCopy.Format("15:04:05.000"), lastCopy.Format("15:04:05.000"), minGap)
	if stats.Sent != want {
		t.Errorf("the server accepted %d messages, want %d", stats.Sent, want)
	}
	if peak > rate+1 {
		t.Errorf("a one-second window held %d messages, want at most %d", peak, rate+1)
	}
}
