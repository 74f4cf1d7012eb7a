package flows_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

func TestParseReminders(t *testing.T) {
	for in, want := range map[string]string{
		"19:00, 2h":    "[19:00 2h]",
		"19.00 2 jam":  "[19:00 2h]",
		"30 menit":     "[30m]",
		"1 hari; 3h":   "[1d 3h]",
		"120m":         "[2h]",
		"off":          "[off]",
		"tidak ada":    "[off]",
		"7:30 7:30 2h": "[07:30 2h]",
	} {
		got, err := flows.ParseReminders(in)
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("ParseReminders(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "25:00", "2 minggu", "1m", "15d", "besok", "1h 2h 3h 4h 5h 6h"} {
		if got, err := flows.ParseReminders(in); !errors.Is(err, flows.ErrReminder) {
			t.Errorf("ParseReminders(%q) = %v, %v; want an error", in, got, err)
		}
	}
}

func TestReminderTimes(t *testing.T) {
	wita, _ := time.LoadLocation("Asia/Makassar")
	start := time.Date(2027, 3, 11, 9, 0, 0, 0, wita)
	m := flows.Meetup{Start: start}
	var got []string
	for _, at := range flows.ReminderTimes(m, wita) {
		got = append(got, at.Format("02 15:04"))
	}
	if fmt.Sprint(got) != "[10 19:00 11 07:00]" { // the defaults: 19:00 the evening before, 2 h before
		t.Errorf("default reminders %v", got)
	}
	m.Reminders = []string{"off"}
	if ts := flows.ReminderTimes(m, wita); len(ts) != 0 {
		t.Errorf("reminders off: %v", ts)
	}
	m.Reminders = []string{"1d", "08:30", "30m"}
	got = nil
	for _, at := range flows.ReminderTimes(m, wita) {
		got = append(got, at.Format("02 15:04"))
	}
	if fmt.Sprint(got) != "[10 08:30 10 09:00 11 08:30]" {
		t.Errorf("custom reminders %v", got)
	}
}

func TestParseSchedule(t *testing.T) {
	for in, want := range map[string]string{
		"0 19 * * 3":               "0 19 * * 3",
		"setiap Rabu pukul 19.00":  "0 19 * * 3",
		"Setiap  Senin jam 8":      "0 8 * * 1",
		"setiap hari pukul 07.30":  "30 7 * * *",
		"every Wednesday at 19:00": "0 19 * * 3",
		"tiap jumat jam 13.15":     "15 13 * * 5",
		"*/30 9-17 * * 1-5":        "*/30 9-17 * * 1-5",
	} {
		got, err := flows.ParseSchedule(in)
		if err != nil || got != want {
			t.Errorf("ParseSchedule(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, field := range map[string]string{
		"61 * * * *":              "minute",
		"setiap Senin jam 25":     "hour",
		"0 24 * * *":              "hour",
		"0 19 32 * *":             "day",
		"0 19 * 13 *":             "month",
		"0 19 * * 8":              "weekday",
		"setiap Caturday jam 19":  "weekday",
		"setiap Rabu pukul 19.75": "minute",
		"besok sore":              "",
		"0 19 * *":                "",
	} {
		_, err := flows.ParseSchedule(in)
		var se *flows.SpecError
		if !errors.As(err, &se) || se.Field != field {
			t.Errorf("ParseSchedule(%q) = %v, want a SpecError on %q", in, err, field)
		}
	}
}

func TestSeriesSessions(t *testing.T) {
	wit, _ := time.LoadLocation("Asia/Jayapura")
	s := flows.Series{Zone: "WIT", Spec: "0 19 * * 3", From: "2027-03-01", To: "2027-03-31"}
	var got []string
	for _, x := range s.Sessions(time.Date(2027, 3, 10, 20, 0, 0, 0, wit), 10) {
		got = append(got, x.Format("Mon 02 15:04 MST"))
	}
	if fmt.Sprint(got) != "[Wed 17 19:00 WIT Wed 24 19:00 WIT Wed 31 19:00 WIT]" {
		t.Errorf("sessions after the 10th: %v", got)
	}
	if !s.End().Equal(time.Date(2027, 4, 1, 0, 0, 0, 0, wit)) {
		t.Errorf("end %v", s.End())
	}
}
