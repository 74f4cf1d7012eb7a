package flows

import "github.com/alumnibot/alumnibot/locales"

// A story by message: an onboarded alumnus who, outside any conversation, sends a long message (at
// least offerMin characters) or a photo with a caption is asked, in the same reply, whether to send it
// as a success story and how it may be published. One tap on a publication choice shows the preview,
// one more sends it: two taps from the message to the moderation queue. Typing anything else instead
// lets the offer lapse and is answered as usual.

// offer starts the offer for the idle input in t; false when the input is not one to offer.
func (s story) offer(t *Turn, text string) bool {
	if !t.onboarded() || !enabled(t.app, s) {
		return false
	}
	switch {
	case t.in.Kind == KindText && textLen(text) >= offerMin:
	case t.in.Kind == KindPhoto && text != "" && t.in.PhotoID != "":
	default:
		return false
	}
	t.restart(s.Name(), stOffer)
	st := state[storyState](t)
	st.Wave, st.Text = t.s.Profile.Wave, cleanStoryText(text)
	if t.in.Kind == KindPhoto {
		st.Photos = []string{t.in.PhotoID}
	}
	s.offerPrompt(t)
	return true
}

// offerPrompt asks whether to send the message as a story, with the publication choices as the
// answer.
func (s story) offerPrompt(t *Turn) {
	rows := s.consentRows(t, "offer")
	rows[len(rows)-1] = []Button{t.button(locales.Msg("btn.st_offer_no"), "no")}
	t.say(locales.Msg("st.offer"), rows...)
}
