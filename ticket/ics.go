package ticket

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/alumnibot/alumnibot/flows"
)

// ProductID is the PRODID of every calendar file the bot sends.
const ProductID = "-//alumnibot//Temu Alumni//ID"

// Reminder is how long before the start the calendar app reminds the alumnus.
const Reminder = 2 * time.Hour

// UID returns the calendar UID of a meetup. It depends on the id only, so a file sent again (after
// a change, or a cancellation) updates the entry already in the alumnus's calendar.
func UID(meetup string) string { return meetup + "@alumnibot" }

// ICS returns a meetup's calendar file (RFC 5545): one VEVENT with the meetup's start and end in UTC,
// its venue, its description and workshops agenda, a display alarm Reminder before the start, and
// STATUS CONFIRMED (published), TENTATIVE (draft) or CANCELLED. zone is the venue's zone (from the
// province, area.Province.Zone): the agenda in the description gives local times with the zone's
// label, WIB, WITA or WIT, as alumni read them. now is the DTSTAMP.
//
// Times are written in UTC ("...Z") rather than with a TZID, which would oblige the file to carry a
// VTIMEZONE definition: every calendar app shows UTC in the phone's own zone. Lines end in CRLF and
// are folded at 75 octets, as the RFC requires (golang-ical folds; it must be told CRLF).
func ICS(m flows.Meetup, zone *time.Location, now time.Time) ([]byte, error) {
	if zone == nil {
		return nil, fmt.Errorf("calendar of %s: no time zone", m.ID)
	}
	if m.ID == "" || !m.End.After(m.Start) {
		return nil, fmt.Errorf("calendar of %q: needs an id and an end after the start", m.ID)
	}
	cal := ics.NewCalendarFor("alumnibot")
	cal.SetProductId(ProductID)
	cal.SetMethod(ics.MethodPublish)

	ev := cal.AddEvent(UID(m.ID))
	ev.SetDtStampTime(now)
	ev.SetStartAt(m.Start)
	ev.SetEndAt(m.End)
	ev.SetSummary(clean(m.Title))
	ev.SetLocation(location(m.Venue))
	if m.Venue.Lat != 0 || m.Venue.Lon != 0 {
		// Not ev.SetGeo: its %v would write a small coordinate as 1e-05.
		ev.SetProperty(ics.ComponentPropertyGeo, coord(m.Venue.Lat)+";"+coord(m.Venue.Lon))
	}
	if d := description(m, zone); d != "" {
		ev.SetDescription(d)
	}
	switch m.Status {
	case flows.MeetupCancelled:
		ev.SetStatus(ics.ObjectStatusCancelled)
		// A file published again replaces an older one with a lower SEQUENCE; cancelling is the
		// one revision the bot sends after the confirmation, so it gets 1.
		ev.SetSequence(1)
	case flows.MeetupDraft:
		ev.SetStatus(ics.ObjectStatusTentative)
	default:
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	if m.Status != flows.MeetupCancelled { // no reminder for a meetup that will not happen
		a := ev.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetTrigger("-PT" + strconv.Itoa(int(Reminder/time.Hour)) + "H")
		a.SetProperty(ics.ComponentPropertyDescription, clean(m.Title)) // required with DISPLAY
	}

	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("calendar of %s: %w", m.ID, err)
	}
	return b.Bytes(), nil
}

// location is the venue's name and address, as a calendar app shows and searches it on a map.
func location(v flows.Venue) string {
	parts := []string{clean(v.Name)}
	if a := clean(v.Address); a != "" {
		parts = append(parts, a)
	}
	return strings.Join(parts, ", ")
}

// description is the meetup's description, then its agenda in the venue's local time:
//
//	Agenda:
//	10.30–12.00 WITA Strategi Digital Marketing — Lembaga Pelatihan Screenesia
func description(m flows.Meetup, zone *time.Location) string {
	var b strings.Builder
	b.WriteString(clean(m.Description))
	if len(m.Workshops) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("Agenda:")
		for _, w := range m.Workshops {
			start, end := w.Start.In(zone), w.End.In(zone)
			// The label comes from the zone's own abbreviation, which for Indonesia's zones is
			// exactly the Indonesian one (Asia/Jakarta WIB, Asia/Makassar WITA, Asia/Jayapura WIT).
			fmt.Fprintf(&b, "\n%s–%s %s %s", start.Format("15.04"), end.Format("15.04"), start.Format("MST"), clean(w.Title))
			if t := clean(w.Trainer); t != "" {
				b.WriteString(" — " + t)
			}
		}
	}
	return b.String()
}

// clean trims a text and drops control characters other than newline and tab, which a TEXT value
// may not hold (a CR would break the line structure).
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r >= 0x20 && r != 0x7f {
			return r
		}
		return -1
	}, s)
	return strings.TrimSpace(s)
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
