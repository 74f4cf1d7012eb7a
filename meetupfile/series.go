package meetupfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/alumnibot/alumnibot/flows"
)

// series is a workshop series in EVENTS_FILE:
//
//	series:
//	  - id: digital-marketing
//	    title: Kelas Digital Marketing
//	    trainer: Rumah BUMN
//	    link: https://meet.example/digital
//	    zone: WIT                          # WIB, WITA or WIT
//	    schedule: "setiap Rabu pukul 19.00" # or a cron spec: "0 19 * * 3"
//	    from: 2027-03-01
//	    to: 2027-03-31
//	    remind_before: 1h                  # optional, default 1h
//	    minutes: 90                        # optional, a session's length
type series struct {
	ID           string `yaml:"id"`
	Title        string `yaml:"title"`
	Trainer      string `yaml:"trainer"`
	Link         string `yaml:"link"`
	Zone         string `yaml:"zone"`
	Schedule     string `yaml:"schedule"`
	From         string `yaml:"from"`
	To           string `yaml:"to"`
	RemindBefore string `yaml:"remind_before"`
	Minutes      int    `yaml:"minutes"`
}

// ParseSeries reads and checks the workshop series of a meetup file. A bad schedule is reported
// with what is wrong in it.
func ParseSeries(r io.Reader) ([]flows.Series, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read series: %w", err)
	}
	var f file
	if err := yaml.UnmarshalWithOptions(raw, &f, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("series YAML: %w", err)
	}
	seen := map[string]bool{}
	var out []flows.Series
	var errs []error
	for i, s := range f.Series {
		sr, err := s.convert()
		if err == nil && seen[sr.ID] {
			err = fmt.Errorf("id used twice")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("series %d (%s): %w", i+1, s.ID, err))
			continue
		}
		seen[sr.ID] = true
		out = append(out, sr)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func (s series) convert() (flows.Series, error) {
	if !idRE.MatchString(s.ID) {
		return flows.Series{}, fmt.Errorf("id must be 2–41 characters of a-z, 0-9 and -")
	}
	if strings.TrimSpace(s.Title) == "" || !strings.HasPrefix(s.Link, "https://") && !strings.HasPrefix(s.Link, "http://") {
		return flows.Series{}, fmt.Errorf("title and an http(s) link are required")
	}
	zone := strings.ToUpper(strings.TrimSpace(s.Zone))
	if flows.ZoneOf(zone) == nil {
		return flows.Series{}, fmt.Errorf("zone must be WIB, WITA or WIT, got %q", s.Zone)
	}
	spec, err := flows.ParseSchedule(s.Schedule)
	if err != nil {
		return flows.Series{}, fmt.Errorf("schedule: %w", err)
	}
	for _, d := range []string{s.From, s.To} {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return flows.Series{}, fmt.Errorf("from and to must be dates like 2027-03-01, got %q", d)
		}
	}
	if s.To < s.From {
		return flows.Series{}, fmt.Errorf("to %s is before from %s", s.To, s.From)
	}
	sr := flows.Series{ID: s.ID, Title: strings.TrimSpace(s.Title), Trainer: strings.TrimSpace(s.Trainer), Link: s.Link,
		Zone: zone, Spec: spec, From: s.From, To: s.To, Minutes: s.Minutes}
	if s.RemindBefore != "" {
		r, err := flows.ParseReminder(s.RemindBefore)
		if err != nil || r.Before == 0 {
			return flows.Series{}, fmt.Errorf("remind_before must be a length like 1h or 30m, got %q", s.RemindBefore)
		}
		sr.RemindBefore = r.Before
	}
	if s.Minutes < 0 || s.Minutes > 24*60 {
		return flows.Series{}, fmt.Errorf("minutes must be 1–1440, got %d", s.Minutes)
	}
	return sr, nil
}

// SeriesWriter is what applying the file's series needs of the store.
type SeriesWriter interface {
	SaveSeries(ctx context.Context, s flows.Series) error
}

// ApplySeries saves the file's series: the file is the source of a series it lists (saving it again
// changes nothing; subscribers and reminders already sent stay).
func ApplySeries(ctx context.Context, w SeriesWriter, ss []flows.Series) error {
	for _, s := range ss {
		if err := w.SaveSeries(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
