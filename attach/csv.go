package attach

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// Rosters is what the participants CSV needs of the store. The Renderer's Meetups store provides it
// (store.Store does); it is found with a type assertion, so the Renderer needs no field of its own.
type Rosters interface {
	Roster(ctx context.Context, meetup string) ([]flows.RosterEntry, error)
}

// participantsHeader names the CSV's columns. They are fixed English identifiers, the same in every
// language, so a spreadsheet formula or a script that reads the export keeps working whoever made it;
// status values are likewise fixed: confirmed, offered, waitlisted, cancelled (checked in, then gave
// the seat up).
var participantsHeader = []string{
	"telegram_id", "name", "regency", "wave", "status", "waitlist_position",
	"checkin_code", "checked_in_at", "referred_by",
}

// participantsFile is the /peserta export as a file: the meetup's roster as CSV.
func (r *Renderer) participantsFile(ctx context.Context, meetup string, lang locales.Lang) (File, error) {
	data, err := r.participantsCSV(ctx, meetup, lang)
	if err != nil {
		return File{}, err
	}
	return File{Name: "peserta-" + meetup + ".csv", Data: data}, nil
}

// participantsCSV writes a meetup's roster as CSV (RFC 4180, CRLF line ends): UTF-8 with a byte-order
// mark, which spreadsheet programs need to read names as UTF-8, then a header row and one row per
// alumnus. Check-in times are RFC 3339 in the venue's time zone, such as 2027-03-18T09:12:00+07:00:
// unambiguous, sortable as text, and read as a date by spreadsheets. Cells are escaped against
// formula injection (see csvCell). The columns do not depend on lang.
func (r *Renderer) participantsCSV(ctx context.Context, meetup string, _ locales.Lang) ([]byte, error) {
	_, prov, err := r.meetup(ctx, meetup)
	if err != nil {
		return nil, err
	}
	ros, ok := r.Meetups.(Rosters)
	if !ok {
		return nil, fmt.Errorf("participants of %s: the store cannot list rosters", meetup)
	}
	roster, err := ros.Roster(ctx, meetup)
	if err != nil {
		return nil, err
	}
	sh := newSheet(participantsHeader...)
	for _, e := range roster {
		regency := e.Regency
		if g, ok := r.Atlas.Regency(e.Regency); ok {
			regency = g.Name
		}
		row := []string{
			strconv.FormatInt(e.Alumnus, 10), e.Name, regency, optInt(int64(e.Wave)), csvStatus(e.Status),
			optInt(int64(e.Position)), e.Code, "", optInt(e.ReferredBy),
		}
		if !e.CheckedIn.IsZero() {
			row[7] = e.CheckedIn.In(prov.Zone).Format(time.RFC3339)
		}
		_ = sh.row(row...)
	}
	data, err := sh.bytes()
	if err != nil {
		return nil, fmt.Errorf("participants of %s: %w", meetup, err)
	}
	return data, nil
}

func csvStatus(s flows.SeatStatus) string {
	if s == flows.SeatNone {
		return "cancelled"
	}
	return string(s)
}

func optInt(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// csvCell defuses a cell a spreadsheet would run as a formula (CSV injection): one starting with =, +,
// -, @, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as text. Only
// names come from users, but every cell goes through here so no column can be missed.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
