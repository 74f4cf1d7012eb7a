package flows

import "github.com/alumnibot/alumnibot/locales"

// Placeholder until the organizer menu lands: the routing above it is final.

func (t *turn) adminCommand(r Role)                { t.say(locales.Msg("unknown.command")) }
func (t *turn) adminPrompt(r Role)                 { t.s.Conv.restart("", ""); t.say(locales.Msg("help.text")) }
func (t *turn) adminText(r Role, s string)         { t.adminPrompt(r) }
func (t *turn) adminTap(r Role, b tap)             { t.stale() }
func (t *turn) checkinCommand(r Role, code string) { t.say(locales.Msg("unknown.command")) }
func (t *turn) checkinToken(r Role, token string)  { t.say(locales.Msg("unknown.command")) }
