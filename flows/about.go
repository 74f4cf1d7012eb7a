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

// provinceQuestion is provinceKeyboard with last (if any) as the last row.
func provinceQuestion(t *Turn, q locales.Text, page int, last []Button) Reply {
	r := provinceKeyboard(t, q, page)
	if len(last) > 0 {
		r.Buttons = append(r.Buttons, last)
	}
	return r
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
	kb := append(areaRows(bs), t.navRow(page, len(gs), pageSize), last)
	return Reply{Text: q, Buttons: trimEmpty(kb)}
}

// shortLabel is the longest label (in characters) that still fits half a narrow phone screen: two
// longer ones side by side are cut to the same "Kabupaten Tanjung Jab…".
const shortLabel = 16

// areaRows lays area buttons out two to a row when both labels are short, else one to a row.
func areaRows(bs []Button) [][]Button {
	var out [][]Button
	for i := 0; i < len(bs); i++ {
		if i+1 < len(bs) && shortText(bs[i].Text) && shortText(bs[i+1].Text) {
			out = append(out, bs[i:i+2:i+2])
			i++
			continue
		}
		out = append(out, bs[i:i+1:i+1])
	}
	return out
}

func shortText(t locales.Text) bool { return utf8.RuneCountInString(t.Raw) <= shortLabel }

func pageBounds(n, page int) (from, to, p int) {
	page = clampPage(page, n, pageSize)
	from = page * pageSize
	return from, min(from+pageSize, n), page
}

// areaAsk is how a flow frames the area questions: wrap adds its progress or the current value to a
// question; back is a last row for the province question (a way back out), nil for none.
type areaAsk struct {
	wrap func(q locales.Text) locales.Text
	back []Button
}

// askArea asks for the province (regency false) or the regency of a.Province, with a button back to
// the province.
func askArea(t *Turn, a *areaPick, regency bool, f areaAsk) {
	if !regency {
		t.add(provinceQuestion(t, f.wrap(locales.Msg("onboard.ask_province")), a.Page, f.back))
		return
	}
	p, _ := t.app.Atlas.Province(a.Province)
	t.add(regencyKeyboard(t, f.wrap(locales.Msg("onboard.ask_regency", "Province", p.Name)), a.Province, a.Page,
		[]Button{t.button(locales.Msg("btn.change_province"), "back")}))
}

// typedArea reads a typed province (regency false) or regency; on a name it does not know it asks
// again, and on a regency name that fits several it offers them as buttons, and returns false.
func typedArea(t *Turn, a *areaPick, regency bool, s string, f areaAsk) (string, bool) {
	if !regency {
		p, ok := t.app.Atlas.FindProvince(s)
		if !ok {
			t.add(provinceQuestion(t, locales.Msg("onboard.province_unknown"), a.Page, f.back))
			return "", false
		}
		return p.Code, true
	}
	p, _ := t.app.Atlas.Province(a.Province)
	back := []Button{t.button(locales.Msg("btn.change_province"), "back")}
	gs, exact := t.app.Atlas.MatchRegency(a.Province, s)
	switch {
	case exact && len(gs) == 1:
		return gs[0].Code, true
	case len(gs) == 0:
		t.add(regencyKeyboard(t, locales.Msg("onboard.regency_unknown", "Province", p.Name), a.Province, a.Page, back))
	default:
		bs := make([]Button, len(gs))
		for i, g := range gs {
			bs[i] = t.button(locales.Raw(g.Name), "r", g.Code)
		}
		q := locales.Msg("onboard.regency_pick", "Province", p.Name, "Count", len(gs))
		if len(gs) == 1 {
			q = locales.Msg("onboard.regency_pick_one", "Regency", gs[0].Name)
		}
		t.say(q, append(areaRows(bs), back)...)
	}
	return "", false
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

// cleanName keeps a name's words and drops what can make it look like another name: bidi controls
// (a right-to-left override turns "Alice" around), zero-width and other invisible format characters,
// control characters.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Name lengths, in characters.
const (
	nameMin = 2
	nameMax = 64
)

// checkName says what is wrong with a (cleaned) name: the re-prompt, or an empty Text when it is fine.
func checkName(s string) locales.Text {
	n := utf8.RuneCountInString(s)
	switch {
	case n > nameMax:
		return locales.Msg("onboard.name_too_long", "Max", nameMax)
	case strings.IndexFunc(s, unicode.IsLetter) < 0 || strings.HasPrefix(s, "/"):
		return locales.Msg("onboard.name_no_letters")
	case n < nameMin:
		return locales.Msg("onboard.name_too_short", "Min", nameMin)
	}
	return locales.Text{}
}

// validName accepts 2–64 characters with at least one letter and no command look.
func validName(s string) bool { return checkName(s).ID == "" }

// parseWave reads a wave number, in digits or in words ("dua puluh tujuh"); "gelombang 27" is fine
// too. On bad input it returns the re-prompt.
func parseWave(s string) (int, locales.Text) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "gelombang"))
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "wave"), "ke-"))
	w, ok := parseNumber(s)
	if !ok {
		return 0, locales.Msg("onboard.wave_not_number")
	}
	if w < 1 || w > 999 {
		return 0, locales.Msg("onboard.wave_range")
	}
	return w, locales.Text{}
}

// parseNumber reads a whole number typed in digits ("27", "1.000" is not one) or in Indonesian or
// English words up to the hundreds: "dua puluh tujuh", "sebelas", "seratus", "twenty-seven".
func parseNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		if len(s) > 6 {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	return numberWords(s)
}

// The words of numbers: units, and what multiplies the unit before it.
var (
	unitWords = map[string]int{
		"nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
		"delapan": 8, "sembilan": 9,
		"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
		"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
		"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
	}
	tensWords = map[string]int{
		"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
		"ninety": 90,
	}
)

// numberWords reads a number in words: [unit ratus|hundred] [unit puluh|tens] [unit], or unit belas
// in place of the last two. "se" before puluh, belas and ratus is "satu": sepuluh, sebelas, seratus.
func numberWords(s string) (int, bool) {
	var ws []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '-' }) {
		switch {
		case w == "and":
			continue
		case w == "a" && len(ws) == 0:
			w = "one"
		}
		if rest, ok := strings.CutPrefix(w, "se"); ok && (rest == "puluh" || rest == "belas" || rest == "ratus") {
			ws = append(ws, "satu", rest)
			continue
		}
		ws = append(ws, w)
	}
	total, seen := 0, false
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if v, ok := tensWords[w]; ok && total%100 == 0 {
			total, seen = total+v, true
			continue
		}
		u, ok := unitWords[w]
		if !ok {
			return 0, false
		}
		next := ""
		if i+1 < len(ws) {
			next = ws[i+1]
		}
		digit := u >= 1 && u <= 9
		switch {
		case (next == "ratus" || next == "hundred") && !seen && digit:
			total, i = 100*u, i+1
		case next == "puluh" && total%100 == 0 && digit:
			total, i = total+10*u, i+1
		case next == "belas" && total%100 == 0 && digit:
			total, i = total+10+u, i+1
			if i+1 < len(ws) {
				return 0, false
			}
		case !seen || total%100 == 0 && u > 0 || total%100 >= 20 && total%10 == 0 && digit:
			total += u
			if i+1 < len(ws) {
				return 0, false
			}
		default:
			return 0, false
		}
		seen = true
	}
	return total, seen
}

// yesNo reads a typed answer to a yes/no question: yes is "ya", "iya", "oke", "setuju", "yes"...;
// no is "tidak", "nggak", "gak", "enggak", "no"..., also before a verb ("tidak setuju"). ok is false
// when it is neither, or both ("ya tidak").
func yesNo(s string) (yes, ok bool) {
	var y, verb, n bool
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r)
	}) {
		switch w {
		case "ya", "iya", "iyaa", "iyo", "y", "yes", "yup", "yep", "ok", "oke", "okay", "okey", "okeh", "sip", "sure":
			y = true
		case "setuju", "boleh", "siap", "mau", "agree":
			verb = true
		case "tidak", "tdk", "gak", "ga", "gk", "nggak", "ngga", "nggk", "enggak", "engga", "ndak", "no", "nope",
			"not", "jangan", "belum", "nanti":
			n = true
		}
	}
	switch {
	case n && y:
		return false, false
	case n:
		return false, true
	}
	return y || verb, y || verb
}
