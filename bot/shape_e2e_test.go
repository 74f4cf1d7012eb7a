package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/alumnibot/alumnibot/bot/bottest"
)

// The shape conversation.md asks of every answer, checked on what a chat really received from the
// bot (bottest's events), so it holds for whatever flow produced it:
//   - a tap or a typed message is answered by at most one new message plus at most one edit, and by
//     something (a message, an edit, or for a tap at least its callback answered);
//   - every tap's callback query is answered once, so its button stops spinning;
//   - every message and edit is within 1,000 characters and has a button to go on with.
//
// Messages the bot sends on its own (a notice: a seat offered, a meetup changed) land after
// whichever input came last; unprompted says which they are, so they are checked as messages but
// not counted as part of that answer.

// maxReplyChars is conversation.md's hard limit on one message, in UTF-16 units as Telegram counts.
const maxReplyChars = 1000

// shapeProblems lists, one line each, where a chat's events break the shape. Inputs that arrive
// together, before the bot did anything (a double tap, a burst), are one group: each may bring its
// own answer, and every tap among them needs its callback answered.
func shapeProblems(evs []bottest.Event, unprompted func(bottest.Message) bool) []string {
	var out []string
	var inputs []string
	var sends, edits, answers, any int
	closeGroup := func() {
		if len(inputs) == 0 {
			return
		}
		what, taps := fmt.Sprintf("%q", inputs), 0
		for _, in := range inputs {
			if strings.HasPrefix(in, "[tap] ") {
				taps++
			}
		}
		switch {
		case sends > len(inputs) || edits > len(inputs):
			out = append(out, fmt.Sprintf("%s: answered with %d new messages and %d edits", what, sends, edits))
		case any == 0:
			out = append(out, fmt.Sprintf("%s: not answered at all", what))
		}
		if answers != taps {
			out = append(out, fmt.Sprintf("%s: %d callback answers for %d taps", what, answers, taps))
		}
		inputs = nil
	}
	for _, ev := range evs {
		switch ev.Kind {
		case "user":
			if any > 0 {
				closeGroup()
				sends, edits, answers, any = 0, 0, 0, 0
			}
			inputs = append(inputs, ev.Msg.Text)
			continue
		case "answer":
			answers++
			any++
			continue
		case "send":
			if !(unprompted != nil && unprompted(ev.Msg)) {
				sends++
			}
		case "edit":
			edits++
		default:
			continue
		}
		any++
		text := ev.Msg.Text
		after := fmt.Sprintf("%q", inputs)
		if n := len(utf16.Encode([]rune(text))); n > maxReplyChars {
			out = append(out, fmt.Sprintf("after %s: a message of %d characters: %.80q…", after, n, text))
		}
		if len(ev.Msg.Buttons) == 0 {
			out = append(out, fmt.Sprintf("after %s: no way forward (no button) under %.120q", after, text))
		}
	}
	closeGroup()
	return out
}

// checkShape fails the test for every place a user's chat breaks the shape.
func checkShape(t *testing.T, u *e2eUser, unprompted func(bottest.Message) bool) {
	t.Helper()
	if ps := shapeProblems(u.c.API.Events(u.ID), unprompted); len(ps) > 0 {
		t.Errorf("%s's chat breaks conversation.md's shape:\n  %s\n%s", u.FirstName, strings.Join(ps, "\n  "), u.Transcript())
	}
}

// The checker itself: a chat that breaks each rule once, and one that keeps them.
func TestShapeProblemsCatch(t *testing.T) {
	btn := [][]bottest.Button{{{Text: "📅 Lihat acara", Data: "go:0:acara"}}}
	user := func(text string) bottest.Event { return bottest.Event{Kind: "user", Msg: bottest.Message{Text: text}} }
	send := func(text string, b [][]bottest.Button) bottest.Event {
		return bottest.Event{Kind: "send", Msg: bottest.Message{Text: text, Buttons: b}}
	}
	edit := bottest.Event{Kind: "edit", Msg: bottest.Message{Text: "halaman", Buttons: btn}}
	answer := bottest.Event{Kind: "answer"}
	good := []bottest.Event{
		user("/start"), send("Halo", btn),
		user("[tap] Ikut"), answer, edit, send("[photo] tiket", btn),
		user("[tap] Ikut"), answer, // the second of a double tap: the callback answered, nothing else
		user("[tap] ›"), user("[tap] ›"), answer, edit, answer, // a double tap arriving at once
	}
	if ps := shapeProblems(good, nil); len(ps) > 0 {
		t.Errorf("a chat in shape has problems: %v", ps)
	}
	for name, evs := range map[string][]bottest.Event{
		"two messages":     {user("halo"), send("a", btn), send("b", btn)},
		"two edits":        {user("[tap] x"), answer, edit, edit},
		"silence":          {user("halo"), send("a", btn), user("halo lagi")},
		"burst, one short": {user("a"), user("b"), send("a", btn), send("b", btn), send("c", btn)},
		"spinning button":  {user("[tap] x"), send("a", btn)},
		"too long":         {user("halo"), send(strings.Repeat("a", maxReplyChars+1), btn)},
		"dead end":         {user("halo"), send("Ketik /bantuan", nil)},
		"dead-end edit":    {user("[tap] x"), answer, bottest.Event{Kind: "edit", Msg: bottest.Message{Text: "selesai"}}},
	} {
		if ps := shapeProblems(evs, nil); len(ps) != 1 {
			t.Errorf("%s: %d problems found, want 1: %v", name, len(ps), ps)
		}
	}
	// An unprompted notice after an answer is checked as a message but not counted in the answer.
	notice := []bottest.Event{user("[tap] Masuk daftar tunggu"), answer, edit, send("Oke", btn), send("🎟 Kabar baik!", btn)}
	if ps := shapeProblems(notice, func(m bottest.Message) bool { return strings.HasPrefix(m.Text, "🎟") }); len(ps) > 0 {
		t.Errorf("a notice counted as part of an answer: %v", ps)
	}
}
