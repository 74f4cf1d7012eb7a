package bot

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// menuScopes returns the scopes of the calls of method since the first `from` calls, sorted.
func menuScopes(api *bottest.Server, method string, from int) []string {
	var out []string
	for _, c := range api.CallsTo(method)[from:] {
		scope := "default"
		if i := strings.Index(c.Params["scope"], `"chat_id":`); i >= 0 {
			scope = strings.TrimRight(c.Params["scope"][i+len(`"chat_id":`):], "}")
		}
		out = append(out, scope+"/"+c.Params["language_code"])
	}
	slices.Sort(out)
	return out
}

// The command menus are set once across replicas and restarts: a second replica sets nothing, a new
// organizer gets theirs, and a revoked one's menu is deleted.
func TestMenusSetOnce(t *testing.T) {
	api := bottest.New(t)
	st := store.New(redistest.Start(t).Client(t), "")
	var mu sync.Mutex
	organizers := []int64{42, 7}
	replica := func() *Bot {
		b, err := New(Config{
			Token: api.Token, APIURL: api.URL, Catalog: locales.MustLoad(), Menus: st,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Organizers: func(context.Context) ([]int64, error) {
				mu.Lock()
				defer mu.Unlock()
				return slices.Clone(organizers), nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	ctx := context.Background()
	replica().setMenus(ctx)
	want := []string{"42/", "42/en", "7/", "7/en", "default/", "default/en"}
	if got := menuScopes(api, "setMyCommands", 0); !slices.Equal(got, want) {
		t.Fatalf("first start set %v, want %v", got, want)
	}
	if set, err := st.Menus(ctx); err != nil || len(set) != 3 {
		t.Fatalf("record = %v, %v", set, err)
	}

	// Another replica, or a restart: nothing to do.
	replica().setMenus(ctx)
	if n := len(api.CallsTo("setMyCommands")); n != len(want) {
		t.Fatalf("a second start made %d more setMyCommands calls, want none", n-len(want))
	}

	// Roles changed: 7 revoked, 9 granted.
	mu.Lock()
	organizers = []int64{42, 9}
	mu.Unlock()
	replica().setMenus(ctx)
	if got := menuScopes(api, "setMyCommands", len(want)); !slices.Equal(got, []string{"9/", "9/en"}) {
		t.Errorf("after the roles changed it set %v, want the new organizer's", got)
	}
	if got := menuScopes(api, "deleteMyCommands", 0); !slices.Equal(got, []string{"7/", "7/en"}) {
		t.Errorf("after the roles changed it deleted %v, want the former organizer's", got)
	}
	set, err := st.Menus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(set)); !slices.Equal(got, []string{"42", "9", "default"}) {
		t.Errorf("record scopes = %v", got)
	}
}

// Run returns only once the menus goroutine is done, even when it is still busy at shutdown.
func TestMenusWaitedForOnShutdown(t *testing.T) {
	api := bottest.New(t)
	st := store.New(redistest.Start(t).Client(t), "")
	asked, returned := make(chan struct{}), make(chan struct{})
	var b *Bot
	b, err := New(Config{
		Token: api.Token, APIURL: api.URL, PollTimeout: time.Second, HTTPAddr: "127.0.0.1:0",
		Catalog: locales.MustLoad(), Menus: st, Users: st, Engine: nopEngine{},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Organizers: func(ctx context.Context) ([]int64, error) {
			close(asked)
			<-ctx.Done()
			// A slow Redis: still busy when the bot has stopped everything else (its HTTP server is
			// the last thing before the workers and the menus).
			waitUntil(t, "the HTTP server to stop", func() bool {
				resp, err := http.Get("http://" + b.Addr() + "/healthz")
				if err == nil {
					resp.Body.Close()
				}
				return err != nil
			})
			close(returned)
			return nil, ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	<-asked
	waitUntil(t, "the bot to poll", func() bool { return len(api.Offsets()) > 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	select {
	case <-returned:
	default:
		t.Fatal("Run returned while the menus were still being set")
	}
}

// nopEngine applies nothing.
type nopEngine struct{}

func (nopEngine) Handle(context.Context, flows.Input) (flows.Outcome, error) {
	return flows.Outcome{}, nil
}
func (nopEngine) Undelivered(context.Context, flows.Input) error     { return nil }
func (nopEngine) Sent(context.Context, flows.Input, int) error       { return nil }
func (nopEngine) Delivered(context.Context, ...flows.Input) error    { return nil }
func (nopEngine) Forget(context.Context, flows.Input) error          { return nil }
func (nopEngine) Hold(context.Context, flows.Input, time.Time) error { return nil }
