package flows

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/locales"
)

var testNow = time.Date(2024, 9, 19, 9, 0, 0, 0, time.UTC)

func newApp(t *testing.T) *App {
	t.Helper()
	a, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &App{Atlas: a}
}

// convo drives App.Step like the engine does, keeping the session between inputs.
type convo struct {
	t    *testing.T
	app  *App
	s    Session
	last Result
	upd  int64
}

func (c *convo) input(in Input) Result {
	c.t.Helper()
	c.upd++
	in.UpdateID, in.UserID, in.Now = c.upd, 77, testNow
	if in.FirstName == "" {
		in.FirstName = "Vita"
	}
	var err error
	c.s, c.last, err = c.app.Step(context.Background(), c.s, in)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.last
}

func (c *convo) send(text string) Result {
	if strings.HasPrefix(text, "/") {
		word, rest, _ := strings.Cut(text, " ")
		return c.input(Input{Kind: KindCommand, Command: word[1:], Payload: rest})
	}
	return c.input(Input{Kind: KindText, Text: text})
}

// tap presses the button labelled label (a raw label or a message id) on the last reply that has buttons.
func (c *convo) tap(label string) Result {
	c.t.Helper()
	for i := len(c.last.Replies) - 1; i >= 0; i-- {
		for _, row := range c.last.Replies[i].Buttons {
			for _, b := range row {
				if b.Text.Raw == label || b.Text.ID == label {
					return c.input(Input{Kind: KindButton, Data: b.Data, MessageID: 1})
				}
			}
		}
	}
	c.t.Fatalf("no button %q in %+v", label, c.last.Replies)
	return Result{}
}

func ids(r Result) []string {
	var out []string
	for _, rep := range r.Replies {
		out = append(out, strings.Join(textIDs(rep.Text), "+"))
	}
	return out
}

// textIDs are the message ids a text is made of, in order: "welcome.new", "onboard.ask_name" for a
// greeting and the question joined into one message. The progress line and the current value that
// frame a question are left out (TestOnboardingShowsProgress checks them).
func textIDs(t locales.Text) []string {
	var out []string
	switch {
	case len(t.Lines) > 0:
		for _, l := range t.Lines {
			out = append(out, textIDs(l)...)
		}
	case t.ID == "onboard.progress" || t.ID == "profile.now":
	case t.ID != "":
		out = append(out, t.ID)
	}
	return out
}

func (c *convo) expect(want ...string) {
	c.t.Helper()
	if diff := cmp.Diff(want, ids(c.last)); diff != "" {
		c.t.Fatalf("replies (-want +got):\n%s", diff)
	}
}

func onboard(t *testing.T) *convo {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start ref_42")
	c.expect("welcome.new+onboard.ask_name")
	c.tap("Vita")
	c.expect("onboard.nice_to_meet+onboard.ask_province")
	c.tap("btn.next")
	c.tap("btn.prev")
	c.tap("Jambi")
	c.expect("onboard.ask_regency")
	c.tap("Kota Jambi")
	c.expect("onboard.regency_noted+onboard.ask_wave")
	c.send("27")
	c.expect("onboard.wave_noted+onboard.ask_consent")
	c.tap("btn.consent_yes")
	c.expect("onboard.done_referred")
	return c
}

func TestOnboarding(t *testing.T) {
	c := onboard(t)
	want := &Profile{
		Name: "Vita", Province: "15", Regency: "15.71", Wave: 27, Lang: locales.ID,
		ConsentAt: testNow, CreatedAt: testNow, Active: true, ReferredBy: 42,
	}
	if diff := cmp.Diff(want, c.s.Profile); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	if c.s.Conv.Flow != "" {
		t.Errorf("conversation still open: %+v", c.s.Conv)
	}
}

func TestOnboardingEnglish(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	r := c.input(Input{Kind: KindCommand, Command: "start", LangCode: "en-GB"})
	if r.Lang != locales.EN {
		t.Fatalf("lang = %q, want en", r.Lang)
	}
}

func TestOnboardingRePrompts(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start")
	for _, tc := range []struct {
		name string
		do   func() Result
		want []string
	}{
		{"name too short", func() Result { return c.send("V") }, []string{"onboard.name_too_short"}},
		{"name x", func() Result { return c.send("x") }, []string{"onboard.name_too_short"}},
		{"name too long", func() Result { return c.send(strings.Repeat("a", 4096)) }, []string{"onboard.name_too_long"}},
		{"name without letters", func() Result { return c.send("12345") }, []string{"onboard.name_no_letters"}},
		{"name of invisible characters", func() Result { return c.send("\u202e\u200b\u200b") }, []string{"onboard.name_no_letters"}},
		{"photo at name", func() Result { return c.input(Input{Kind: KindPhoto}) }, []string{"input.need_text+onboard.ask_name"}},
		{"sticker at name", func() Result { return c.input(Input{Kind: KindOther}) }, []string{"input.need_text+onboard.ask_name"}},
		{"command before done", func() Result { return c.send("/profil") }, []string{"onboard.finish_first+onboard.ask_name"}},
		{"forged button", func() Result { return c.input(Input{Kind: KindButton, Data: "ob:999:p:15"}) }, []string{"button.stale+onboard.ask_name"}},
		{"garbage button", func() Result { return c.input(Input{Kind: KindButton, Data: "\x00zz"}) }, []string{"button.stale+onboard.ask_name"}},
		{"typed name", func() Result { return c.send("  Hujaipah  ") }, []string{"onboard.nice_to_meet+onboard.ask_province"}},
		{"unknown province", func() Result { return c.send("Atlantis") }, []string{"onboard.province_unknown"}},
		{"province in a photo's caption", func() Result { return c.input(Input{Kind: KindPhoto, Text: "gorontalo"}) }, []string{"onboard.ask_regency"}},
		{"ambiguous regency", func() Result { return c.send("gorontalo") }, []string{"onboard.regency_pick"}},
		{"unknown regency", func() Result { return c.send("Atlantis") }, []string{"onboard.regency_unknown"}},
		{"typed regency", func() Result { return c.send("kota  GORONTALO") }, []string{"onboard.regency_noted+onboard.ask_wave"}},
		{"wave text", func() Result { return c.send("banyak") }, []string{"onboard.wave_not_number"}},
		{"wave zero", func() Result { return c.send("0") }, []string{"onboard.wave_range"}},
		{"wave huge", func() Result { return c.send("100000") }, []string{"onboard.wave_range"}},
		{"wave very long", func() Result { return c.send(strings.Repeat("9", 4096)) }, []string{"onboard.wave_not_number"}},
		{"wave words", func() Result { return c.send("Gelombang dua belas") }, []string{"onboard.wave_noted+onboard.ask_consent"}},
		{"unclear consent", func() Result { return c.send("hmm") }, []string{"onboard.consent_unclear"}},
		{"typed no", func() Result { return c.send("nggak") }, []string{"onboard.consent_declined"}},
	} {
		if got := ids(tc.do()); !cmp.Equal(tc.want, got) {
			t.Fatalf("%s: replies %v, want %v", tc.name, got, tc.want)
		}
		if c.s.Profile != nil {
			t.Fatalf("%s: profile saved before consent", tc.name)
		}
	}
	c.send("iya")
	c.expect("onboard.done")
	if p := c.s.Profile; p == nil || p.Name != "Hujaipah" || p.Regency != "75.71" || p.Wave != 12 {
		t.Fatalf("profile = %+v", p)
	}
}

func TestDoubleTapHasOneEffect(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start")
	c.tap("Vita")
	// Replay the exact same callback data: no effect, no reply.
	data := c.s.Conv.LastTap
	before := c.s
	r := c.input(Input{Kind: KindButton, Data: data, MessageID: 1})
	if len(r.Replies) != 0 || r.Notice.ID != "" {
		t.Fatalf("second tap answered %+v", r)
	}
	if !cmp.Equal(before, c.s) {
		t.Fatalf("second tap changed the session")
	}
}

// The tap that finishes onboarding resets the conversation; its double must still be recognised.
func TestDoubleTapOnConsentHasOneEffect(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start")
	c.tap("Vita")
	c.send("Jambi")
	c.send("Kota Jambi")
	c.send("27")
	yes := c.last.Replies[0].Buttons[0][0].Data
	c.tap("btn.consent_yes")
	before := c.s
	r := c.input(Input{Kind: KindButton, Data: yes, MessageID: 1})
	if len(r.Replies) != 0 || r.Notice.ID != "" {
		t.Fatalf("second tap on consent answered %+v", r)
	}
	if !cmp.Equal(before, c.s) {
		t.Fatalf("second tap on consent changed the session")
	}
}

func TestPagingEditsInPlace(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start")
	c.tap("Vita")
	r := c.tap("btn.next")
	if len(r.Replies) != 1 || !r.Replies[0].Edit {
		t.Fatalf("next page = %+v, want one edit", r)
	}
	// The old first page's buttons still work: paging keeps the prompt's nonce.
	r = c.tap("btn.prev")
	if !r.Replies[0].Edit {
		t.Fatal("previous page did not edit")
	}
}

func TestStaleButtonAfterStep(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start")
	c.tap("Vita")
	old := c.last
	c.send("Jambi")
	c.last = old
	r := c.tap("Aceh") // a button from the province list, already answered
	if got := ids(r); !cmp.Equal(got, []string{"button.stale+onboard.ask_regency"}) {
		t.Fatalf("stale tap replies %v", got)
	}
	var st onboardingState
	if err := json.Unmarshal(c.s.Conv.State, &st); err != nil || st.Province != "15" {
		t.Fatalf("stale tap changed the province to %q (%v)", st.Province, err)
	}
}

func TestProfileEdit(t *testing.T) {
	c := onboard(t)
	c.send("/profil")
	c.expect("profile.view")
	c.tap("btn.edit_wave")
	c.expect("onboard.ask_wave")
	c.send("31")
	c.expect("profile.saved+profile.view")
	c.tap("btn.edit_lang")
	r := c.tap("English")
	if r.Lang != locales.EN || c.s.Profile.Lang != locales.EN {
		t.Fatalf("language not switched: %q %q", r.Lang, c.s.Profile.Lang)
	}
	c.tap("btn.edit_area")
	c.tap("Gorontalo")
	c.tap("Kota Gorontalo")
	c.expect("profile.saved+profile.view")
	if p := c.s.Profile; p.Wave != 31 || p.Province != "75" || p.Regency != "75.71" || p.Name != "Vita" {
		t.Fatalf("profile after edits = %+v", p)
	}
}

func TestIdleInputs(t *testing.T) {
	c := onboard(t)
	c.send("halo")
	c.expect("welcome.back")
	c.send("apa kabar semuanya di sana")
	c.expect("unknown.text")
	c.send("/apaini")
	c.expect("unknown.command")
	c.send("/bantuan")
	c.expect("help.text")
	c.send("/start")
	c.expect("welcome.back")
}

func TestDeepLinkSurvivesOnboarding(t *testing.T) {
	c := &convo{t: t, app: newApp(t)}
	c.send("/start ref_42")
	c.send("/start") // a second /start without payload keeps the first link
	if c.s.Conv.Payload != "ref_42" {
		t.Fatalf("payload = %q", c.s.Conv.Payload)
	}
	c.send("/start ref_77") // self-referral is ignored at the end
	if c.s.Conv.Payload != "ref_77" {
		t.Fatalf("payload = %q", c.s.Conv.Payload)
	}
	c.send("/start $$bad payload")
	if c.s.Conv.Payload != "ref_77" {
		t.Fatalf("invalid payload replaced the link: %q", c.s.Conv.Payload)
	}
}
