package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/flows"
)

// /workshop and /pengingat stay within a message's 1,000 characters with many series of the longest
// titles and trainers.
func TestReminderListsWithinBudget(t *testing.T) {
	w := newMeetupWorld(t)
	w.app.Series, w.app.Reminders = w.st, w.st
	vita := w.alumnus(1, "15", "15.71")
	ctx := context.Background()
	for i := range 10 {
		s := flows.Series{ID: fmt.Sprint("s", i), Title: strings.Repeat("Kelas Panjang ", 6)[:80], Trainer: strings.Repeat("Trainer ", 10)[:80],
			Link: "https://meet.example/x", Zone: "WITA", Spec: "0 19 * * 3", From: "2026-11-01", To: "2027-06-30"}
		if err := w.st.SaveSeries(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := w.st.Subscribe(ctx, s.ID, vita.id, true); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range []string{"/workshop", "/pengingat"} {
		got := w.send(vita, cmd)
		if strings.Count(got, "Kelas Panjang Kelas") < 4 {
			t.Fatalf("%s lists too few series:\n%s", cmd, got)
		}
		if n := utf8.RuneCountInString(got); n > 1000 {
			t.Errorf("%s: %d characters:\n%s", cmd, n, got)
		}
	}
}
