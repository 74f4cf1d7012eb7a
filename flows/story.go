package flows

import (
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// story is /cerita: an alumnus tells their success story — guided by three questions (before, the
// training that helped, what changed) or in one text — adds up to three photos, says how it may be
// published, sees it exactly as it would be published, and sends it to the panitia or changes a part.
// The story in progress is the conversation's state (in Redis), so it survives a restart; "Batal"
// abandons it. A long message or a captioned photo sent outside any conversation is offered as a
// story (story_offer.go).
type story struct{}

// Steps of the story flow.
const (
	stMode     = "mode"     // guided or free?
	stText     = "text"     // the whole story in one text
	stBefore   = "before"   // guided 1: before the training
	stHelped   = "helped"   // guided 2: which training helped
	stAfter    = "after"    // guided 3: what changed
	stTraining = "training" // which training (free text mode)
	stPhotos   = "photos"   // up to three photos
	stWave     = "wave"     // changing the wave
	stConsent  = "consent"  // with my name / anonymous / do not publish
	stPreview  = "preview"  // as published: send, change, cancel
	stChange   = "change"   // which part to change
	stOffer    = "offer"    // a message offered as a story: consent or no
)

// storyState is the story in progress.
type storyState struct {
	Guided   bool     `json:"g,omitempty"`
	Before   string   `json:"b,omitempty"`
	Helped   string   `json:"h,omitempty"`
	Text     string   `json:"x,omitempty"` // the whole story (the guided answers joined once complete)
	Training string   `json:"tr,omitempty"`
	Wave     int      `json:"w,omitempty"`
	Photos   []string `json:"ph,omitempty"`
	Consent  Consent  `json:"c,omitempty"`
	// Editing: a part is being changed from the preview, which comes back after it.
	Editing bool `json:"e,omitempty"`
}

func (story) Name() string        { return "st" }
func (story) Entries() []Entry    { return []Entry{{Command: "cerita"}} }
func (story) Role() Need          { return NeedAlumnus }
func (story) State() any          { return new(storyState) }
func (story) enabled(a *App) bool { return a.Stories != nil }

// Start begins a new story, the wave taken from the profile.
func (s story) Start(t *Turn, _ Entry, _ string) {
	t.restart(s.Name(), stMode)
	state[storyState](t).Wave = t.s.Profile.Wave
	s.Prompt(t)
}

func (s story) cancelButton(t *Turn) Button { return t.button(locales.Msg("btn.st_cancel"), "cancel") }

// Prompt asks the current step's question.
func (s story) Prompt(t *Turn) {
	switch t.s.Conv.Step {
	case stPreview:
		s.preview(t, nil)
	case stOffer:
		s.offerPrompt(t)
	default:
		q, kb := s.question(t)
		if q.ID == "" {
			t.startOver()
			return
		}
		t.say(q, kb...)
	}
}

// reprompt answers a wrong input at the current step: what was wrong, with the step's buttons, so the
// question itself is not repeated.
func (s story) reprompt(t *Turn, why locales.Text) {
	switch t.s.Conv.Step {
	case stPreview, stOffer:
		t.say(why)
		s.Prompt(t)
	default:
		_, kb := s.question(t)
		t.say(why, kb...)
	}
}

// question is the current step's question and buttons (not for the preview and the offer).
func (s story) question(t *Turn) (locales.Text, [][]Button) {
	st := state[storyState](t)
	cancel := []Button{s.cancelButton(t)}
	switch t.s.Conv.Step {
	case stMode:
		return locales.Msg("st.ask_mode", "Min", storyMin, "Max", storyMax), [][]Button{
			{t.button(locales.Msg("btn.st_guided"), "guided")},
			{t.button(locales.Msg("btn.st_free"), "free")}, cancel}
	case stText:
		return locales.Msg("st.ask_text", "Min", storyMin, "Max", storyMax), [][]Button{cancel}
	case stBefore:
		return locales.Msg("st.ask_before"), [][]Button{cancel}
	case stHelped:
		return locales.Msg("st.ask_helped"), [][]Button{cancel}
	case stAfter:
		return locales.Msg("st.ask_after"), [][]Button{cancel}
	case stTraining:
		return locales.Msg("st.ask_training", "Max", trainingMax), [][]Button{{t.button(locales.Msg("btn.st_skip"), "skip")}, cancel}
	case stPhotos:
		label := locales.Msg("btn.st_no_photo")
		if len(st.Photos) > 0 {
			label = locales.Msg("btn.st_photos_done")
		}
		return locales.Msg("st.ask_photos", "Count", len(st.Photos), "Max", storyPhotoMax), [][]Button{{t.button(label, "next")}, cancel}
	case stWave:
		return locales.Msg("st.ask_wave", "Wave", st.Wave), [][]Button{cancel}
	case stConsent:
		return locales.Msg("st.ask_consent"), s.consentRows(t, "consent")
	case stChange:
		return locales.Msg("st.ask_change"), [][]Button{
			{t.button(locales.Msg("btn.st_ch_text"), "ch", stText), t.button(locales.Msg("btn.st_ch_photos"), "ch", stPhotos)},
			{t.button(locales.Msg("btn.st_ch_wave"), "ch", stWave), t.button(locales.Msg("btn.st_ch_training"), "ch", stTraining)},
			{t.button(locales.Msg("btn.st_ch_consent"), "ch", stConsent)},
			{t.button(locales.Msg("btn.st_back_preview"), "preview")}}
	}
	return locales.Text{}, nil
}

// consentRows are the three publication choices, then a way out.
func (s story) consentRows(t *Turn, action string) [][]Button {
	return [][]Button{
		{t.button(locales.Msg("btn.st_named"), action, string(ConsentNamed))},
		{t.button(locales.Msg("btn.st_anon"), action, string(ConsentAnon))},
		{t.button(locales.Msg("btn.st_private"), action, string(ConsentPrivate))},
		{s.cancelButton(t)},
	}
}

// draft is the story as it would be sent.
func (story) draft(t *Turn) Story {
	st := state[storyState](t)
	p := t.s.Profile
	return Story{
		Author: t.in.UserID, Name: p.Name, Province: p.Province, Regency: p.Regency, Wave: st.Wave,
		Training: st.Training, Text: st.Text, Photos: st.Photos, Consent: st.Consent, Lang: t.res.Lang, Sent: t.in.Now,
	}
}

// preview shows the story exactly as it would be published, with what happens next under it.
func (s story) preview(t *Turn, head []locales.Text) {
	d := s.draft(t)
	head = append(head, locales.Msg("st.preview_head"), locales.Text{})
	foot := []locales.Text{locales.Msg("st.preview_foot_named")}
	switch d.Consent {
	case ConsentAnon:
		foot[0] = locales.Msg("st.preview_foot_anon")
	case ConsentPrivate:
		foot[0] = locales.Msg("st.preview_foot_private")
	}
	t.add(storyReply(d, head, foot, [][]Button{
		{t.button(locales.Msg("btn.st_send"), "send")},
		{t.button(locales.Msg("btn.st_change"), "change"), s.cancelButton(t)},
	}))
}

// next moves on after a part was given: back to the preview when changing one, else the next step.
func (s story) next(t *Turn, step string) {
	if state[storyState](t).Editing {
		step = stPreview
	}
	if step == stPreview && state[storyState](t).Consent == "" {
		step = stConsent
	}
	t.goTo(step)
}

// Text handles a typed answer.
func (s story) Text(t *Turn, text string) {
	st := state[storyState](t)
	switch step := t.s.Conv.Step; step {
	case stMode, stText:
		if s.setText(t, text) {
			st.Guided = false
			s.next(t, s.afterText(t))
		}
	case stBefore, stHelped:
		text = cleanStoryText(text)
		if bad := s.checkPart(text); bad.ID != "" {
			s.reprompt(t, bad)
			return
		}
		if step == stBefore {
			st.Before = text
			t.goTo(stHelped)
			return
		}
		st.Helped = text
		t.goTo(stAfter)
	case stAfter:
		after := cleanStoryText(text)
		if bad := s.checkPart(after); bad.ID != "" {
			s.reprompt(t, bad)
			return
		}
		whole := st.Before + "\n\n" + st.Helped + "\n\n" + after
		if s.setText(t, whole) {
			st.Guided, st.Before, st.Helped = true, "", ""
			s.next(t, stPhotos)
		}
	case stTraining:
		tr := cleanLine(text)
		if n := textLen(tr); n == 0 || n > trainingMax {
			s.reprompt(t, locales.Msg("st.training_bad", "Max", trainingMax))
			return
		}
		st.Training = tr
		s.next(t, stPhotos)
	case stWave:
		w, bad := parseWave(text)
		if bad.ID != "" {
			s.reprompt(t, bad)
			return
		}
		st.Wave = w
		s.next(t, stPreview)
	case stPhotos:
		s.reprompt(t, locales.Msg("st.photos_text"))
	case stOffer:
		// They went on to say something else: the offer lapses, the message is handled as any other.
		t.restart("", "")
		t.message()
	default: // consent, preview, change: buttons only
		s.reprompt(t, locales.Msg("st.use_buttons"))
	}
}

// afterText is the step after the whole story was typed: the training, unless it is known.
func (story) afterText(t *Turn) string {
	if state[storyState](t).Training == "" {
		return stTraining
	}
	return stPhotos
}

// setText checks a whole story and keeps it; false (after a re-prompt) when it is too short or long.
func (s story) setText(t *Turn, raw string) bool {
	text := cleanStoryText(raw)
	n := textLen(text)
	switch {
	case n < storyMin:
		s.reprompt(t, locales.Msg("st.too_short", "Count", n, "Min", storyMin))
		return false
	case n > storyMax:
		s.reprompt(t, locales.Msg("st.too_long", "Count", n, "Max", storyMax))
		return false
	}
	state[storyState](t).Text = text
	return true
}

// checkPart says what is wrong with one answer of the guided story; empty when it is fine.
func (story) checkPart(text string) locales.Text {
	n := textLen(text)
	switch {
	case n < 2:
		return locales.Msg("st.part_empty")
	case n > storyPartMax:
		return locales.Msg("st.part_too_long", "Count", n, "Max", storyPartMax)
	}
	return locales.Text{}
}

// Media handles a photo, or anything else sent instead of text (the router's mediaFlow).
func (s story) Media(t *Turn) {
	st := state[storyState](t)
	step := t.s.Conv.Step
	if step == stOffer {
		t.restart("", "")
		t.message()
		return
	}
	switch {
	case step == stConsent || step == stPreview || step == stChange:
		s.reprompt(t, locales.Msg("st.use_buttons"))
		return
	case t.in.Kind != KindPhoto || t.in.PhotoID == "":
		s.reprompt(t, locales.Msg("st.media_hint"))
		return
	case step == stTraining || step == stWave:
		s.reprompt(t, locales.Msg("st.type_answer"))
		return
	}
	kept := s.addPhoto(t)
	caption := strings.TrimSpace(t.in.Text)
	if step != stPhotos && caption != "" {
		// A photo with a caption where the story is asked: the caption is the answer.
		s.Text(t, caption)
		return
	}
	switch {
	case !kept:
		s.reprompt(t, locales.Msg("st.photos_full", "Max", storyPhotoMax))
		return
	case step != stPhotos:
		s.reprompt(t, locales.Msg("st.photo_kept_first", "Count", len(st.Photos), "Max", storyPhotoMax))
		return
	case len(st.Photos) >= storyPhotoMax:
		s.next(t, stConsent)
		return
	}
	t.prompt()
}

// addPhoto keeps the input's photo; false when three are kept already.
func (story) addPhoto(t *Turn) bool {
	st := state[storyState](t)
	for _, p := range st.Photos {
		if p == t.in.PhotoID {
			return true // the same photo again (a forwarded copy): kept once
		}
	}
	if len(st.Photos) >= storyPhotoMax {
		return false
	}
	st.Photos = append(st.Photos, t.in.PhotoID)
	return true
}

// Tap handles the buttons of the current prompt.
func (s story) Tap(t *Turn, b Tap) {
	st := state[storyState](t)
	switch b.Action {
	case "cancel":
		t.restart("", "")
		t.say(locales.Msg("st.cancelled"), homeButtons(t)...)
	case "guided":
		st.Guided = true
		t.goTo(stBefore)
	case "free":
		t.goTo(stText)
	case "skip": // no training named (or none any more, when changing it)
		st.Training = ""
		s.next(t, stPhotos)
	case "next":
		s.next(t, stConsent)
	case "consent", "offer":
		c := Consent(b.Arg)
		if !c.valid() {
			t.stale()
			return
		}
		st.Consent = c
		if n := textLen(st.Text); n > storyMax || n < storyMin { // an offered message too long to send as it is
			st.Editing = true
			t.s.Conv.Step = stText
			t.s.Conv.Nonce++
			if n > storyMax {
				s.reprompt(t, locales.Msg("st.too_long", "Count", n, "Max", storyMax))
			} else {
				s.reprompt(t, locales.Msg("st.too_short", "Count", n, "Min", storyMin))
			}
			return
		}
		st.Editing = true
		t.goTo(stPreview)
	case "preview":
		t.goTo(stPreview)
	case "change":
		st.Editing = true
		t.goTo(stChange)
	case "ch":
		switch b.Arg {
		case stText, stWave, stTraining, stConsent:
			t.goTo(b.Arg)
		case stPhotos:
			st.Photos = nil
			t.goTo(stPhotos)
		default:
			t.stale()
		}
	case "send":
		s.send(t)
	case "no":
		t.restart("", "")
		t.say(locales.Msg("st.offer_declined"), homeButtons(t)...)
	default:
		t.stale()
	}
}

// send hands the story to the panitia: kept as pending and queued for the moderation chat in one
// step, once per update (a redelivered tap sends nothing twice).
func (s story) send(t *Turn) {
	d := s.draft(t)
	if d.Consent == "" || textLen(d.Text) < storyMin {
		t.startOver()
		return
	}
	id, err := t.app.Stories.SubmitStory(t.ctx, d, t.app.ModerationChat)
	if err != nil {
		t.fail(err)
		return
	}
	_ = id
	t.restart("", "")
	t.say(locales.Msg("st.sent", "Name", t.s.Profile.Name), homeButtons(t)...)
}

// storyID is how a story is named to moderators: "#k7mq2p".
func storyID(id string) string { return "#" + id }

// waveText is a wave for a CSV or JSON file.
func waveText(w int) string {
	if w == 0 {
		return ""
	}
	return strconv.Itoa(w)
}
