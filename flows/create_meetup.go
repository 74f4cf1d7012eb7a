package flows

import (
	"time"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/area"
)

// Building and checking the meetup /buatacara's answers describe. Everything here reads the state
// and the atlas only: no store, no replies.

// meetup builds the meetup from the answers, checking them all again (as meetupfile checks a file).
// The id and the status are left to the caller.
func (s *createState) meetup(atlas *area.Atlas) (Meetup, bool) {
	prov, ok := atlas.Province(s.Province)
	if !ok {
		return Meetup{}, false
	}
	reg, ok := atlas.Regency(s.Regency)
	if !ok || reg.Province != prov.Code {
		return Meetup{}, false
	}
	if n := utf8.RuneCountInString(s.Title); n < mkTitleMin || n > mkTitleMax {
		return Meetup{}, false
	}
	if n := utf8.RuneCountInString(s.Venue); n < mkVenueMin || n > mkVenueMax {
		return Meetup{}, false
	}
	start, ok1 := s.at(atlas, s.Date, s.Start)
	end, ok2 := s.at(atlas, s.Date, s.End)
	if !ok1 || !ok2 || !end.After(start) || s.Cap < 1 || s.Cap > mkCapacityMax {
		return Meetup{}, false
	}
	m := Meetup{
		Title: s.Title, Province: prov.Code, Regency: reg.Code,
		Venue: Venue{Name: s.Venue, Address: s.Addr},
		Start: start, End: end, Capacity: s.Cap, Description: s.Desc, Reminders: s.Reminders,
		FeedbackAfter: s.feedbackAfter(),
	}
	for _, w := range s.Workshops {
		ws, ok1 := s.at(atlas, s.Date, w.Start)
		we, ok2 := s.at(atlas, s.Date, w.End)
		if !ok1 || !ok2 || w.Title == "" || ws.Before(start) || !we.After(ws) || we.After(end) {
			return Meetup{}, false
		}
		m.Workshops = append(m.Workshops, Workshop{Title: w.Title, Trainer: w.Trainer, Start: ws, End: we})
	}
	return m, true
}

// zone is the province of the meetup being made, for its zone; UTC with no label before the
// province is known.
func (s *createState) zone(atlas *area.Atlas) area.Province {
	if p, ok := atlas.Province(s.Province); ok {
		return p
	}
	return area.Province{Zone: time.UTC}
}

// at is the instant of a local clock time on a local day in the meetup's zone.
func (s *createState) at(atlas *area.Atlas, day, hm string) (time.Time, bool) {
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, s.zone(atlas).Zone)
	return at, err == nil && day != "" && hm != ""
}

// startOK says whether a meetup may start at hm on day: after now, unless it is the start a meetup
// being changed already had (a meetup under way can still get a new description).
func (s *createState) startOK(atlas *area.Atlas, day, hm string, now time.Time) bool {
	start, ok := s.at(atlas, day, hm)
	if !ok {
		return false
	}
	if start.After(now) {
		return true
	}
	return s.Mode == "edit" && start.Unix() == s.OStart
}

// dateExample is a date a month from now, written the way the question asks for dates.
func (s *createState) dateExample(atlas *area.Atlas, now time.Time) string {
	return now.In(s.zone(atlas).Zone).AddDate(0, 1, 0).Format("02-01-2006")
}

// fitWorkshops keeps the workshops that fit the meetup's hours and returns those that no longer do
// (its times were changed).
func (s *createState) fitWorkshops() (dropped []mkWorkshop) {
	var kept []mkWorkshop
	for _, w := range s.Workshops {
		if w.Start >= s.Start && w.End <= s.End && w.End > w.Start {
			kept = append(kept, w)
			continue
		}
		dropped = append(dropped, w)
	}
	s.Workshops = kept
	return dropped
}

// The same, for the turn's conversation.

func (create) mkMeetup(t *Turn) (Meetup, bool) { return state[createState](t).meetup(t.app.Atlas) }
func (create) mkZone(t *Turn) area.Province    { return state[createState](t).zone(t.app.Atlas) }
func (create) mkStartOK(t *Turn, day, hm string) bool {
	return state[createState](t).startOK(t.app.Atlas, day, hm, t.in.Now)
}
func (create) mkDateExample(t *Turn) string {
	return state[createState](t).dateExample(t.app.Atlas, t.in.Now)
}
