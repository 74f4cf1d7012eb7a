package flows

import (
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// onboarding makes a new alumnus's profile: name, province, regency, wave, consent. The profile is
// made only at the end; a /start link that brought them waits in Conv.Payload and is opened then.
type onboarding struct{}

// Steps of onboarding.
const (
	obName     = "name"
	obProvince = "province"
	obRegency  = "regency"
	obWave     = "wave"
	obConsent  = "consent"
)

// obQuestions is how many questions onboarding asks; the prompts say which one they are.
const obQuestions = 5

// obNumber is the number of each step's question, for "Pertanyaan 2 dari 5".
var obNumber = map[string]int{obName: 1, obProvince: 2, obRegency: 3, obWave: 4, obConsent: 5}

// onboardingState is what onboarding keeps between answers.
type onboardingState struct {
	TG   string `json:"tg,omitempty"` // the Telegram first name offered as a button
	Name string `json:"name,omitempty"`
	areaPick
	Regency string `json:"regency,omitempty"`
	Wave    int    `json:"wave,omitempty"`
}

func (onboarding) Name() string { return "ob" }

// Entries: /start, with or without a referral link (ref_<alumnus>). Links to other flows opened by
// /start wait for onboarding to finish.
func (onboarding) Entries() []Entry {
	return []Entry{{Command: "start"}, {Link: "ref_"}}
}

func (onboarding) Role() Need { return NeedAnyone }
func (onboarding) State() any { return new(onboardingState) }

// Start answers /start: payload is the whole (checked) /start payload.
func (o onboarding) Start(t *Turn, _ Entry, payload string) {
	if t.onboarded() {
		t.restart("", "")
		if t.openLink(payload) { // a meetup link opens the meetup, no greeting first
			return
		}
		t.say(locales.Msg("welcome.back", "Name", t.s.Profile.Name), homeButtons(t)...)
		return
	}
	if t.s.Conv.Flow == o.Name() {
		// Half-way through: carry on where they were, keeping the newest link that brought them.
		if payload != "" {
			t.s.Conv.Payload = payload
		}
		t.say(locales.Msg("onboard.continue"))
		t.prompt()
		return
	}
	t.say(locales.Msg("welcome.new"))
	o.begin(t, payload)
}

func (o onboarding) begin(t *Turn, payload string) {
	t.restart(o.Name(), obName)
	t.s.Conv.Payload = payload
	o.Prompt(t)
}

// resume shows where the unfinished profile stands, starting it if needed.
func (o onboarding) resume(t *Turn) {
	if t.s.Conv.Flow != o.Name() {
		o.begin(t, "")
		return
	}
	t.prompt()
}

// numbered puts the step's question number above a question.
func (onboarding) numbered(t *Turn, q locales.Text) locales.Text {
	n, ok := obNumber[t.s.Conv.Step]
	if !ok {
		return q
	}
	progress := locales.Msg("onboard.progress", "N", n, "Of", obQuestions)
	if k := len(t.res.Replies); k > 0 && joinable(t.res.Replies[k-1]) {
		// said under an acknowledgement in the same message: an empty line sets the question apart
		return locales.Lines(locales.Text{}, progress, q)
	}
	return locales.Lines(progress, q)
}

func (o onboarding) Prompt(t *Turn) {
	st := state[onboardingState](t)
	switch t.s.Conv.Step {
	case obName:
		if b := o.nameButton(t); b != nil {
			t.say(o.numbered(t, locales.Msg("onboard.ask_name")), b)
			return
		}
		t.say(o.numbered(t, locales.Msg("onboard.ask_name_typed")))
	case obProvince, obRegency:
		askArea(t, &st.areaPick, t.s.Conv.Step == obRegency, o.areaAsk(t))
	case obWave:
		t.say(o.numbered(t, locales.Msg("onboard.ask_wave")), o.waveButtons(t))
	case obConsent:
		t.say(o.numbered(t, locales.Msg("onboard.ask_consent")), o.consentButtons(t))
	default: // a state from an older version of the bot: start over cleanly
		t.startOver()
	}
}

// areaAsk numbers the area questions.
func (o onboarding) areaAsk(t *Turn) areaAsk {
	return areaAsk{wrap: func(q locales.Text) locales.Text { return o.numbered(t, q) }}
}

// waveButtons are the wave question's way on besides typing: back to the regency, which is the
// answer most often picked wrong on a long list.
func (onboarding) waveButtons(t *Turn) []Button {
	return []Button{t.button(locales.Msg("btn.onboard_back"), "back")}
}

func (onboarding) consentButtons(t *Turn) []Button {
	return []Button{
		t.button(locales.Msg("btn.consent_yes"), "yes"),
		t.button(locales.Msg("btn.consent_no"), "no"),
	}
}

// nameButton offers the Telegram first name as the answer, when it makes a valid name.
func (onboarding) nameButton(t *Turn) []Button {
	name := cleanName(t.in.FirstName)
	if !validName(name) {
		return nil
	}
	state[onboardingState](t).TG = name
	return []Button{t.button(locales.Raw(name), "tg")}
}

func (o onboarding) Text(t *Turn, s string) {
	st := state[onboardingState](t)
	switch step := t.s.Conv.Step; step {
	case obName:
		name := cleanName(s)
		if bad := checkName(name); bad.ID != "" {
			if b := o.nameButton(t); b != nil {
				t.say(bad, b)
				return
			}
			t.say(bad)
			return
		}
		o.setName(t, name)
	case obProvince, obRegency:
		if code, ok := typedArea(t, &st.areaPick, step == obRegency, s, o.areaAsk(t)); ok {
			o.setArea(t, step, code)
		}
	case obWave:
		w, bad := parseWave(s)
		if bad.ID != "" {
			t.say(bad, o.waveButtons(t))
			return
		}
		st.Wave = w
		t.say(locales.Msg("onboard.wave_noted", "Wave", w))
		t.goTo(obConsent)
	case obConsent:
		yes, ok := yesNo(s)
		switch {
		case !ok:
			t.say(locales.Msg("onboard.consent_unclear"), o.consentButtons(t))
		case yes:
			o.finish(t)
		default:
			o.declined(t)
		}
	default:
		t.startOver()
	}
}

func (o onboarding) Tap(t *Turn, b Tap) {
	st := state[onboardingState](t)
	switch step := t.s.Conv.Step; {
	case step == obName && b.Action == "tg" && validName(st.TG):
		o.setName(t, st.TG)
	case step == obProvince || step == obRegency:
		if !areaTap(t, &st.areaPick, step == obRegency, b,
			func(code string) { o.setArea(t, step, code) },
			func() { t.goTo(obProvince) }) {
			t.stale()
		}
	case step == obWave && b.Action == "back":
		t.goTo(obRegency)
	case step == obConsent && b.Action == "yes":
		o.finish(t)
	case step == obConsent && b.Action == "no":
		o.declined(t)
	default:
		t.stale()
	}
}

// declined answers a "no" to consent: nothing is kept, and the way to agree stays open.
func (onboarding) declined(t *Turn) {
	t.s.Conv.Nonce++
	t.say(locales.Msg("onboard.consent_declined"), []Button{t.button(locales.Msg("btn.consent_yes"), "yes")})
}

func (onboarding) setName(t *Turn, name string) {
	state[onboardingState](t).Name = name
	t.say(locales.Msg("onboard.nice_to_meet", "Name", name))
	t.goTo(obProvince)
}

func (onboarding) setArea(t *Turn, step, code string) {
	st := state[onboardingState](t)
	if step == obProvince {
		st.Province, st.Page = code, 0
		t.goTo(obRegency)
		return
	}
	st.Regency = code
	if g, ok := t.app.Atlas.Regency(code); ok {
		t.say(locales.Msg("onboard.regency_noted", "Regency", g.Name))
	}
	t.goTo(obWave)
}

func (onboarding) finish(t *Turn) {
	st := *state[onboardingState](t)
	payload := t.s.Conv.Payload
	t.s.Profile = &Profile{
		Name:      st.Name,
		Province:  st.Province,
		Regency:   st.Regency,
		Wave:      st.Wave,
		Lang:      t.res.Lang,
		ConsentAt: t.in.Now,
		CreatedAt: t.in.Now,
		Active:    true,
	}
	t.restart("", "")
	if _, _, ok := registry.link(payload); ok && !strings.HasPrefix(payload, "ref_") {
		t.say(locales.Msg("onboard.done_link", "Name", t.s.Profile.Name))
		if t.openLink(payload) {
			return
		}
		t.res.Replies = t.res.Replies[:len(t.res.Replies)-1]
	}
	done := locales.Msg("onboard.done", "Name", t.s.Profile.Name)
	if ref, ok := strings.CutPrefix(payload, "ref_"); ok {
		id, err := strconv.ParseInt(ref, 10, 64)
		if err == nil && id > 0 && id != t.in.UserID {
			t.s.Profile.ReferredBy = id
			done = locales.Msg("onboard.done_referred", "Name", t.s.Profile.Name)
		}
	}
	t.say(done, homeButtons(t)...)
}
