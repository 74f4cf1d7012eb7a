package flows

import "github.com/alumnibot/alumnibot/locales"

// Placeholder until /buatacara lands: the routing above it is final.

func (t *turn) createCommand(r Role)        { t.say(locales.Msg("unknown.command")) }
func (t *turn) createPrompt(r Role)         { t.s.Conv.restart("", ""); t.say(locales.Msg("help.text")) }
func (t *turn) createText(r Role, s string) { t.createPrompt(r) }
func (t *turn) createTap(r Role, b tap)     { t.stale() }
