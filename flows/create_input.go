package flows

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/alumnibot/alumnibot/locales"
)

// Reading what organizers type in /buatacara: dates, clock times, capacities, words that mean
// "skip", and the slug a new meetup's id is made of. Pure functions: no state, no store.

// Limits of what organizers type. The id and the capacity follow meetupfile, so a meetup made here
// could be written to a meetup file and loaded back.
const (
	mkTitleMin, mkTitleMax = 3, 80
	mkVenueMin, mkVenueMax = 3, 100
	mkAddressMax           = 200
	mkDescMax              = 1000 // a meetup's page must stay well under Telegram's 4,096 characters
	mkTrainerMax           = 100
	mkCapacityMax          = 100000
	mkWorkshopsMax         = 10
	mkIDMax                = 41 // meetupfile: 2–41 characters of a-z, 0-9 and -
	mkSuffixLen            = 4
	mkMenuMax              = 10 // meetups offered for a change
	mkAheadYears           = 2  // a date further out is most likely a typo
)

// mkSlug makes a-z, 0-9 and - of a title, at most n characters: "Temu Alumni Gorontalo" →
// "temu-alumni-gorontalo". Accents are dropped ("Café" → "cafe"); a title with nothing left is "acara".
func mkSlug(title string, n int) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r): // a combining accent of the letter before
		default:
			dash = true
		}
		if b.Len() >= n {
			break
		}
	}
	s := strings.Trim(b.String()[:min(b.Len(), n)], "-")
	if s == "" {
		return "acara"
	}
	return s
}

var (
	mkClockRE     = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[.:]([0-5][0-9])$`)
	mkThousandsRE = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})+$`)
	mkDayLayouts  = []string{"2-1-2006", "2/1/2006", "2.1.2006", "2006-1-2"}
)

// mkParseDay reads a date typed as 19-09-2027, 19/09/2027 or 2027-09-19 and returns it as "2006-01-02".
func mkParseDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, l := range mkDayLayouts {
		if d, err := time.Parse(l, s); err == nil {
			return d.Format("2006-01-02"), true
		}
	}
	return "", false
}

// mkParseClock reads a time of day typed as 09.00 or 9:00 (optionally followed by the venue's zone label)
// and returns it as "15:04".
func mkParseClock(s, zoneName string) (string, bool) {
	f := strings.Fields(s)
	if len(f) == 2 && zoneName != "" && strings.EqualFold(f[1], zoneName) {
		f = f[:1]
	}
	if len(f) != 1 {
		return "", false
	}
	m := mkClockRE.FindStringSubmatch(f[0])
	if m == nil {
		return "", false
	}
	h, _ := strconv.Atoi(m[1])
	return fmt.Sprintf("%02d:%s", h, m[2]), true
}

// mkParseCapacity reads a number of seats: 100, or 1.000 written the Indonesian way. On bad input it
// returns the re-prompt.
func mkParseCapacity(s string) (int, locales.Text) {
	s = strings.TrimSpace(s)
	if mkThousandsRE.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, locales.Msg("create.capacity_not_number")
	}
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 6 || n < 1 || n > mkCapacityMax {
		return 0, locales.Msg("create.capacity_range")
	}
	return n, locales.Text{}
}

// mkSkipWord says whether a typed answer means "leave this empty".
func mkSkipWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "-", "lewati", "skip":
		return true
	}
	return false
}

// mkClock shows a stored "15:04" time the way the user's language writes it: "09.00" in Indonesian,
// "09:00" in English.
func mkClock(t *Turn, hm string) string {
	if t.res.Lang == locales.EN {
		return hm
	}
	return strings.Replace(hm, ":", ".", 1)
}
