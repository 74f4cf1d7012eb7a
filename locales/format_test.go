package locales

import (
	"testing"
	"time"
)

func TestFormatDateTimeRange(t *testing.T) {
	jakarta := mustLocation(t, "Asia/Jakarta")
	start := time.Date(2027, 3, 18, 9, 0, 0, 0, jakarta)
	tests := []struct {
		end  time.Time
		lang Lang
		zone string
		want string
	}{
		{time.Date(2027, 3, 18, 15, 0, 0, 0, jakarta), ID, "WIB", "Kamis, 18 Maret 2027 pukul 09.00–15.00 WIB"},
		{time.Date(2027, 3, 18, 15, 0, 0, 0, jakarta), EN, "WIB", "Thursday, 18 March 2027, 09:00–15:00 WIB"},
		{time.Date(2027, 3, 19, 15, 30, 0, 0, jakarta), ID, "WIB", "Kamis, 18 Maret 2027 pukul 09.00 – Jumat, 19 Maret 2027 pukul 15.30 WIB"},
		{time.Date(2027, 3, 19, 15, 30, 0, 0, jakarta), EN, "", "Thursday, 18 March 2027, 09:00 – Friday, 19 March 2027, 15:30"},
		{time.Time{}, ID, "WIB", "Kamis, 18 Maret 2027 pukul 09.00 WIB"},
		{start, EN, "WIB", "Thursday, 18 March 2027, 09:00 WIB"},                   // an end not after the start is left out
		{start.Add(-time.Hour), ID, "WIT", "Kamis, 18 Maret 2027 pukul 09.00 WIT"}, // so is one before it
	}
	for _, tt := range tests {
		if got := FormatDateTimeRange(start, tt.end, tt.lang, tt.zone); got != tt.want {
			t.Errorf("FormatDateTimeRange(%v, %v, %q, %q) = %q, want %q", start, tt.end, tt.lang, tt.zone, got, tt.want)
		}
	}
}

func TestFormatDeadline(t *testing.T) {
	jakarta := mustLocation(t, "Asia/Jakarta")
	makassar := mustLocation(t, "Asia/Makassar")
	now := time.Date(2027, 3, 17, 20, 15, 0, 0, jakarta)
	tests := []struct {
		deadline time.Time
		lang     Lang
		zone     string
		want     string
	}{
		{time.Date(2027, 3, 17, 23, 0, 0, 0, jakarta), ID, "WIB", "hari ini pukul 23.00 WIB"},
		{time.Date(2027, 3, 17, 23, 0, 0, 0, jakarta), EN, "WIB", "today 23:00 WIB"},
		{time.Date(2027, 3, 18, 21, 0, 0, 0, jakarta), ID, "WIB", "besok pukul 21.00 WIB"},
		{time.Date(2027, 3, 18, 21, 0, 0, 0, jakarta), EN, "WIB", "tomorrow 21:00 WIB"},
		{time.Date(2027, 3, 19, 21, 0, 0, 0, jakarta), ID, "WIB", "Jumat, 19 Maret 2027 pukul 21.00 WIB"},
		{time.Date(2027, 3, 19, 21, 0, 0, 0, jakarta), EN, "WIB", "Friday, 19 March 2027, 21:00 WIB"},
		// 20.15 WIB is 21.15 WITA: the venue's "tomorrow" counts, not the server's.
		{time.Date(2027, 3, 18, 0, 30, 0, 0, makassar), ID, "WITA", "besok pukul 00.30 WITA"},
		// 09.00 WITA on the 18th is tomorrow at 21.15 WITA on the 17th.
		{time.Date(2027, 3, 18, 9, 0, 0, 0, makassar), EN, "WITA", "tomorrow 09:00 WITA"},
	}
	for _, tt := range tests {
		if got := FormatDeadline(tt.deadline, now, tt.lang, tt.zone); got != tt.want {
			t.Errorf("FormatDeadline(%v, %v, %q) = %q, want %q", tt.deadline, now, tt.lang, got, tt.want)
		}
	}
	late := time.Date(2027, 3, 17, 23, 30, 0, 0, jakarta) // 00.30 WITA on the 18th
	if got, want := FormatDeadline(time.Date(2027, 3, 18, 9, 0, 0, 0, makassar), late, ID, "WITA"), "hari ini pukul 09.00 WITA"; got != want {
		t.Errorf("FormatDeadline near midnight = %q, want %q", got, want)
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		n      int64
		id, en string
	}{
		{0, "0", "0"}, {7, "7", "7"}, {999, "999", "999"}, {1000, "1.000", "1,000"}, {1250, "1.250", "1,250"},
		{12345, "12.345", "12,345"}, {123456, "123.456", "123,456"}, {1234567, "1.234.567", "1,234,567"},
		{-1250, "-1.250", "-1,250"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.n, ID); got != tt.id {
			t.Errorf("FormatNumber(%d, ID) = %q, want %q", tt.n, got, tt.id)
		}
		if got := FormatNumber(tt.n, EN); got != tt.en {
			t.Errorf("FormatNumber(%d, EN) = %q, want %q", tt.n, got, tt.en)
		}
	}
}

// TestNumTemplateFunc renders {{num .Count}} through the catalog: the separator follows the language,
// the plural form still follows the count, and arguments not passed through num stay as they are.
func TestNumTemplateFunc(t *testing.T) {
	c, err := newCatalog([]byte(`
["n"]
other = "{{num .Count}} alumni, kode {{.Code}}"
`), []byte(`
["n"]
one = "{{num .Count}} alumnus, code {{.Code}}"
other = "{{num .Count}} alumni, code {{.Code}}"
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang  Lang
		count any
		want  string
	}{
		{ID, 1250, "1.250 alumni, kode 1234567"},
		{EN, 1250, "1,250 alumni, code 1234567"},
		{EN, 1, "1 alumnus, code 1234567"},
		{EN, float64(2000), "2,000 alumni, code 1234567"}, // after a JSON round trip
		{ID, "banyak", "banyak alumni, kode 1234567"},
	}
	for _, tt := range tests {
		if got := c.Render(tt.lang, Msg("n", "Count", tt.count, "Code", 1234567)); got != tt.want {
			t.Errorf("Render(%s, Count=%v) = %q, want %q", tt.lang, tt.count, got, tt.want)
		}
	}
}

func TestPluralTemplateFunc(t *testing.T) {
	c, err := newCatalog([]byte(`
["n"]
other = "{{num .People}} alumni dari {{num .Regencies}} kabupaten/kota"
`), []byte(`
["n"]
other = "{{num .People}} {{plural .People \"alumnus\" \"alumni\"}} from {{num .Regencies}} {{plural .Regencies \"regency\" \"regencies\"}}"
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		people, regencies any
		want              string
	}{
		{1, 1, "1 alumnus from 1 regency"},
		{2, 1, "2 alumni from 1 regency"},
		{1250, float64(12), "1,250 alumni from 12 regencies"},
		{0, 0, "0 alumni from 0 regencies"},
	}
	for _, tt := range tests {
		if got := c.Render(EN, Msg("n", "People", tt.people, "Regencies", tt.regencies)); got != tt.want {
			t.Errorf("Render(EN, %v, %v) = %q, want %q", tt.people, tt.regencies, got, tt.want)
		}
	}
}
