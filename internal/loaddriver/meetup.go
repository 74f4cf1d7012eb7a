package loaddriver

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// MeetupSaver is what SeedMeetup needs of the store (store.Store).
type MeetupSaver interface {
	SaveMeetup(ctx context.Context, m flows.Meetup) error
}

// LoadMeetup is the meetup a load run's alumni take a seat at: id, seats for capacity alumni, in
// Kota Jambi, two months after now, 09.00–15.00 local time, no description and no workshops.
func LoadMeetup(atlas *area.Atlas, id string, capacity int, now time.Time) (flows.Meetup, error) {
	prov, ok := atlas.Province("15")
	if !ok {
		return flows.Meetup{}, fmt.Errorf("loaddriver: no province 15 (Jambi) in the atlas")
	}
	day := now.In(prov.Zone).AddDate(0, 2, 0)
	start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, prov.Zone)
	return flows.Meetup{
		ID: id, Title: "Temu Alumni Uji Beban " + strings.TrimPrefix(id, "load-"),
		Province: "15", Regency: "15.71",
		Venue: flows.Venue{Name: "Gedung Uji Beban", Address: "Kota Jambi, Jambi"},
		Start: start, End: start.Add(6 * time.Hour), Capacity: capacity, Status: flows.MeetupPublished,
	}, nil
}

// SeedMeetup saves m, so that the bot knows it before the run (for `alumnibot serve`, an
// EVENTS_FILE holding it does the same; see EventsFile).
func SeedMeetup(ctx context.Context, st MeetupSaver, m flows.Meetup) error {
	return st.SaveMeetup(ctx, m)
}

// EventsFile is m as an EVENTS_FILE (meetupfile's YAML), for replicas started with it.
func EventsFile(atlas *area.Atlas, m flows.Meetup) (string, error) {
	prov, ok := atlas.Province(m.Province)
	if !ok {
		return "", fmt.Errorf("loaddriver: meetup %s: unknown province %s", m.ID, m.Province)
	}
	const layout = "2006-01-02 15:04"
	return fmt.Sprintf(`meetups:
  - id: %s
    title: %q
    province: %q
    regency: %q
    venue: {name: %q, address: %q}
    start: %s
    end: %s
    capacity: %d
`, m.ID, m.Title, m.Province, m.Regency, m.Venue.Name, m.Venue.Address,
		m.Start.In(prov.Zone).Format(layout), m.End.In(prov.Zone).Format(layout), m.Capacity), nil
}

// meetupPage is what an alumnus expects to see of the meetup, in Indonesian.
type meetupPage struct {
	m         flows.Meetup
	list      *regexp.Regexp // /acara: the heading, then (among others) the meetup's line
	detail    *regexp.Regexp // its page, some seats left
	taken     *regexp.Regexp // its page after the RSVP: a seat, a check-in code
	ticket    *regexp.Regexp // the ticket photo's caption
	rsvpLabel string
}

// Placeholders rendered into texts and then turned into patterns.
const (
	anyCount = "QQLOADCOUNTQQ"
	anyCode  = "QQLOADCODEQQ"
)

func newMeetupPage(cat *locales.Catalog, atlas *area.Atlas, m flows.Meetup) (*meetupPage, error) {
	prov, ok := atlas.Province(m.Province)
	if !ok {
		return nil, fmt.Errorf("loaddriver: meetup %s: unknown province %s", m.ID, m.Province)
	}
	if m.Description != "" || len(m.Workshops) > 0 {
		return nil, fmt.Errorf("loaddriver: meetup %s: a description or workshops are not expected", m.ID)
	}
	r := func(t locales.Text) string { return cat.Render(locales.ID, t) }
	pattern := func(text string) *regexp.Regexp {
		q := regexp.QuoteMeta(text)
		q = strings.ReplaceAll(q, anyCount, `[0-9.]+`)
		q = strings.ReplaceAll(q, anyCode, `[A-Z0-9]+`)
		return regexp.MustCompile(`^` + q + `$`)
	}
	when := locales.FormatDateTimeRange(m.Start.In(prov.Zone), m.End.In(prov.Zone), locales.ID, prov.ZoneName)
	place := m.Venue.Name + ", " + m.Venue.Address
	head := []locales.Text{
		locales.Raw(m.Title),
		locales.Msg("event.when", "When", when),
		locales.Msg("event.where", "Place", place),
		{},
	}
	item := r(locales.Msg("event.list_item", "Title", m.Title,
		"When", locales.FormatDate(m.Start.In(prov.Zone), locales.ID), "Venue", m.Venue.Name))
	return &meetupPage{
		m: m,
		list: regexp.MustCompile(`^` + regexp.QuoteMeta(r(locales.Msg("event.list_title"))) +
			`\n(?s:.*)` + regexp.QuoteMeta(item) + `(?s:.*)$`),
		detail: pattern(r(locales.Lines(append(head, locales.Msg("event.seats_left", "Left", anyCount, "Capacity", m.Capacity))...))),
		taken:  pattern(r(locales.Lines(append(head, locales.Msg("event.you_confirmed", "Code", anyCode))...))),
		ticket: pattern(r(locales.Msg("event.ticket", "Fresh", true, "Title", m.Title, "When", when, "Place", place,
			"Code", anyCode))),
		rsvpLabel: r(locales.Msg("btn.rsvp")),
	}, nil
}
