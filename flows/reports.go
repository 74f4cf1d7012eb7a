package flows

import "github.com/alumnibot/alumnibot/locales"

// Placeholder until /peserta and /laporan land: the routing above it is final.

func (t *turn) reportCommand(r Role, which string) { t.say(locales.Msg("unknown.command")) }
func (t *turn) reportPrompt(r Role)                { t.s.Conv.restart("", ""); t.say(locales.Msg("help.text")) }
func (t *turn) reportTap(r Role, b tap)            { t.stale() }
