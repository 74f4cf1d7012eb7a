package locales

import (
	"testing"
	"time"
	_ "time/tzdata" // the test must not depend on the machine's zoneinfo
)

func TestFormatDateTime(t *testing.T) {
	makassar := mustLocation(t, "Asia/Makassar")
	jakarta := mustLocation(t, "Asia/Jakarta")
	tests := []struct {
		t        time.Time
		lang     Lang
		zone     string
		wantTime string
		wantDate string
	}{
		{time.Date(2024, 9, 19, 9, 0, 0, 0, jakarta), ID, "WIB",
			"Kamis, 19 September 2024 pukul 09.00 WIB", "Kamis, 19 September 2024"},
		{time.Date(2024, 9, 19, 9, 0, 0, 0, jakarta), EN, "WIB",
			"Thursday, 19 September 2024, 09:00 WIB", "Thursday, 19 September 2024"},
		{time.Date(2024, 8, 4, 19, 30, 0, 0, makassar), ID, "WITA",
			"Minggu, 4 Agustus 2024 pukul 19.30 WITA", "Minggu, 4 Agustus 2024"},
		{time.Date(2024, 8, 4, 19, 30, 0, 0, makassar), EN, "WITA",
			"Sunday, 4 August 2024, 19:30 WITA", "Sunday, 4 August 2024"},
		{time.Date(2025, 1, 3, 0, 5, 0, 0, makassar), ID, "",
			"Jumat, 3 Januari 2025 pukul 00.05", "Jumat, 3 Januari 2025"},
		{time.Date(2025, 12, 31, 23, 59, 0, 0, jakarta), Lang("fr"), "WIB",
			"Rabu, 31 Desember 2025 pukul 23.59 WIB", "Rabu, 31 Desember 2025"},
		// The same instant, shown in the venue's zone: 09.00 WITA is 08.00 WIB.
		{time.Date(2024, 9, 19, 9, 0, 0, 0, makassar).In(jakarta), ID, "WIB",
			"Kamis, 19 September 2024 pukul 08.00 WIB", "Kamis, 19 September 2024"},
		// Near midnight the date follows the venue's zone, not UTC.
		{time.Date(2024, 9, 19, 23, 30, 0, 0, time.UTC).In(makassar), ID, "WITA",
			"Jumat, 20 September 2024 pukul 07.30 WITA", "Jumat, 20 September 2024"},
	}
	for _, tt := range tests {
		if got := FormatDateTime(tt.t, tt.lang, tt.zone); got != tt.wantTime {
			t.Errorf("FormatDateTime(%v, %q, %q) = %q, want %q", tt.t, tt.lang, tt.zone, got, tt.wantTime)
		}
		if got := FormatDate(tt.t, tt.lang); got != tt.wantDate {
			t.Errorf("FormatDate(%v, %q) = %q, want %q", tt.t, tt.lang, got, tt.wantDate)
		}
	}
}

func TestIndonesianNames(t *testing.T) {
	jakarta := mustLocation(t, "Asia/Jakarta")
	wantDays := []string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	for i, want := range wantDays { // 2024-09-15 is a Sunday
		d := time.Date(2024, 9, 15+i, 12, 0, 0, 0, jakarta)
		if got := FormatDate(d, ID); got[:len(want)] != want {
			t.Errorf("FormatDate(%v, ID) = %q, want it to start with %q", d, got, want)
		}
	}
	wantMonths := []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni",
		"Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	for i, want := range wantMonths {
		d := time.Date(2024, time.Month(i+1), 10, 12, 0, 0, 0, jakarta)
		got := FormatDate(d, ID)
		if want := " 10 " + want + " 2024"; got[len(got)-len(want):] != want {
			t.Errorf("FormatDate(%v, ID) = %q, want it to end with %q", d, got, want)
		}
	}
}

func mustLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}
