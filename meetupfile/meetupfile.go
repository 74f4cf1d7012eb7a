package meetupfile

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
)

//go:embed demo.yaml
var demo []byte

// Demo returns the two demo meetups of the console (Gorontalo and Jambi, from the news articles).
func Demo(atlas *area.Atlas) ([]flows.Meetup, error) {
	return Parse(strings.NewReader(string(demo)), atlas)
}

type file struct {
	Meetups []meetup `yaml:"meetups"`
	Series  []series `yaml:"series"` // read by ParseSeries (series.go)
}

type meetup struct {
	ID          string     `yaml:"id"`
	Title       string     `yaml:"title"`
	Province    string     `yaml:"province"`
	Regency     string     `yaml:"regency"`
	Venue       venue      `yaml:"venue"`
	Start       string     `yaml:"start"`
	End         string     `yaml:"end"`
	Capacity    int        `yaml:"capacity"`
	ClaimHours  int        `yaml:"claim_hours"`
	Description string     `yaml:"description"`
	Status      string     `yaml:"status"`
	Workshops   []workshop `yaml:"workshops"`
	Reminders   []string   `yaml:"reminders"` // e.g. ["19:00", "2h"] or ["off"]; none: the defaults
	// FeedbackAfter is how long after the end the alumni who came are asked how it was: "1h", "90m",
	// "2h30m"; absent: flows.DefaultFeedbackAfter.
	FeedbackAfter string `yaml:"feedback_after"`
}

type venue struct {
	Name    string  `yaml:"name"`
	Address string  `yaml:"address"`
	Lat     float64 `yaml:"lat"`
	Lon     float64 `yaml:"lon"`
}

type workshop struct {
	Title   string `yaml:"title"`
	Trainer string `yaml:"trainer"`
	Start   string `yaml:"start"` // "10:00" on the meetup's day, or a full "2027-03-18 10:00"
	End     string `yaml:"end"`
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,40}$`)

// Parse reads and checks a meetup file. Every problem is reported with the meetup it is in.
func Parse(r io.Reader, atlas *area.Atlas) ([]flows.Meetup, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read meetups: %w", err)
	}
	var f file
	if err := yaml.UnmarshalWithOptions(raw, &f, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("meetups YAML: %w", err)
	}
	seen := map[string]bool{}
	var out []flows.Meetup
	var errs []error
	for i, m := range f.Meetups {
		mt, err := m.convert(atlas)
		if err != nil {
			errs = append(errs, fmt.Errorf("meetup %d (%s): %w", i+1, m.ID, err))
			continue
		}
		if seen[mt.ID] {
			errs = append(errs, fmt.Errorf("meetup %d: id %q used twice", i+1, mt.ID))
			continue
		}
		seen[mt.ID] = true
		out = append(out, mt)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func (m meetup) convert(atlas *area.Atlas) (flows.Meetup, error) {
	if !idRE.MatchString(m.ID) {
		return flows.Meetup{}, fmt.Errorf("id must be 2–41 characters of a-z, 0-9 and -")
	}
	if strings.TrimSpace(m.Title) == "" || strings.TrimSpace(m.Venue.Name) == "" {
		return flows.Meetup{}, fmt.Errorf("title and venue.name are required")
	}
	prov, ok := atlas.Province(m.Province)
	if !ok {
		if prov, ok = atlas.FindProvince(m.Province); !ok {
			return flows.Meetup{}, fmt.Errorf("unknown province %q", m.Province)
		}
	}
	reg, ok := atlas.Regency(m.Regency)
	if !ok || reg.Province != prov.Code {
		if reg, ok = atlas.FindRegency(prov.Code, m.Regency); !ok {
			return flows.Meetup{}, fmt.Errorf("unknown regency %q in %s", m.Regency, prov.Name)
		}
	}
	start, err := parseLocal(m.Start, prov.Zone)
	if err != nil {
		return flows.Meetup{}, fmt.Errorf("start: %w", err)
	}
	end, err := parseLocal(m.End, prov.Zone)
	if err != nil {
		return flows.Meetup{}, fmt.Errorf("end: %w", err)
	}
	if !end.After(start) {
		return flows.Meetup{}, fmt.Errorf("end %s is not after start %s", m.End, m.Start)
	}
	if m.Capacity < 1 || m.Capacity > 100000 {
		return flows.Meetup{}, fmt.Errorf("capacity must be 1–100000, got %d", m.Capacity)
	}
	if m.ClaimHours < 0 || m.ClaimHours > 72 {
		return flows.Meetup{}, fmt.Errorf("claim_hours must be 1–72 (0 or absent: 12), got %d", m.ClaimHours)
	}
	feedbackAfter, err := parseFeedbackAfter(m.FeedbackAfter)
	if err != nil {
		return flows.Meetup{}, err
	}
	status := flows.MeetupStatus(m.Status)
	switch status {
	case "":
		status = flows.MeetupPublished
	case flows.MeetupDraft, flows.MeetupPublished, flows.MeetupCancelled:
	default:
		return flows.Meetup{}, fmt.Errorf("status must be draft, published or cancelled, got %q", m.Status)
	}
	mt := flows.Meetup{
		ID: m.ID, Title: strings.TrimSpace(m.Title), Province: prov.Code, Regency: reg.Code,
		Venue: flows.Venue{Name: m.Venue.Name, Address: m.Venue.Address, Lat: m.Venue.Lat, Lon: m.Venue.Lon},
		Start: start, End: end, Capacity: m.Capacity, Description: strings.TrimSpace(m.Description), Status: status,
		ClaimWindow: time.Duration(m.ClaimHours) * time.Hour, FeedbackAfter: feedbackAfter,
	}
	if len(m.Reminders) > 0 {
		rs, err := flows.ParseReminders(strings.Join(m.Reminders, ", "))
		if err != nil {
			return flows.Meetup{}, fmt.Errorf("reminders: %w", err)
		}
		mt.Reminders = rs
	}
	day := start.In(prov.Zone).Format("2006-01-02")
	for j, w := range m.Workshops {
		ws, err := parseLocal(withDay(w.Start, day), prov.Zone)
		if err != nil {
			return flows.Meetup{}, fmt.Errorf("workshop %d start: %w", j+1, err)
		}
		we, err := parseLocal(withDay(w.End, day), prov.Zone)
		if err != nil {
			return flows.Meetup{}, fmt.Errorf("workshop %d end: %w", j+1, err)
		}
		if strings.TrimSpace(w.Title) == "" || !we.After(ws) {
			return flows.Meetup{}, fmt.Errorf("workshop %d needs a title and an end after its start", j+1)
		}
		mt.Workshops = append(mt.Workshops, flows.Workshop{Title: w.Title, Trainer: w.Trainer, Start: ws, End: we})
	}
	return mt, nil
}

func withDay(s, day string) string {
	if len(strings.TrimSpace(s)) <= 5 { // "10:00"
		return day + " " + strings.TrimSpace(s)
	}
	return s
}

// parseLocal reads "2006-01-02 15:04" (or with a "T") as a time in the venue's zone.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	s = strings.Replace(strings.TrimSpace(s), "T", " ", 1)
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a local time like 2027-03-18 09:00", s)
	}
	return t, nil
}

// parseFeedbackAfter reads feedback_after: a Go duration from a minute to flows.MaxFeedbackAfter.
func parseFeedbackAfter(s string) (time.Duration, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < time.Minute || d > flows.MaxFeedbackAfter {
		return 0, fmt.Errorf("feedback_after must be a duration from 1m to 168h, such as 1h or 90m, got %q", s)
	}
	return d, nil
}
