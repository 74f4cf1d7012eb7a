package flows

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/locales"
)

// Steps shared by onboarding and profile editing. In onboarding each answer leads to the next step and
// the profile is saved only at the end; in the profile flow each answer is saved at once.
const (
	stepName     = "name"
	stepProvince = "province"
	stepRegency  = "regency"
	stepWave     = "wave"
	stepConsent  = "consent"
	stepView     = "view" // profile shown with its edit buttons
	stepLang     = "lang"
)

const pageSize = 10 // area buttons per page: 5 rows of 2 fit a phone screen

// prompt asks the current step's question again, with fresh buttons.
func (t *turn) prompt() {
	c := &t.s.Conv
	if isOrganizerFlow(c.Flow) {
		t.organizerPrompt()
		return
	}
	switch c.Step {
	case stepName:
		if b := t.nameButton(); b != nil {
			t.say(locales.Msg("onboard.ask_name"), b)
			return
		}
		t.say(locales.Msg("onboard.ask_name_typed"))
	case stepProvince:
		t.res.Replies = append(t.res.Replies, t.provinceKeyboard(locales.Msg("onboard.ask_province")))
	case stepRegency:
		p, _ := t.app.Atlas.Province(c.Data["province"])
		t.res.Replies = append(t.res.Replies, t.regencyKeyboard(locales.Msg("onboard.ask_regency", "Province", p.Name)))
	case stepWave:
		t.say(locales.Msg("onboard.ask_wave"))
	case stepConsent:
		t.say(locales.Msg("onboard.ask_consent"), []Button{
			c.button(locales.Msg("btn.consent_yes"), "yes"),
			c.button(locales.Msg("btn.consent_no"), "no"),
		})
	case stepView:
		t.profileView()
	case stepLang:
		t.say(locales.Msg("profile.ask_lang"), []Button{
			c.button(locales.Raw("Bahasa Indonesia"), "setlang", string(locales.ID)),
			c.button(locales.Raw("English"), "setlang", string(locales.EN)),
		})
	case stepList:
		page, _ := strconv.Atoi(c.Data["page"])
		t.showList(page)
	case stepDetail:
		t.showDetail(c.Data["mt"], false)
	case stepCancelAsk:
		t.askCancel(c.Data["mt"])
	case stepMine:
		t.myMeetups(c.Data["cancel"] == "1")
	default: // a state from an older version of the bot: start over cleanly
		c.restart("", "")
		if !t.onboarded() {
			t.beginOnboarding("")
			return
		}
		t.say(locales.Msg("help.text"))
	}
}

// nameButton offers the Telegram first name as the answer, when it makes a valid name.
func (t *turn) nameButton() []Button {
	c := &t.s.Conv
	name := cleanName(t.in.FirstName)
	if c.Flow != flowOnboarding || !validName(name) {
		return nil
	}
	c.set("tg", name)
	return []Button{c.button(locales.Raw(name), "tg")}
}

// goTo moves to a step and asks its question; buttons of the previous prompt become stale.
func (t *turn) goTo(step string) {
	t.s.Conv.Step = step
	t.s.Conv.Nonce++
	t.prompt()
}

// text handles a typed answer to the current step.
func (t *turn) text(s string) {
	c := &t.s.Conv
	if isOrganizerFlow(c.Flow) {
		t.organizerText(s)
		return
	}
	switch c.Step {
	case stepName:
		name := cleanName(s)
		if !validName(name) {
			if b := t.nameButton(); b != nil {
				t.say(locales.Msg("onboard.name_invalid"), b)
				return
			}
			t.say(locales.Msg("onboard.name_invalid"))
			return
		}
		t.setName(name)
	case stepProvince:
		p, ok := t.app.Atlas.FindProvince(s)
		if !ok {
			t.res.Replies = append(t.res.Replies, t.provinceKeyboard(locales.Msg("onboard.province_unknown")))
			return
		}
		t.setProvince(p.Code)
	case stepRegency:
		g, ok := t.app.Atlas.FindRegency(c.Data["province"], s)
		if !ok {
			p, _ := t.app.Atlas.Province(c.Data["province"])
			t.res.Replies = append(t.res.Replies, t.regencyKeyboard(locales.Msg("onboard.regency_unknown", "Province", p.Name)))
			return
		}
		t.setRegency(g.Code)
	case stepWave:
		w, bad := parseWave(s)
		if bad.ID != "" {
			t.say(bad)
			return
		}
		t.setWave(w)
	default: // a step answered with buttons only
		t.say(locales.Msg("input.use_buttons"))
		t.prompt()
	}
}

// tap handles a button of the current prompt.
func (t *turn) tap(b tap) {
	c := &t.s.Conv
	if isOrganizerFlow(c.Flow) {
		t.organizerTap(b)
		return
	}
	switch {
	case c.Step == stepName && b.action == "tg" && validName(c.Data["tg"]):
		t.setName(c.Data["tg"])
	case (c.Step == stepProvince || c.Step == stepRegency) && b.action == "pg":
		page, err := strconv.Atoi(b.arg)
		if err != nil || page < 0 {
			t.stale()
			return
		}
		c.set("page", strconv.Itoa(page))
		t.prompt()
		t.res.Replies[len(t.res.Replies)-1].Edit = true
	case c.Step == stepProvince && b.action == "p":
		if _, ok := t.app.Atlas.Province(b.arg); !ok {
			t.stale()
			return
		}
		t.setProvince(b.arg)
	case c.Step == stepRegency && b.action == "back":
		delete(c.Data, "page")
		t.goTo(stepProvince)
	case c.Step == stepRegency && b.action == "r":
		g, ok := t.app.Atlas.Regency(b.arg)
		if !ok || g.Province != c.Data["province"] {
			t.stale()
			return
		}
		t.setRegency(g.Code)
	case c.Step == stepConsent && b.action == "yes":
		t.finishOnboarding()
	case c.Step == stepConsent && b.action == "no":
		c.Nonce++
		t.say(locales.Msg("onboard.consent_declined"), []Button{c.button(locales.Msg("btn.consent_yes"), "yes")})
	case c.Flow == flowProfile:
		t.profileTap(b)
	case c.Flow == flowMeetups:
		t.meetupTap(b)
	default:
		t.stale()
	}
}

func (t *turn) setName(name string) {
	if t.s.Conv.Flow == flowProfile {
		t.s.Profile.Name = name
		t.saved()
		return
	}
	t.s.Conv.set("name", name)
	t.say(locales.Msg("onboard.nice_to_meet", "Name", name))
	t.goTo(stepProvince)
}

func (t *turn) setProvince(code string) {
	t.s.Conv.set("province", code)
	delete(t.s.Conv.Data, "page")
	t.goTo(stepRegency)
}

func (t *turn) setRegency(code string) {
	if t.s.Conv.Flow == flowProfile {
		t.s.Profile.Province = t.s.Conv.Data["province"]
		t.s.Profile.Regency = code
		t.saved()
		return
	}
	t.s.Conv.set("regency", code)
	t.goTo(stepWave)
}

func (t *turn) setWave(w int) {
	if t.s.Conv.Flow == flowProfile {
		t.s.Profile.Wave = w
		t.saved()
		return
	}
	t.s.Conv.set("wave", strconv.Itoa(w))
	t.goTo(stepConsent)
}

func (t *turn) finishOnboarding() {
	c := t.s.Conv
	wave, _ := strconv.Atoi(c.Data["wave"])
	t.s.Profile = &Profile{
		Name:      c.Data["name"],
		Province:  c.Data["province"],
		Regency:   c.Data["regency"],
		Wave:      wave,
		Lang:      t.res.Lang,
		ConsentAt: t.in.Now,
		CreatedAt: t.in.Now,
		Active:    true,
	}
	t.s.Conv.restart("", "")
	t.say(locales.Msg("onboard.done", "Name", t.s.Profile.Name))
	t.resume(c.Payload, true)
}

// provinceKeyboard is the paginated list of provinces under a question.
func (t *turn) provinceKeyboard(q locales.Text) Reply {
	c := &t.s.Conv
	ps := t.app.Atlas.Provinces()
	from, to, page := pageBounds(len(ps), c.Data["page"])
	bs := make([]Button, 0, to-from)
	for _, p := range ps[from:to] {
		bs = append(bs, c.button(locales.Raw(p.Name), "p", p.Code))
	}
	kb := append(rows(bs, 2), t.pager(page, len(ps)))
	return Reply{Text: q, Buttons: trimEmpty(kb)}
}

// regencyKeyboard is the paginated list of the chosen province's regencies under a question.
func (t *turn) regencyKeyboard(q locales.Text) Reply {
	c := &t.s.Conv
	gs := t.app.Atlas.Regencies(c.Data["province"])
	from, to, page := pageBounds(len(gs), c.Data["page"])
	bs := make([]Button, 0, to-from)
	for _, g := range gs[from:to] {
		bs = append(bs, c.button(locales.Raw(g.Name), "r", g.Code))
	}
	kb := append(rows(bs, 2), t.pager(page, len(gs)))
	kb = append(kb, []Button{c.button(locales.Msg("btn.change_province"), "back")})
	return Reply{Text: q, Buttons: trimEmpty(kb)}
}

func (t *turn) pager(page, n int) []Button {
	c := &t.s.Conv
	var row []Button
	if page > 0 {
		row = append(row, c.button(locales.Msg("btn.prev"), "pg", strconv.Itoa(page-1)))
	}
	if (page+1)*pageSize < n {
		row = append(row, c.button(locales.Msg("btn.next"), "pg", strconv.Itoa(page+1)))
	}
	return row
}

func pageBounds(n int, pageArg string) (from, to, page int) {
	page, _ = strconv.Atoi(pageArg)
	page = clampPage(page, n, pageSize)
	from = page * pageSize
	return from, min(from+pageSize, n), page
}

func trimEmpty(kb [][]Button) [][]Button {
	out := kb[:0]
	for _, r := range kb {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func cleanName(s string) string { return strings.Join(strings.Fields(s), " ") }

// validName accepts 2–64 characters with at least one letter and no command or markup look.
func validName(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 64 || strings.HasPrefix(s, "/") {
		return false
	}
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// parseWave reads a wave number; "gelombang 27" is fine too. On bad input it returns the re-prompt.
func parseWave(s string) (int, locales.Text) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "gelombang"))
	if s == "" || len(s) > 6 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, locales.Msg("onboard.wave_not_number")
	}
	w, err := strconv.Atoi(s)
	if err != nil || w < 1 || w > 999 {
		return 0, locales.Msg("onboard.wave_range")
	}
	return w, locales.Text{}
}
