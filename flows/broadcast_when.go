package flows

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// parseWhen reads the time an organizer types for a scheduled announcement, in zone: "besok 09.00",
// "hari ini 19.00", "lusa 8:30", "20 Desember 19.00", "20 Des 2026 19.00", "20-12-2026 19.00",
// "20/12 19.00", in Indonesian or English ("tomorrow 09:00", "20 December 19:00"); "pukul"/"jam"/"at"
// and a zone label after the time are allowed. A date without a year is its next occurrence.
func parseWhen(s string, now time.Time, zone *time.Location) (time.Time, bool) {
	f := strings.Fields(strings.ToLower(strings.NewReplacer(",", " ").Replace(s)))
	var words []string
	for _, w := range f {
		switch w {
		case "pukul", "jam", "at", "pkl", "pkl.", "wib", "wita", "wit":
			continue
		}
		words = append(words, w)
	}
	if len(words) < 2 {
		return time.Time{}, false
	}
	hh, mm, ok := parseClock(words[len(words)-1])
	if !ok {
		return time.Time{}, false
	}
	day := words[:len(words)-1]
	today := now.In(zone)
	y, m, d := today.Date()
	switch strings.Join(day, " ") {
	case "hari ini", "today", "nanti":
	case "besok", "tomorrow", "besok pagi", "besok malam":
		d++
	case "lusa":
		d += 2
	default:
		var yearGiven bool
		if y, m, d, yearGiven, ok = parseDay(day, y); !ok {
			return time.Time{}, false
		}
		at := time.Date(y, m, d, hh, mm, 0, 0, zone)
		if at.Month() != m || at.Day() != d {
			return time.Time{}, false // 31 November
		}
		if !yearGiven && at.Before(today) {
			at = at.AddDate(1, 0, 0)
		}
		return at, true
	}
	return time.Date(y, m, d, hh, mm, 0, 0, zone), true
}

var whenClockRE = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[.:]([0-5][0-9])$`)

func parseClock(s string) (int, int, bool) {
	m := whenClockRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	return h, mi, true
}

var monthPrefixes = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7, "agu": 8, "aug": 8,
	"agt": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12,
}

// parseDay reads "20 desember [2026]" or "20-12[-2026]" / "20/12[/2026]".
func parseDay(words []string, year int) (int, time.Month, int, bool, bool) {
	if len(words) == 1 {
		parts := strings.FieldsFunc(words[0], func(r rune) bool { return r == '-' || r == '/' || r == '.' })
		if len(parts) < 2 || len(parts) > 3 {
			return 0, 0, 0, false, false
		}
		d, err1 := strconv.Atoi(parts[0])
		mo, err2 := strconv.Atoi(parts[1])
		if err1 != nil || err2 != nil || mo < 1 || mo > 12 || d < 1 || d > 31 {
			return 0, 0, 0, false, false
		}
		if len(parts) == 3 {
			y, err := strconv.Atoi(parts[2])
			if err != nil || y < 2000 || y > 2100 {
				return 0, 0, 0, false, false
			}
			return y, time.Month(mo), d, true, true
		}
		return year, time.Month(mo), d, false, true
	}
	if len(words) < 2 || len(words) > 3 || len(words[1]) < 3 {
		return 0, 0, 0, false, false
	}
	d, err := strconv.Atoi(words[0])
	mo, ok := monthPrefixes[words[1][:3]]
	if err != nil || !ok || d < 1 || d > 31 {
		return 0, 0, 0, false, false
	}
	if len(words) == 3 {
		y, err := strconv.Atoi(words[2])
		if err != nil || y < 2000 || y > 2100 {
			return 0, 0, 0, false, false
		}
		return y, mo, d, true, true
	}
	return year, mo, d, false, true
}
