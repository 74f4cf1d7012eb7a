package flows

import "github.com/alumnibot/alumnibot/locales"

// help answers /bantuan and /help: what the bot does. It keeps no conversation of its own.
type help struct{ noState }

func (help) Name() string { return "help" }
func (help) Entries() []Entry {
	return []Entry{{Command: "bantuan"}, {Command: "help"}}
}
func (help) Role() Need { return NeedAnyone }

// Start says what the bot does; halfway through onboarding it asks the open question again.
func (help) Start(t *Turn, _ Entry, _ string) {
	t.say(locales.Msg("help.text"))
	if !t.onboarded() && t.s.Conv.Flow == (onboarding{}).Name() {
		t.prompt()
	}
}

func (help) Prompt(t *Turn)         { t.startOver() }
func (help) Text(t *Turn, _ string) { t.startOver() }
func (help) Tap(t *Turn, _ Tap)     { t.stale() }
