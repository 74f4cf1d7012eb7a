package flows

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Series is an online workshop series between meetups ("upskilling"): sessions on a cron schedule in
// one of Indonesia's zones, from one date to another. Alumni subscribe; each session reminds its
// subscribers RemindBefore its start, with the link.
type Series struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Trainer string `json:"trainer,omitempty"`
	Link    string `json:"link"`
	Zone    string `json:"zone"` // WIB, WITA or WIT
	Spec    string `json:"spec"` // standard 5-field cron spec, read in Zone: "0 19 * * 3"
	From    string `json:"from"` // first day, "2006-01-02" in Zone
	To      string `json:"to"`   // last day, inclusive
	// RemindBefore is how long before a session its subscribers are reminded; 0: DefaultSeriesReminder.
	RemindBefore time.Duration `json:"remind_before,omitempty"`
	Minutes      int           `json:"minutes,omitempty"` // a session's length; 0: 90
	Province     string        `json:"province,omitempty"`
	CreatedBy    int64         `json:"created_by,omitempty"`
}

// DefaultSeriesReminder is how long before a session its subscribers hear of it.
const DefaultSeriesReminder = time.Hour

// Zones are the three zones of Indonesia by label.
var Zones = map[string]string{"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}

// ZoneOf is the location of a zone label; nil for an unknown label.
func ZoneOf(label string) *time.Location {
	name, ok := Zones[strings.ToUpper(label)]
	if !ok {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// Reminder is how long before a session its subscribers are reminded.
func (s Series) Reminder() time.Duration {
	if s.RemindBefore > 0 {
		return s.RemindBefore
	}
	return DefaultSeriesReminder
}

// Length is a session's length.
func (s Series) Length() time.Duration {
	if s.Minutes > 0 {
		return time.Duration(s.Minutes) * time.Minute
	}
	return 90 * time.Minute
}

// bounds are the first and last instants of the series: From 00:00 to the end of To, in its zone.
func (s Series) bounds() (from, to time.Time, loc *time.Location, err error) {
	loc = ZoneOf(s.Zone)
	if loc == nil {
		return from, to, nil, fmt.Errorf("series %s: unknown zone %q", s.ID, s.Zone)
	}
	if from, err = time.ParseInLocation("2006-01-02", s.From, loc); err != nil {
		return from, to, nil, fmt.Errorf("series %s: from: %w", s.ID, err)
	}
	if to, err = time.ParseInLocation("2006-01-02", s.To, loc); err != nil {
		return from, to, nil, fmt.Errorf("series %s: to: %w", s.ID, err)
	}
	return from, to.AddDate(0, 0, 1), loc, nil
}

// End is when the series is over: the end of its last day.
func (s Series) End() time.Time {
	_, to, _, err := s.bounds()
	if err != nil {
		return time.Time{}
	}
	return to
}

// Sessions are the starts of up to n sessions after `after`, in the series' zone.
func (s Series) Sessions(after time.Time, n int) []time.Time {
	from, to, loc, err := s.bounds()
	if err != nil {
		return nil
	}
	sch, err := cron.ParseStandard(s.Spec)
	if err != nil {
		return nil
	}
	t := after.In(loc)
	if t.Before(from) {
		t = from.Add(-time.Second)
	}
	var out []time.Time
	for len(out) < n {
		t = sch.Next(t)
		if t.IsZero() || !t.Before(to) {
			break
		}
		out = append(out, t)
	}
	return out
}

// SpecError says what is wrong with a schedule: the field (minute, hour, day, month, weekday), the
// value given, and the range allowed. Field "" means the text is no schedule at all.
type SpecError struct {
	Field string
	Value string
	Range string
}

func (e *SpecError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%q is not a schedule", e.Value)
	}
	return fmt.Sprintf("%s %q is out of range %s", e.Field, e.Value, e.Range)
}

var specFields = []struct{ name, rng string }{
	{"minute", "0–59"}, {"hour", "0–23"}, {"day", "1–31"}, {"month", "1–12"}, {"weekday", "0–6"},
}

// Indonesian and English day names, Sunday first (cron's 0).
var dayNames = map[string]int{
	"minggu": 0, "ahad": 0, "senin": 1, "selasa": 2, "rabu": 3, "kamis": 4, "jumat": 5, "jum'at": 5, "sabtu": 6,
	"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
}

var presetRE = regexp.MustCompile(`^(?:setiap|tiap|every)\s+(hari|day|[a-z']+)\s+(?:pukul|jam|at)\s+(\d{1,2})(?:[.:](\d{1,2}))?$`)

// ParseSchedule reads a schedule: a standard cron spec ("0 19 * * 3") or a preset ("setiap Rabu pukul
// 19.00", "setiap hari jam 8", "every Wednesday at 19:00"). It returns the cron spec, or a *SpecError
// naming what is wrong.
func ParseSchedule(text string) (string, error) {
	text = strings.Join(strings.Fields(strings.ToLower(strings.TrimSpace(text))), " ")
	if m := presetRE.FindStringSubmatch(text); m != nil {
		dow := "*"
		if m[1] != "hari" && m[1] != "day" {
			d, ok := dayNames[m[1]]
			if !ok {
				return "", &SpecError{Field: "weekday", Value: m[1], Range: "Senin–Minggu"}
			}
			dow = strconv.Itoa(d)
		}
		h, _ := strconv.Atoi(m[2])
		if h > 23 {
			return "", &SpecError{Field: "hour", Value: m[2], Range: "0–23"}
		}
		mi := 0
		if m[3] != "" {
			mi, _ = strconv.Atoi(m[3])
			if mi > 59 {
				return "", &SpecError{Field: "minute", Value: m[3], Range: "0–59"}
			}
		}
		return fmt.Sprintf("%d %d * * %s", mi, h, dow), nil
	}
	fields := strings.Fields(text)
	if len(fields) != 5 {
		return "", &SpecError{Value: text}
	}
	for i, f := range fields { // each field alone, the others "*", so the error names the field
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = f
		if _, err := cron.ParseStandard(strings.Join(probe, " ")); err != nil {
			return "", &SpecError{Field: specFields[i].name, Value: f, Range: specFields[i].rng}
		}
	}
	spec := strings.Join(fields, " ")
	if _, err := cron.ParseStandard(spec); err != nil {
		return "", &SpecError{Value: text}
	}
	return spec, nil
}
