package flows

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/locales"
)

func TestParseWave(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		bad  string // the re-prompt's id, "" when read
	}{
		{"27", 27, ""},
		{" 27 ", 27, ""},
		{"Gelombang 27", 27, ""},
		{"gelombang ke-27", 27, ""},
		{"dua puluh tujuh", 27, ""},
		{"Dua  Puluh Tujuh", 27, ""},
		{"dua puluh", 20, ""},
		{"satu", 1, ""},
		{"sembilan", 9, ""},
		{"sepuluh", 10, ""},
		{"sebelas", 11, ""},
		{"dua belas", 12, ""},
		{"sembilan belas", 19, ""},
		{"sembilan puluh sembilan", 99, ""},
		{"seratus", 100, ""},
		{"seratus dua puluh", 120, ""},
		{"twenty-seven", 27, ""},
		{"twenty seven", 27, ""},
		{"twelve", 12, ""},
		{"a hundred", 100, ""},
		{"gelombang dua puluh tujuh", 27, ""},
		{"0", 0, "onboard.wave_range"},
		{"nol", 0, "onboard.wave_range"},
		{"1000", 0, "onboard.wave_range"},
		{"", 0, "onboard.wave_not_number"},
		{"banyak", 0, "onboard.wave_not_number"},
		{"dua tujuh", 0, "onboard.wave_not_number"},
		{"puluh", 0, "onboard.wave_not_number"},
		{"dua puluh puluh", 0, "onboard.wave_not_number"},
		{"sepuluh satu", 0, "onboard.wave_not_number"},
		{"dua belas tiga", 0, "onboard.wave_not_number"},
		{"27a", 0, "onboard.wave_not_number"},
		{"-5", 0, "onboard.wave_not_number"},
		{strings.Repeat("9", 4096), 0, "onboard.wave_not_number"},
	} {
		got, bad := parseWave(tc.in)
		if bad.ID != tc.bad || tc.bad == "" && got != tc.want {
			t.Errorf("parseWave(%q) = %d %q, want %d %q", tc.in, got, bad.ID, tc.want, tc.bad)
		}
	}
}

func TestYesNo(t *testing.T) {
	for _, tc := range []struct {
		in      string
		yes, ok bool
	}{
		{"ya", true, true}, {"Iya", true, true}, {"iya!", true, true}, {"oke", true, true}, {"OK", true, true},
		{"setuju", true, true}, {"ya, aku setuju", true, true}, {"yes", true, true}, {"siap kak", true, true},
		{"tidak", false, true}, {"nggak", false, true}, {"gak", false, true}, {"enggak", false, true},
		{"tidak setuju", false, true}, {"no", false, true}, {"nanti dulu", false, true},
		{"hmm", false, false}, {"", false, false}, {"ya tidak", false, false}, {"iyain", false, false},
	} {
		if yes, ok := yesNo(tc.in); yes != tc.yes || ok != tc.ok {
			t.Errorf("yesNo(%q) = %v %v, want %v %v", tc.in, yes, ok, tc.yes, tc.ok)
		}
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		in, clean, bad string
	}{
		{"  Vita   Sari ", "Vita Sari", ""},
		{"\u202eilA\u200bB", "ilAB", ""}, // a right-to-left override and a zero-width space are dropped
		{"Vi\u200dta\ufeff", "Vita", ""},
		{"Vita\u2066\u2069", "Vita", ""},
		{"Vi\x07ta", "Vita", ""},
		{"x", "x", "onboard.name_too_short"},
		{strings.Repeat("Vita ", 800), "", "onboard.name_too_long"},
		{"12345", "12345", "onboard.name_no_letters"},
		{"\u202e\u200b", "", "onboard.name_no_letters"},
		{"/start", "/start", "onboard.name_no_letters"},
	} {
		clean := cleanName(tc.in)
		if tc.clean != "" && clean != tc.clean {
			t.Errorf("cleanName(%q) = %q, want %q", tc.in, clean, tc.clean)
		}
		if got := checkName(clean).ID; got != tc.bad {
			t.Errorf("checkName(%q) = %q, want %q", clean, got, tc.bad)
		}
	}
}

func TestIsGreeting(t *testing.T) {
	for in, want := range map[string]bool{
		"halo": true, "Halo!": true, "haloooo": true, "hai kak": true, "hi": true, "Selamat pagi": true,
		"assalamualaikum": true, "p": true,
		"": false, "halo aku mau ikut acara jambi": false, "acara": false, "27": false,
	} {
		if got := isGreeting(in); got != want {
			t.Errorf("isGreeting(%q) = %v, want %v", in, got, want)
		}
	}
}

// Long area names get a row each, so two of them are never cut to the same text side by side.
func TestAreaRows(t *testing.T) {
	b := func(s string) Button { return Button{Text: locales.Raw(s)} }
	got := areaRows([]Button{b("Kota Jambi"), b("Kabupaten Bungo"), b("Kabupaten Tanjung Jabung Barat"),
		b("Kabupaten Tanjung Jabung Timur"), b("Kabupaten Tebo"), b("Bali")})
	var labels [][]string
	for _, row := range got {
		var r []string
		for _, x := range row {
			r = append(r, x.Text.Raw)
			if len(row) > 1 && utf8.RuneCountInString(x.Text.Raw) > shortLabel {
				t.Errorf("%q shares a row", x.Text.Raw)
			}
		}
		labels = append(labels, r)
	}
	want := [][]string{{"Kota Jambi", "Kabupaten Bungo"}, {"Kabupaten Tanjung Jabung Barat"},
		{"Kabupaten Tanjung Jabung Timur"}, {"Kabupaten Tebo", "Bali"}}
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
