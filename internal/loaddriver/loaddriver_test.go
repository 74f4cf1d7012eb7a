package loaddriver_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/internal/loaddriver"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// TestOnboardManyAlumni is the load run of cmd/alumniload at a size CI affords: 200 alumni, 50 at a
// time, through the real bot on real Redis, each must get exactly their own conversation.
func TestOnboardManyAlumni(t *testing.T) {
	const alumni, concurrency = 200, 50
	rs := redistest.Start(t)
	rdb, err := store.Open(rs.URL, 64+16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	srv := bottest.New(t)
	srv.SetRecordCalls(false)
	stop, err := loaddriver.StartBot(loaddriver.BotConfig{APIURL: srv.URL, Redis: rdb})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop() })

	rep, err := loaddriver.Run(t.Context(), srv, loaddriver.Config{
		Alumni: alumni, Concurrency: concurrency, FirstUser: 5_000_000,
		// Stopping the bot finishes and confirms everything in flight: after it, every reply that
		// will ever come has come, without waiting for a quiet period.
		Settle: func(context.Context) error { return stop() },
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Write(&out)
	t.Log("\n" + out.String())
	if !rep.OK() {
		t.Fatalf("load run failed:\n%s", out.String())
	}
	if rep.Updates != 7*alumni || rep.BotActions != 11*alumni { // 7 messages (one per input) and 4 answered taps
		t.Errorf("%d updates and %d bot actions, want %d and %d", rep.Updates, rep.BotActions, 7*alumni, 11*alumni)
	}
	if n := srv.PendingUpdates(); n != 0 {
		t.Errorf("%d updates still unconfirmed after the bot stopped", n)
	}
}

// TestRunReportsForeignReplies checks the checker: a reply sent into an alumnus's chat that their
// conversation did not call for is a mismatch, and makes the run fail.
func TestRunReportsForeignReplies(t *testing.T) {
	rs := redistest.Start(t)
	rdb, err := store.Open(rs.URL, 16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	srv := bottest.New(t)
	stop, err := loaddriver.StartBot(loaddriver.BotConfig{APIURL: srv.URL, Redis: rdb, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop() })
	const first = 7_000_000
	rep, err := loaddriver.Run(t.Context(), srv, loaddriver.Config{
		Alumni: 3, Concurrency: 3, FirstUser: first,
		Settle: func(ctx context.Context) error {
			if err := stop(); err != nil {
				return err
			}
			// Another alumnus's reply lands in the second alumnus's chat after the fact.
			other, _ := srv.LastMessage(first)
			injectForeign(t, srv, first+1, other.Text)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || len(rep.Mismatches) != 1 || rep.Mismatches[0].User != first+1 || rep.Completed != 2 {
		var out bytes.Buffer
		rep.Write(&out)
		t.Fatalf("want exactly one mismatch, for user %d:\n%s", first+1, out.String())
	}
}

// injectForeign makes the fake server record a bot message in chat, as if the bot had sent it there.
func injectForeign(t *testing.T, srv *bottest.Server, chat int64, text string) {
	t.Helper()
	resp, err := http.PostForm(srv.URL+"/bot"+srv.Token+"/sendMessage", url.Values{
		"chat_id": {strconv.FormatInt(chat, 10)}, "text": {text},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sendMessage: HTTP %d", resp.StatusCode)
	}
}

// TestRunWithoutAnswersFails checks that alumni who get no answer count as errors, not as completed.
func TestRunWithoutAnswersFails(t *testing.T) {
	srv := bottest.New(t) // and no bot
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // so that waiting for an answer ends at once
	rep, err := loaddriver.Run(ctx, srv, loaddriver.Config{
		Alumni: 3, Concurrency: 2, FirstUser: 9_000_000,
		Settle: func(context.Context) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Completed != 0 || len(rep.Errors) != 3 || len(rep.Mismatches) != 0 {
		var out bytes.Buffer
		rep.Write(&out)
		t.Fatalf("want 3 errors and nothing completed:\n%s", out.String())
	}
}

// TestWebhookReplicasTakeSeats is the webhook run at a size CI affords: 50 alumni, 10 at a time,
// onboarding and taking a seat, each update pushed to one of two in-process replicas on one Redis.
func TestWebhookReplicasTakeSeats(t *testing.T) {
	const alumni, concurrency = 50, 10
	rs := redistest.Start(t)
	rdb, err := store.Open(rs.URL, 2*(16+8))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, err := loaddriver.LoadMeetup(atlas, "load-1", 2*alumni, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := loaddriver.SeedMeetup(t.Context(), store.New(rdb, ""), m); err != nil {
		t.Fatal(err)
	}
	srv := bottest.New(t)
	srv.SetRecordCalls(false)
	const secret = "alumniload-test-secret"
	var urls []string
	var stops []func() error
	for range 2 {
		addr, stop, err := loaddriver.StartWebhookBot(loaddriver.BotConfig{APIURL: srv.URL, Redis: rdb, Workers: 16,
			WebhookURL: "http://127.0.0.1/hook", WebhookSecret: secret, HTTPAddr: "127.0.0.1:0"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = stop() })
		urls = append(urls, "http://"+addr+"/hook")
		stops = append(stops, stop)
	}
	hook := &loaddriver.Webhook{Srv: srv, URLs: urls, Secret: secret}
	rep, err := loaddriver.Run(t.Context(), srv, loaddriver.Config{
		Alumni: alumni, Concurrency: concurrency, FirstUser: 6_000_000, Meetup: &m, Deliver: hook.Deliver,
		// Every update was accepted (a 2xx comes after its replies were sent), so stopping the
		// replicas leaves nothing to come.
		Settle: func(context.Context) error {
			for _, stop := range stops {
				if err := stop(); err != nil {
					return err
				}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Write(&out)
	st := hook.Stats()
	st.Write(&out)
	t.Log("\n" + out.String())
	if !rep.OK() {
		t.Fatalf("load run failed:\n%s", out.String())
	}
	// Onboarding: 7 inputs, 11 bot actions; then the list, the page (and its callback answer), and
	// the page updated, the ticket (and the answer).
	if rep.Updates != 10*alumni || rep.BotActions != 17*alumni {
		t.Errorf("%d updates and %d bot actions, want %d and %d", rep.Updates, rep.BotActions, 10*alumni, 17*alumni)
	}
	if st.Updates != rep.Updates || st.GaveUp != 0 || st.Accepted[0] == 0 || st.Accepted[1] == 0 {
		t.Errorf("webhook delivery: %+v, want all %d updates accepted, by both replicas", st, rep.Updates)
	}
	if n := srv.PendingUpdates(); n != 0 {
		t.Errorf("%d updates never accepted", n)
	}
}
