package flows

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/locales"
)

// The questions onboarding and the profile both ask: name, province, regency and wave. Each flow
// has its own steps and state; these helpers ask and read the answers the same way for both.

// areaPick is a province chosen and the page of the area keyboard shown, kept in a flow's state.
type areaPick struct {
	Province string `json:"province,omitempty"`
	Page     int    `json:"page,omitempty"`
}

const pageSize = 10 // area buttons per page: 5 rows of 2 fit a phone screen

// provinceKeyboard is the paginated list of provinces under a question: "p:<code>" a button.
func provinceKeyboard(t *Turn, q locales.Text, page int) Reply {
	ps := t.app.Atlas.Provinces()
	from, to, page := pageBounds(len(ps), page)
	bs := make([]Button, 0, to-from)
	for _, p := range ps[from:to] {
		bs = append(bs, t.button(locales.Raw(p.Name), "p", p.Code))
	}
	kb := append(rows(bs, 2), t.navRow(page, len(ps), pageSize))
	return Reply{Text: q, Buttons: trimEmpty(kb)}
}

// regencyKeyboard is the paginated list of a province's regencies under a question: "r:<code>" a
// button, with last as the last row.
func regencyKeyboard(t *Turn, q locales.Text, province string, page int, last []Button) Reply {
	gs := t.app.Atlas.Regencies(province)
	from, to, page := pageBounds(len(gs), page)
	bs := make([]Button, 0, to-from)
	for _, g := range gs[from:to] {
		bs = append(bs, t.button(locales.Raw(g.Name), "r", g.Code))
	}
	kb := append(rows(bs, 2), t.navRow(page, len(gs), pageSize), last)
	return Reply{Text: q, Buttons: trimEmpty(kb)}
}

func pageBounds(n, page int) (from, to, p int) {
	page = clampPage(page, n, pageSize)
	from = page * pageSize
	return from, min(from+pageSize, n), page
}

// askArea asks for the province (regency false) or the regency of a.Province, with a button back to
// the province.
func askArea(t *Turn, a *areaPick, regency bool) {
	if !regency {
		t.add(provinceKeyboard(t, locales.Msg("onboard.ask_province"), a.Page))
		return
	}
	p, _ := t.app.Atlas.Province(a.Province)
	t.add(regencyKeyboard(t, locales.Msg("onboard.ask_regency", "Province", p.Name), a.Province, a.Page,
		[]Button{t.button(locales.Msg("btn.change_province"), "back")}))
}

// typedArea reads a typed province (regency false) or regency; on a name it does not know it asks
// again and returns false.
func typedArea(t *Turn, a *areaPick, regency bool, s string) (string, bool) {
	if !regency {
		p, ok := t.app.Atlas.FindProvince(s)
		if !ok {
			t.add(provinceKeyboard(t, locales.Msg("onboard.province_unknown"), a.Page))
			return "", false
		}
		return p.Code, true
	}
	g, ok := t.app.Atlas.FindRegency(a.Province, s)
	if !ok {
		p, _ := t.app.Atlas.Province(a.Province)
		t.add(regencyKeyboard(t, locales.Msg("onboard.regency_unknown", "Province", p.Name), a.Province, a.Page,
			[]Button{t.button(locales.Msg("btn.change_province"), "back")}))
		return "", false
	}
	return g.Code, true
}

// areaTap handles the area keyboard's buttons: pages, a province, a regency, back to the province.
// chosen is called with a valid code; back with nothing. It returns false for a button that is not
// the keyboard's.
func areaTap(t *Turn, a *areaPick, regency bool, b Tap, chosen func(code string), back func()) bool {
	switch {
	case b.Action == "pg":
		page, ok := pageArg(b.Arg)
		if !ok {
			t.stale()
			return true
		}
		a.Page = page
		t.prompt()
		t.editLast()
	case !regency && b.Action == "p":
		if _, ok := t.app.Atlas.Province(b.Arg); !ok {
			t.stale()
			return true
		}
		chosen(b.Arg)
	case regency && b.Action == "back":
		a.Page = 0
		back()
	case regency && b.Action == "r":
		g, ok := t.app.Atlas.Regency(b.Arg)
		if !ok || g.Province != a.Province {
			t.stale()
			return true
		}
		chosen(g.Code)
	default:
		return false
	}
	return true
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
