package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// replyKind sends the same reply to everyone.
type replyKind struct{ r flows.Reply }

func (k replyKind) Message(context.Context, flows.Outbound) (bot.BulkMessage, error) {
	return bot.BulkMessage{Lang: locales.EN, Reply: k.r}, nil
}
func (replyKind) Done(context.Context, flows.Outbound, bot.BulkOutcome) error { return nil }

// Paid broadcasts set allow_paid_broadcast on copies, photos and texts alike; a copy carries the
// buttons; a bulk 429 pauses the bulk lane, not the interactive sender.
func TestBulkPaidCopyPhotoAndA429(t *testing.T) {
	parallel(t)
	w := newBulkWorld(t)
	w.API.SetRecordCalls(true)
	ctx := context.Background()
	b, st, m := w.replica()
	// The organizer's message, their chat's first: message id 1.
	w.API.SendText(bottest.User{ID: 800_000, FirstName: "Org"}, "*Temu alumni* Sabtu ini")
	btn := [][]flows.Button{{{Text: locales.Msg("home.menu"), Data: "h"}}}
	kinds := map[string]bot.BulkKind{
		"c": replyKind{flows.Reply{Copy: &flows.CopyOf{Chat: 800_000, Message: 1}, Buttons: btn}},
		"p": replyKind{flows.Reply{Photo: "https://alumnibot.example/poster.jpg", Text: locales.Text{Raw: "poster"}}},
		"t": replyKind{flows.Reply{Text: locales.Text{Raw: "hello"}}},
	}
	if err := w.Store.QueueBulk(ctx, "test", []map[string]string{{"k": "c", "to": "800001"}, {"k": "p", "to": "800002"}, {"k": "t", "to": "800003"}}); err != nil {
		t.Fatal(err)
	}
	w.API.FailNext("sendMessage", 1, 429, 1)
	lane := b.BulkLane(st, kinds, b.NewBulkRate(st, 100), bot.BulkConfig{Paid: true})
	if err := lane.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if bot.InteractivePaused(b) {
		t.Error("a bulk 429 paused the interactive sender")
	}
	if got := m.Metric("alumnibot_bulk_throttled_total"); got != 1 {
		t.Errorf("throttled %v, want 1", got)
	}
	waitFor(t, "the text after the pause", func() bool {
		_ = lane.RunOnce(ctx)
		return len(w.API.Chat(800_003)) == 1
	})
	for _, method := range []string{"copyMessage", "sendPhoto", "sendMessage"} {
		calls := w.API.CallsTo(method)
		if len(calls) == 0 || calls[len(calls)-1].Params["allow_paid_broadcast"] != "true" {
			t.Errorf("%s: %+v, want allow_paid_broadcast", method, calls)
		}
	}
	if msg, ok := w.API.LastMessage(800_001); !ok || msg.Text != "*Temu alumni* Sabtu ini" || len(msg.Buttons) != 1 {
		t.Errorf("the copy: %+v", msg)
	}
	if msg, ok := w.API.LastMessage(800_002); !ok || msg.Media != "photo" {
		t.Errorf("the photo: %+v", msg)
	}
}

// Two bulk messages to one chat go at least a second apart, whatever the rate.
func TestBulkPacePerChat(t *testing.T) {
	parallel(t)
	w := newBulkWorld(t)
	ctx := context.Background()
	b, st, _ := w.replica()
	w.queue(810_001, 810_001, 810_002)
	lane := b.BulkLane(st, map[string]bot.BulkKind{"t": newTestKind()}, b.NewBulkRate(st, 100), bot.BulkConfig{})
	if err := lane.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(w.API.Chat(810_001)); n != 2 {
		t.Fatalf("%d messages in the chat, want 2", n)
	}
	if span := w.API.SendStats().Span; span < 950*time.Millisecond {
		t.Errorf("the three messages went within %v, want the two to one chat a second apart", span)
	}
}
