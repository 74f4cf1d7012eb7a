package flows

import (
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/locales"
)

// feedbackComment is the optional comment after a rating: the alumnus types it, or taps "Lewati".
// It is entered only from a rating (feedback.Tap), never by a command.
type feedbackComment struct{}

type feedbackCommentState struct {
	Meetup string `json:"m,omitempty"`
	Rating int    `json:"r,omitempty"`
}

const (
	stepComment = "comment"
	actSkip     = "skip"
)

func (feedbackComment) Name() string        { return "fc" }
func (feedbackComment) Entries() []Entry    { return nil }
func (feedbackComment) Role() Need          { return NeedAlumnus }
func (feedbackComment) State() any          { return new(feedbackCommentState) }
func (feedbackComment) enabled(a *App) bool { return a.Feedback != nil }

func (feedbackComment) Start(t *Turn, _ Entry, _ string) { t.startOver() }

// Prompt asks for the comment again, with the way out.
func (fc feedbackComment) Prompt(t *Turn) {
	if state[feedbackCommentState](t).Meetup == "" {
		t.startOver()
		return
	}
	t.say(locales.Msg("fb.comment_prompt"), []Button{t.button(locales.Msg("btn.fb_skip"), actSkip)})
}

// Text takes the comment: 1–2,000 characters.
func (fc feedbackComment) Text(t *Turn, text string) {
	st := state[feedbackCommentState](t)
	if st.Meetup == "" {
		t.startOver()
		return
	}
	// A greeting days later is someone coming back, not a comment: the step ends unsaid.
	if isGreeting(text) {
		t.restart("", "")
		t.say(locales.Msg("welcome.back", "Name", t.s.Profile.Name), homeButtons(t)...)
		return
	}
	if n := utf8.RuneCountInString(text); n > MaxComment {
		t.say(locales.Msg("fb.comment_too_long", "Count", n, "Max", MaxComment),
			[]Button{t.button(locales.Msg("btn.fb_skip"), actSkip)})
		return
	}
	ok, err := t.app.Feedback.Comment(t.ctx, st.Meetup, t.in.UserID, text, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	t.restart("", "")
	if !ok { // no rating to go with it (an old state): nothing was kept
		t.say(locales.Msg("fb.comment_lost"), homeButtons(t)...)
		return
	}
	t.say(locales.Msg("fb.comment_thanks"), homeButtons(t)...)
}

// Tap: "Lewati" ends without a comment, in place of the prompt it was on.
func (fc feedbackComment) Tap(t *Turn, b Tap) {
	if b.Action != actSkip {
		t.stale()
		return
	}
	rating := state[feedbackCommentState](t).Rating
	t.restart("", "")
	t.say(locales.Msg("fb.skipped", "Stars", stars(rating)), homeButtons(t)...)
	t.editLast()
}
