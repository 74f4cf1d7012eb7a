package locales

import (
	"fmt"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	i18ntemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
)

// FormatDateTimeRange writes a meetup's time from start to end, both already in the venue's location:
// "Kamis, 18 Maret 2027 pukul 09.00–15.00 WIB" or "Thursday, 18 March 2027, 09:00–15:00 WIB".
// An end on another day is written in full ("Kamis, 18 Maret 2027 pukul 09.00 – Jumat, 19 Maret 2027
// pukul 15.00 WIB"); a zero end, or one not after start, gives FormatDateTime(start).
// zoneLabel (WIB, WITA, WIT) is appended as given; an empty label is left out.
func FormatDateTimeRange(start, end time.Time, lang Lang, zoneLabel string) string {
	if end.IsZero() || !end.After(start) {
		return FormatDateTime(start, lang, zoneLabel)
	}
	b := make([]byte, 0, 80)
	b = appendDate(b, start, lang)
	b = appendAt(b, lang)
	b = appendClock(b, start, lang)
	if sameDay(start, end) {
		b = append(b, "–"...)
	} else {
		b = append(b, " – "...)
		b = appendDate(b, end, lang)
		b = appendAt(b, lang)
	}
	b = appendClock(b, end, lang)
	return string(appendZone(b, zoneLabel))
}

// FormatDeadline writes a deadline, relative to now when it is near, for a sentence such as
// "sebelum {{.Deadline}}" / "by {{.Deadline}}": "hari ini pukul 21.00 WIB" / "today 21:00 WIB" on the
// same day, "besok pukul 21.00 WIB" / "tomorrow 21:00 WIB" on the next one, else FormatDateTime.
// deadline is already in the venue's location; now is converted to it, so "tomorrow" is the venue's.
func FormatDeadline(deadline, now time.Time, lang Lang, zoneLabel string) string {
	now = now.In(deadline.Location())
	var rel string
	switch {
	case sameDay(deadline, now):
		rel = "hari ini"
		if lang == EN {
			rel = "today"
		}
	case sameDay(deadline, now.AddDate(0, 0, 1)):
		rel = "besok"
		if lang == EN {
			rel = "tomorrow"
		}
	default:
		return FormatDateTime(deadline, lang, zoneLabel)
	}
	b := append(make([]byte, 0, 40), rel...)
	if lang == EN {
		b = append(b, ' ')
	} else {
		b = append(b, " pukul "...)
	}
	b = appendClock(b, deadline, lang)
	return string(appendZone(b, zoneLabel))
}

// FormatTime writes t's time of day: "09.00" in Indonesian, "09:00" in English.
func FormatTime(t time.Time, lang Lang) string {
	return string(appendClock(make([]byte, 0, 5), t, lang))
}

// FormatNumber writes a count with thousands separators: "1.250" in Indonesian, "1,250" in English.
// It is for counts only (alumni, seats, messages); ids and codes are shown as they are. Catalog
// messages use it as the template function num: "{{num .Count}} alumni".
func FormatNumber(n int64, lang Lang) string {
	sep := byte('.')
	if lang == EN {
		sep = ','
	}
	digits := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		digits = digits[1:]
	}
	b := make([]byte, 0, len(digits)+len(digits)/3+1)
	if neg {
		b = append(b, '-')
	}
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, sep)
		}
		b = append(b, digits[i])
	}
	return string(b)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func appendAt(b []byte, lang Lang) []byte {
	if lang == EN {
		return append(b, ", "...)
	}
	return append(b, " pukul "...)
}

// appendClock appends t's hour and minute: "09.00" in Indonesian, "09:00" in English.
func appendClock(b []byte, t time.Time, lang Lang) []byte {
	b = append2(b, t.Hour())
	if lang == EN {
		b = append(b, ':')
	} else {
		b = append(b, '.')
	}
	return append2(b, t.Minute())
}

func appendZone(b []byte, zoneLabel string) []byte {
	if zoneLabel == "" {
		return b
	}
	b = append(b, ' ')
	return append(b, zoneLabel...)
}

// thousandsMark stands for the thousands separator in what the num template function writes; Render
// replaces it with the language's separator. The function itself cannot know the language: go-i18n
// caches one parsed template per message, so the template functions are the same for every language.
const thousandsMark = "\uE000"

// templateFuncs are the functions catalog messages may call:
//
//	{{num .Count}}  a count with thousands separators: "1.250" (id), "1,250" (en); only for counts,
//	                never for ids or codes. A value that is not an integer is written as it is.
//	{{plural .Regencies "regency" "regencies"}}
//	                English: the first word when the count is 1, else the second. For a message with
//	                a second count; the message's own plural forms follow .Count.
var templateFuncs = texttemplate.FuncMap{"num": num, "plural": plural}

func plural(v any, one, other string) string {
	if n, ok := pluralCount(normalizeArgs(map[string]any{"n": v})["n"]); ok && fmt.Sprint(n) == "1" {
		return one
	}
	return other
}

func num(v any) string {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int8:
		n = int64(x)
	case int16:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case uint8:
		n = int64(x)
	case uint16:
		n = int64(x)
	case uint32:
		n = int64(x)
	default:
		if i, ok := integral(v); ok {
			n = int64(i)
			break
		}
		return fmt.Sprint(v)
	}
	return strings.ReplaceAll(FormatNumber(n, ID), ".", thousandsMark)
}

// localizeNumbers puts lang's thousands separator where num left its mark.
func localizeNumbers(s string, lang Lang) string {
	if !strings.Contains(s, thousandsMark) {
		return s
	}
	sep := "."
	if lang == EN {
		sep = ","
	}
	return strings.ReplaceAll(s, thousandsMark, sep)
}

// templateParser is go-i18n's text parser with templateFuncs. Unlike go-i18n's own parser with functions it
// lets go-i18n cache each parsed template: the functions never change.
var templateParser = funcParser{}

type funcParser struct{}

func (funcParser) Cacheable() bool { return true }

func (funcParser) Parse(src, leftDelim, rightDelim string) (i18ntemplate.ParsedTemplate, error) {
	if leftDelim == "" {
		leftDelim = "{{"
	}
	if rightDelim == "" {
		rightDelim = "}}"
	}
	if !strings.Contains(src, leftDelim) {
		return rawTemplate(src), nil
	}
	t, err := texttemplate.New("").Delims(leftDelim, rightDelim).Option("missingkey=default").Funcs(templateFuncs).Parse(src)
	if err != nil {
		return nil, err
	}
	return textTemplate{t}, nil
}

type rawTemplate string

func (r rawTemplate) Execute(any) (string, error) { return string(r), nil }

type textTemplate struct{ t *texttemplate.Template }

func (t textTemplate) Execute(data any) (string, error) {
	var b strings.Builder
	if err := t.t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
