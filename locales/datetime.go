package locales

import (
	"strconv"
	"time"
)

var (
	idDays   = [7]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	idMonths = [12]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni",
		"Juli", "Agustus", "September", "Oktober", "November", "Desember"}
)

// FormatDateTime writes t, already in the venue's location, the way the bot shows a moment:
// "Kamis, 19 September 2024 pukul 09.00 WIB" or "Thursday, 19 September 2024, 09:00 WIB".
// zoneLabel (WIB, WITA, WIT) is appended as given; an empty label is left out.
// A meetup's time, which has an end, is written by FormatDateTimeRange.
func FormatDateTime(t time.Time, lang Lang, zoneLabel string) string {
	b := make([]byte, 0, 64)
	b = appendDate(b, t, lang)
	b = appendAt(b, lang)
	b = appendClock(b, t, lang)
	return string(appendZone(b, zoneLabel))
}

// FormatDate writes t's date: "Kamis, 19 September 2024" or "Thursday, 19 September 2024".
func FormatDate(t time.Time, lang Lang) string {
	return string(appendDate(make([]byte, 0, 40), t, lang))
}

func appendDate(b []byte, t time.Time, lang Lang) []byte {
	year, month, day := t.Date()
	if lang == EN {
		b = append(b, t.Weekday().String()...)
	} else {
		b = append(b, idDays[t.Weekday()]...)
	}
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(day), 10)
	b = append(b, ' ')
	if lang == EN {
		b = append(b, month.String()...)
	} else {
		b = append(b, idMonths[month-1]...)
	}
	b = append(b, ' ')
	return strconv.AppendInt(b, int64(year), 10)
}

// append2 appends n (0–99) as two digits.
func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
