package flows

import (
	"slices"
	"strconv"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// /buatacara's feedback option: on the preview, one button shows when the alumni who came will be
// asked how it was ("⭐ Penilaian: 1 jam setelah selesai"); each tap moves it to the next choice
// and shows the preview again in place. The choices are few on purpose: a typed duration would be
// one more thing to get wrong at the end of a long conversation.

// mkFeedbackChoices are the minutes after the end an organizer may pick, in the order a tap cycles
// through them, starting after the default (an hour).
var mkFeedbackChoices = []int{60, 120, 180, 24 * 60, 30}

// actFeedbackAfter is the preview's button that moves to the next choice.
const actFeedbackAfter = "fba"

// feedbackMinutes is the state's choice; the default when none was made.
func (s *createState) feedbackMinutes() int {
	if s.FbAfter <= 0 {
		return int(DefaultFeedbackAfter / time.Minute)
	}
	return s.FbAfter
}

// feedbackAfter is the choice as the meetup keeps it: 0 for the default, so a meetup nobody chose
// for follows the default.
func (s *createState) feedbackAfter() time.Duration {
	return time.Duration(max(s.FbAfter, 0)) * time.Minute
}

// mkFeedbackButton is the preview's button showing the current choice.
func (k create) mkFeedbackButton(t *Turn) Button {
	min := state[createState](t).feedbackMinutes()
	label := locales.Msg("create.fb_after_minutes", "N", min)
	if min%60 == 0 {
		label = locales.Msg("create.fb_after_hours", "N", min/60)
	}
	return t.button(label, actFeedbackAfter, strconv.Itoa(min))
}

// mkFeedbackNext moves from the choice the tapped button showed (its arg) to the next one (a value
// from a file that is no choice goes back to the first), and shows the preview again in place of the
// one tapped. The button carries the choice it shows, so two quick taps are two different buttons
// (the router takes the same data twice in a row for a double tap), and a button from an older
// preview moves nothing.
func (k create) mkFeedbackNext(t *Turn, shown string) {
	st := state[createState](t)
	if shown == strconv.Itoa(st.feedbackMinutes()) {
		i := slices.Index(mkFeedbackChoices, st.feedbackMinutes())
		st.FbAfter = mkFeedbackChoices[(i+1)%len(mkFeedbackChoices)]
	}
	n := len(t.res.Replies)
	k.mkPreview(t)
	if t.err != nil || len(t.res.Replies) < n+1 {
		return
	}
	// The page alone, without its "here is how it looks" note: it replaces the page tapped.
	page := t.res.Replies[len(t.res.Replies)-1]
	page.Edit = true
	t.res.Replies = append(t.res.Replies[:n], page)
}

// feedbackChoice is a meetup's own choice in minutes, for an edit to start from; 0 for the default.
func feedbackChoice(m *Meetup) int { return int(m.FeedbackAfter / time.Minute) }
