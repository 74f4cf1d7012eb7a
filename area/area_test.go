package area

import (
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(a.Provinces()); got != 38 {
		t.Fatalf("provinces = %d, want 38", got)
	}
	n := 0
	for _, p := range a.Provinces() {
		rs := a.Regencies(p.Code)
		if len(rs) == 0 {
			t.Errorf("%s has no regencies", p.Name)
		}
		n += len(rs)
	}
	if n != 514 {
		t.Fatalf("regencies = %d, want 514", n)
	}
}

func TestZones(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 9, 19, 1, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		code, label string
		hour        int
	}{
		{"15", "WIB", 8},  // Jambi
		{"75", "WITA", 9}, // Gorontalo
		{"94", "WIT", 10}, // Papua
		{"61", "WIB", 8},  // Kalimantan Barat: Asia/Pontianak
		{"51", "WITA", 9}, // Bali
		{"31", "WIB", 8},  // DKI Jakarta
	} {
		p, ok := a.Province(tc.code)
		if !ok {
			t.Fatalf("province %s missing", tc.code)
		}
		if p.ZoneName != tc.label || at.In(p.Zone).Hour() != tc.hour {
			t.Errorf("%s: %s %d, want %s %d", p.Name, p.ZoneName, at.In(p.Zone).Hour(), tc.label, tc.hour)
		}
	}
}

func TestFind(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for typed, code := range map[string]string{
		"  jambi ": "15", "DKI  Jakarta": "31", "Jakarta": "31", "Daerah Khusus Ibukota Jakarta": "31",
		"jogja": "34", "DI Yogyakarta": "34", "Jabar": "32", "NTT": "53", "Provinsi Gorontalo": "75", "papua": "91",
	} {
		if p, ok := a.FindProvince(typed); !ok || p.Code != code {
			t.Errorf("FindProvince(%q) = %v %v, want %s", typed, p.Code, ok, code)
		}
	}
	if _, ok := a.FindProvince("Atlantis"); ok {
		t.Error("FindProvince(Atlantis) matched")
	}
	if g, ok := a.FindRegency("75", "kota gorontalo"); !ok || g.Code != "75.71" {
		t.Errorf("FindRegency(kota gorontalo) = %v %v", g, ok)
	}
	if _, ok := a.FindRegency("75", "gorontalo"); ok {
		t.Errorf("FindRegency(gorontalo) should be ambiguous (Kota and Kabupaten)")
	}
	if g, ok := a.FindRegency("15", "Muaro Jambi"); !ok || g.Code != "15.05" {
		t.Errorf("FindRegency(Muaro Jambi) = %v %v", g, ok)
	}
	if _, ok := a.FindRegency("15", "kab jambi"); ok {
		t.Errorf("a partial name matched")
	}
	if _, ok := a.FindRegency("15", "Kota Gorontalo"); ok {
		t.Errorf("a regency of another province matched")
	}
}

func TestMatchRegency(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		province, typed string
		want            []string
		exact           bool
	}{
		{"75", "gorontalo", []string{"75.01", "75.71"}, true},
		{"75", "  GORONTALO ", []string{"75.01", "75.71"}, true},
		{"75", "kab gorontalo", []string{"75.01"}, true},
		{"75", "Kab. Gorontalo", []string{"75.01"}, true},
		{"75", "kab.gorontalo", []string{"75.01"}, true},
		{"75", "Kabupaten  Gorontalo", []string{"75.01"}, true},
		{"75", "kota gorontalo", []string{"75.71"}, true},
		{"75", "Kota   Gorontalo", []string{"75.71"}, true},
		{"75", "bone", []string{"75.03"}, false}, // Bone Bolango: offered, not taken
		{"15", "muaro jambi", []string{"15.05"}, true},
		{"15", "Kab. Muaro-Jambi", []string{"15.05"}, true},
		{"15", "tanjung", []string{"15.06", "15.07"}, false},
		{"15", "Tanjung Jabung Timur", []string{"15.07"}, true},
		{"15", "kota jambi", []string{"15.71"}, true},
		{"15", "kab jambi", []string{"15.05"}, false}, // Jambi is only a Kota; Muaro Jambi is a candidate
		{"15", "kota gorontalo", nil, false},
		{"15", "", nil, false},
		{"15", "xy", nil, false},
		{"72", "toli toli", []string{"72.04"}, true},
		{"52", "bima", []string{"52.06", "52.72"}, true},
		{"11", "aceh", nil, false}, // too many to offer
	} {
		var got []string
		gs, exact := a.MatchRegency(tc.province, tc.typed)
		for _, g := range gs {
			got = append(got, g.Code)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") || exact != tc.exact {
			t.Errorf("MatchRegency(%s, %q) = %v %v, want %v %v", tc.province, tc.typed, got, exact, tc.want, tc.exact)
		}
	}
}
