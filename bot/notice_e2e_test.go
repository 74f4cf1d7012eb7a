package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
)

// A change of date or venue reaches every alumnus holding a place, once, in their language.
func TestChangedMeetupIsToldOnce(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	atlas, demo := demoMeetups(t)
	if err := c.Store.SaveMeetup(ctx, demo[1]); err != nil {
		t.Fatal(err)
	}
	vita := c.Alumnus("Vita", "id").Onboard()
	ann := c.Alumnus("Ann", "en").Onboard()
	for _, u := range []*e2eUser{vita, ann} {
		if _, err := c.Store.Reserve(ctx, demo[1].ID, u.ID, demo[1].Start.AddDate(0, -1, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.Store.TellHolders(ctx, demo[1].ID, flows.NoticeChanged); err != nil || n != 2 {
		t.Fatalf("TellHolders = %d, %v", n, err)
	}
	for range 2 { // a second run sends nothing again
		if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
			t.Fatal(err)
		}
	}
	if got := countMessages(c.API.Chat(vita.ID), "Ada perubahan untuk Temu Alumni Jambi"); got != 1 {
		t.Errorf("Vita told %d times\n%s", got, vita.Transcript())
	}
	if got := countMessages(c.API.Chat(ann.ID), "Temu Alumni Jambi has changed"); got != 1 {
		t.Errorf("Ann told %d times\n%s", got, ann.Transcript())
	}
	// The notice, sent on its own, has a way on like every message.
	notice := func(m bottest.Message) bool {
		return strings.HasPrefix(m.Text, "Ada perubahan") || strings.HasPrefix(m.Text, "Temu Alumni Jambi has changed")
	}
	checkShape(t, vita, notice)
	checkShape(t, ann, notice)
}
