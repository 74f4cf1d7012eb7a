package attach

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// regenciesHeader names the columns of /laporan's CSV file. Like the participants export's, they are
// fixed identifiers, the same in every language: with_seat and waiting count the alumni holding a
// seat and those on the waiting list or offered a seat; checked_in who came; referred those who came
// through another alumnus's invite, and referred_checked_in those of them who came.
var regenciesHeader = []string{
	"regency", "with_seat", "checked_in", "waiting", "referred", "referred_checked_in",
}

// regenciesFile is /laporan's breakdown by regency as a file: every row the message sums up, in its
// order (flows.ReportByRegency), with a last row of totals.
func (r *Renderer) regenciesFile(ctx context.Context, meetup string) (File, error) {
	m, _, err := r.meetup(ctx, meetup)
	if err != nil {
		return File{}, err
	}
	ros, ok := r.Meetups.(Rosters)
	if !ok {
		return File{}, fmt.Errorf("regencies of %s: the store cannot list rosters", meetup)
	}
	roster, err := ros.Roster(ctx, meetup)
	if err != nil {
		return File{}, err
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	rep := flows.ReportByRegency(r.Atlas, m, roster, now())
	sh := newSheet(regenciesHeader...)
	write := func(name string, row flows.RegencyRow) {
		_ = sh.row(name, strconv.Itoa(row.Going), strconv.Itoa(row.Came),
			strconv.Itoa(row.Waiting), strconv.Itoa(row.Referred), strconv.Itoa(row.ReferredCame))
	}
	for _, row := range rep.Rows {
		name := row.Name
		if row.Regency == "" {
			name = "unknown" // alumni whose profile data was deleted
		}
		write(name, row)
	}
	write("total", rep.Total)
	data, err := sh.bytes()
	if err != nil {
		return File{}, fmt.Errorf("regencies of %s: %w", meetup, err)
	}
	return File{Name: "laporan-" + meetup + ".csv", Data: data}, nil
}
