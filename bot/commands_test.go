package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// At start the bot registers the alumni menu in Indonesian (default) and English, and each
// organizer's chat gets the organizer commands too.
func TestCommandMenus(t *testing.T) {
	api := bottest.New(t)
	st := store.New(redistest.Start(t).Client(t), "")
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{
		Token: api.Token, APIURL: api.URL, PollTimeout: time.Second,
		Engine: &flows.Engine{App: &flows.App{Atlas: atlas}, Sessions: st}, Users: st, Catalog: locales.MustLoad(),
		Organizers: func(context.Context) ([]int64, error) { return []int64{42}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wait, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	for len(api.CallsTo("setMyCommands")) < 4 { // default id, en; chat 42 id, en
		if wait.Err() != nil {
			t.Fatalf("setMyCommands calls: %d", len(api.CallsTo("setMyCommands")))
		}
		if err := api.WaitIdle(wait); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if cmds := api.MyCommands(""); len(cmds) == 0 || cmds[0].Command != "start" || !strings.Contains(cmds[0].Description, "profil") {
		t.Errorf("default menu = %+v", cmds)
	}
	if cmds := api.MyCommands("en"); len(cmds) == 0 || !strings.Contains(cmds[0].Description, "profile") {
		t.Errorf("English menu = %+v", cmds)
	}
	organizer := 0
	for _, c := range api.CallsTo("setMyCommands") {
		if strings.Contains(c.Params["scope"], `"chat_id":42`) {
			organizer++
			if !strings.Contains(c.Params["commands"], `"command":"checkin"`) || !strings.Contains(c.Params["commands"], `"command":"acara"`) {
				t.Errorf("organizer menu = %s", c.Params["commands"])
			}
		} else if strings.Contains(c.Params["commands"], `"command":"checkin"`) {
			t.Errorf("organizer commands in the alumni menu: %s", c.Params["commands"])
		}
	}
	if organizer != 2 {
		t.Errorf("%d organizer menus, want 2 (id, en)", organizer)
	}
}
