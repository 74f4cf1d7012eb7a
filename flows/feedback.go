package flows

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// The feedback question arrives whenever the bulk lane sends it, outside any conversation, so its
// rating buttons belong to a global flow: "fb:0:<meetup>:<rating>:<signature>". The signature is an
// HMAC (App.ButtonKey) of the meetup, the rating and the alumnus it was sent to, so a forged or
// copied button changes nothing; the store checks the rest (checked in there, not rated before).
const feedbackFlowName = "fb"

// feedback handles the rating buttons of the question.
type feedback struct{ noState }

func (feedback) Name() string                     { return feedbackFlowName }
func (feedback) Entries() []Entry                 { return nil }
func (feedback) Role() Need                       { return NeedAlumnus }
func (feedback) global()                          {}
func (feedback) enabled(a *App) bool              { return a.Feedback != nil && a.Meetups != nil }
func (feedback) Start(t *Turn, _ Entry, _ string) { t.startOver() }
func (feedback) Prompt(t *Turn)                   { t.startOver() }
func (feedback) Text(t *Turn, _ string)           { t.startOver() }

// FeedbackQuestion is the question an alumnus gets about meetup m after it (the bulk kind "fb"):
// "Bagaimana acaranya?" with a button for each of 1–5 stars.
func (a *App) FeedbackQuestion(user int64, m *Meetup) Reply {
	row := make([]Button, 0, 5)
	for r := 1; r <= 5; r++ {
		row = append(row, Button{Text: locales.Msg("btn.fb_rate", "N", r), Data: feedbackData(a.ButtonKey, user, m.ID, r)})
	}
	return Reply{Text: locales.Msg("fb.question", "Title", m.Title), Buttons: [][]Button{row}}
}

func feedbackData(key []byte, user int64, meetup string, rating int) string {
	return feedbackFlowName + ":0:" + meetup + ":" + strconv.Itoa(rating) + ":" + feedbackSignature(key, user, meetup, rating)
}

// feedbackSignature is 8 bytes of HMAC-SHA256, base64url (11 characters): with meetup ids of at most
// 41 characters the data stays within Telegram's 64 bytes.
func feedbackSignature(key []byte, user int64, meetup string, rating int) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("fb\x00" + strconv.FormatInt(user, 10) + "\x00" + meetup + "\x00" + strconv.Itoa(rating)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:8])
}

// feedbackRating reads a rating button (Tap.Action is the meetup, Tap.Arg "<rating>:<signature>")
// and checks its signature for the user who pressed it. ok is false for anything forged, malformed
// or out of 1–5.
func feedbackRating(key []byte, user int64, b Tap) (meetup string, rating int, ok bool) {
	rs, sig, found := strings.Cut(b.Arg, ":")
	if !found || b.Nonce != 0 || !reportIDRE.MatchString(b.Action) {
		return "", 0, false
	}
	rating, err := strconv.Atoi(rs)
	if err != nil || rating < 1 || rating > 5 {
		return "", 0, false
	}
	if !hmac.Equal([]byte(feedbackSignature(key, user, b.Action, rating)), []byte(sig)) {
		return "", 0, false
	}
	return b.Action, rating, true
}

// stars draws a rating: "⭐⭐⭐⭐".
func stars(n int) string { return strings.Repeat("⭐", max(0, min(n, 5))) }

// Tap takes a rating. The question's message is edited into the answer, so its buttons cannot be
// pressed again; after a first rating the alumnus may add a comment (feedbackComment).
func (feedback) Tap(t *Turn, b Tap) {
	id, rating, ok := feedbackRating(t.app.ButtonKey, t.in.UserID, b)
	if !ok {
		t.stale()
		return
	}
	m, err := t.app.Meetups.Meetup(t.ctx, id)
	if err != nil {
		t.fail(err)
		return
	}
	if m == nil {
		t.stale()
		return
	}
	res, err := t.app.Feedback.Rate(t.ctx, m.ID, t.in.UserID, rating, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	switch res.Status {
	case RateOK:
		t.res.Notice = locales.Msg("fb.rated_short")
		t.restart(feedbackComment{}.Name(), stepComment)
		st := state[feedbackCommentState](t)
		st.Meetup, st.Rating = m.ID, res.Rating
		t.say(locales.Msg("fb.rated", "Stars", stars(res.Rating), "Title", m.Title),
			[]Button{t.button(locales.Msg("btn.fb_skip"), actSkip)})
	case RateAlready:
		t.res.Notice = locales.Msg("fb.already_short")
		t.say(locales.Msg("fb.already", "Stars", stars(res.Rating), "Title", m.Title), homeButtons(t)...)
	case RateNotCheckedIn:
		t.say(locales.Msg("fb.not_attended", "Title", m.Title), homeButtons(t)...)
	default:
		t.stale()
		return
	}
	t.editLast()
}
