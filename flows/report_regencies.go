package flows

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/area"
)

// FileRegencyCSV is /laporan's breakdown by regency as a CSV file (rendered by attach), sent when
// the breakdown is longer than a message holds. It sits here rather than with the other kinds in
// flows.go so that branches adding kinds there merge without a conflict.
const FileRegencyCSV AttachmentKind = "csv_regencies"

// RegencyRow is one regency's line of /laporan: its alumni with a seat, who came, who wait (waiting
// list and open offers), and those of them who came through another alumnus's invite.
type RegencyRow struct {
	Regency      string // area code; "" for alumni whose profile is gone (data deleted) or unknown
	Name         string // the regency's name; "" with Regency
	Going        int
	Came         int
	Waiting      int
	Referred     int
	ReferredCame int
}

// RegencyReport is a meetup's roster summed up by regency, the way /laporan shows it.
type RegencyReport struct {
	Rows  []RegencyRow // most alumni first (who came, once ByAttendance), the unknown row last
	Total RegencyRow
	// ByAttendance: from the day of the meetup on, once someone checked in, the report is about who
	// came; before, about who has a seat.
	ByAttendance bool
	People       int // alumni counted by the headline: who came, or who has a seat
	Regencies    int // regencies (known ones) with at least one of People
}

// ReportByRegency sums a roster up by regency. The chat's /laporan and its CSV file (attach) both
// use it, so the file holds exactly the rows the message stands for.
func ReportByRegency(atlas *area.Atlas, m *Meetup, roster []RosterEntry, now time.Time) RegencyReport {
	var rep RegencyReport
	for _, e := range roster {
		if !e.CheckedIn.IsZero() {
			rep.ByAttendance = !now.Before(m.Start)
			break
		}
	}
	byKey := map[string]*RegencyRow{}
	for _, e := range roster {
		key, name := e.Regency, ""
		if g, ok := atlas.Regency(e.Regency); ok {
			name = g.Name
		} else {
			key = ""
		}
		row := byKey[key]
		if row == nil {
			row = &RegencyRow{Regency: key, Name: name}
			byKey[key] = row
		}
		for _, r := range []*RegencyRow{row, &rep.Total} {
			switch e.Status {
			case SeatConfirmed:
				r.Going++
			case SeatOffered, SeatWaitlisted:
				r.Waiting++
			}
			if !e.CheckedIn.IsZero() {
				r.Came++
			}
			if e.ReferredBy != 0 {
				r.Referred++
				if !e.CheckedIn.IsZero() {
					r.ReferredCame++
				}
			}
		}
	}
	for key, r := range byKey {
		n := r.Going
		if rep.ByAttendance {
			n = r.Came
		}
		rep.People += n
		if key != "" && n > 0 {
			rep.Regencies++
		}
		rep.Rows = append(rep.Rows, *r)
	}
	slices.SortFunc(rep.Rows, func(a, b RegencyRow) int {
		if (a.Regency == "") != (b.Regency == "") { // the unknown row last
			if a.Regency == "" {
				return 1
			}
			return -1
		}
		first, second := [2]int{a.Going, b.Going}, [2]int{a.Came, b.Came}
		if rep.ByAttendance {
			first, second = second, first
		}
		return cmp.Or(cmp.Compare(first[1], first[0]), cmp.Compare(second[1], second[0]), strings.Compare(a.Name, b.Name))
	})
	return rep
}
