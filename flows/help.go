package flows

import (
	"strings"
	"unicode"

	"github.com/alumnibot/alumnibot/locales"
)

// help answers /bantuan and /help: what the bot does. It keeps no conversation of its own.
type help struct{ noState }

func (help) Name() string { return "help" }
func (help) Entries() []Entry {
	return []Entry{{Command: "bantuan"}, {Command: "help"}}
}
func (help) Role() Need { return NeedAnyone }

// Start says what the bot does, with the way on: the home buttons once onboarded; before, in the
// same message, onboarding's open question (the first one for someone who has not begun), since
// everything the help lists needs a profile. A panitia without a profile gets the way to their menu.
func (help) Start(t *Turn, _ Entry, _ string) {
	switch {
	case t.onboarded() && t.userRole().Organizer: // a panitia who is also an alumnus: both lists
		t.say(locales.Lines(locales.Msg("help.text"), locales.Text{}, locales.Msg("help.organizer")), homeButtons(t)...)
	case t.onboarded():
		t.say(locales.Msg("help.text"), homeButtons(t)...)
	case t.s.Conv.Flow == (onboarding{}).Name():
		t.say(locales.Msg("help.text"))
		t.prompt()
	case t.userRole().Organizer:
		t.organizerDone(locales.Lines(locales.Msg("help.text"), locales.Text{}, locales.Msg("help.organizer")))
	default:
		t.say(locales.Msg("help.text"))
		t.say(locales.Msg("onboard.finish_first"))
		onboarding{}.begin(t, "")
	}
}

func (help) Prompt(t *Turn)         { t.startOver() }
func (help) Text(t *Turn, _ string) { t.startOver() }
func (help) Tap(t *Turn, _ Tap)     { t.stale() }

// home is the buttons that lead an onboarded alumnus on from any reply with no step of its own (the end
// of onboarding, a greeting, help, something not understood): "go:0:<command>" opens what the command
// opens. They work from any old message, as typing the command would: they only show, never change.
type home struct{ noState }

// homeCommands are the commands a home button may open.
var homeCommands = map[string]bool{"acara": true, "tiket": true, "profil": true, "cerita": true, "start": true, "hapusdata": true}

func (home) Name() string     { return "go" }
func (home) Entries() []Entry { return nil }
func (home) Role() Need       { return NeedAnyone } // the role of the flow it opens is checked in Tap
func (home) global()          {}

func (home) Start(t *Turn, _ Entry, _ string) { t.startOver() }
func (home) Prompt(t *Turn)                   { t.startOver() }
func (home) Text(t *Turn, _ string)           { t.startOver() }

// Tap opens the flow of the button's command, as the command itself would.
func (home) Tap(t *Turn, b Tap) {
	e, ok := registry.command(b.Action)
	if !ok || !homeCommands[b.Action] || !enabled(t.app, e.flow) {
		t.stale()
		return
	}
	if !t.permit(e.flow, KindCommand) {
		return
	}
	e.flow.Start(t, e.entry, "")
}

// opensBeforeProfile says whether a global button works for someone without a profile: only
// "Mulai lagi" (go:0:start), the one way on /hapusdata offers once the profile is gone, which begins
// onboarding as /start would. Every other alumnus's button is stale before onboarding.
func opensBeforeProfile(f Flow, b Tap) bool {
	_, ok := f.(home)
	return ok && b.Action == "start"
}

// homeButtons are the next steps of an onboarded alumnus: the meetups first; none before onboarding.
func homeButtons(t *Turn) [][]Button {
	if !t.onboarded() {
		return nil
	}
	var row []Button
	for _, b := range []struct {
		label locales.Text
		cmd   string
	}{
		{locales.Msg("btn.go_events"), "acara"},
		{locales.Msg("btn.go_tickets"), "tiket"},
		{locales.Msg("btn.go_profile"), "profil"},
	} {
		if b, ok := goButton(t, b.label, b.cmd); ok {
			row = append(row, b)
		}
	}
	if len(row) == 0 {
		return nil
	}
	return [][]Button{row}
}

// goButton is a home button that opens what cmd opens; false when that is switched off.
func goButton(t *Turn, label locales.Text, cmd string) (Button, bool) {
	if e, ok := registry.command(cmd); !ok || !enabled(t.app, e.flow) {
		return Button{}, false
	}
	return Button{Text: label, Data: "go:0:" + cmd}, true
}

// greetings are the words people open a chat with.
var greetings = map[string]bool{
	"halo": true, "hallo": true, "helo": true, "hello": true, "hai": true, "hi": true, "hei": true,
	"hey": true, "pagi": true, "siang": true, "sore": true, "malam": true, "selamat": true, "permisi": true,
	"assalamualaikum": true, "assalamu'alaikum": true, "salam": true, "min": true, "kak": true, "p": true,
}

// isGreeting says whether a short message is only a greeting: "halo", "Hai kak!", "selamat pagi".
func isGreeting(s string) bool {
	ws := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	if len(ws) == 0 || len(ws) > 4 {
		return false
	}
	for _, w := range ws {
		if !greetings[w] && !greetings[squeeze(w)] {
			return false
		}
	}
	return true
}

// squeeze folds letters said long: "haloooo" is "halo", "haiii" is "hai".
func squeeze(w string) string {
	var b strings.Builder
	var last rune
	for _, r := range w {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}
