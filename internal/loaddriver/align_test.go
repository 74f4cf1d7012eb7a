package loaddriver

import (
	"slices"
	"testing"

	"github.com/alumnibot/alumnibot/bot/bottest"
)

// TestAlign checks the checker's alignment: a reply seen twice is a duplicate (even as a new message
// after a refused edit, with every later message id shifted), a reply skipped is lost, and a reply
// of nobody's conversation is foreign.
func TestAlign(t *testing.T) {
	want := []expect{
		{kind: "user", id: 1, text: "/start"},
		{kind: "send", id: 2, text: "welcome"},
		{kind: "send", id: 3, text: "name?"},
		{kind: "user", id: 3, text: "[tap] Vita"},
		{kind: "answer", id: 3},
		{kind: "edit", id: 3, text: "name: Vita"},
		{kind: "send", id: 4, text: "province?"},
	}
	ev := func(kind string, id int, text string) bottest.Event {
		return bottest.Event{Kind: kind, Msg: bottest.Message{ID: id, Text: text}}
	}
	for _, tc := range []struct {
		name     string
		events   []bottest.Event
		dups     []int
		lost     []int // expected events unmatched
		foreign  int
		complete bool
	}{
		{name: "exact", events: []bottest.Event{ev("user", 1, "/start"), ev("send", 2, "welcome"), ev("send", 3, "name?"),
			ev("user", 3, "[tap] Vita"), ev("answer", 3, ""), ev("edit", 3, "name: Vita"), ev("send", 4, "province?")},
			foreign: -1, complete: true},
		{name: "duplicates", events: []bottest.Event{ev("user", 1, "/start"), ev("send", 2, "welcome"), ev("send", 3, "welcome"),
			ev("send", 4, "name?"), ev("user", 4, "[tap] Vita"), ev("answer", 4, ""), ev("edit", 4, "name: Vita"),
			ev("send", 5, "name: Vita"), ev("send", 6, "province?")},
			dups: []int{2, 7}, foreign: -1, complete: true},
		{name: "lost", events: []bottest.Event{ev("user", 1, "/start"), ev("send", 2, "welcome"),
			ev("user", 2, "[tap] Vita"), ev("answer", 2, ""), ev("send", 3, "province?")},
			lost: []int{2, 5}, foreign: -1, complete: true},
		{name: "pending", events: []bottest.Event{ev("user", 1, "/start"), ev("send", 2, "welcome")},
			lost: []int{2, 3, 4, 5, 6}, foreign: -1},
		{name: "foreign", events: []bottest.Event{ev("user", 1, "/start"), ev("send", 2, "welcome"), ev("send", 3, "Halo Budi")},
			lost: []int{2, 3, 4, 5, 6}, foreign: 2},
	} {
		w := slices.Clone(want)
		if tc.name == "lost" { // the tap was on the message as seen
			w[3].id, w[4].id = 2, 2
		}
		if tc.name == "duplicates" {
			w[3].id, w[4].id = 4, 4
		}
		al := align(w, tc.events)
		var lost []int
		for j, i := range al.matched {
			if i < 0 {
				lost = append(lost, j)
			}
		}
		if !slices.Equal(al.dups, tc.dups) || !slices.Equal(lost, tc.lost) || al.foreign != tc.foreign || al.complete() != tc.complete {
			t.Errorf("%s: dups %v, unmatched %v, foreign %d, complete %v; want %v, %v, %d, %v",
				tc.name, al.dups, lost, al.foreign, al.complete(), tc.dups, tc.lost, tc.foreign, tc.complete)
		}
	}
}
