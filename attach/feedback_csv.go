package attach

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// The feedback exports of /laporan, written like the participants CSV (csv.go): UTF-8 with a
// byte-order mark, CRLF, fixed English column names, times RFC 3339, every cell defused with csvCell.

var (
	feedbackHeader    = []string{"telegram_id", "name", "regency", "rating", "comment", "rated_at"}
	suggestionsHeader = []string{"telegram_id", "name", "province", "regency", "suggestion", "sent_at"}
)

// suggestionsMax bounds one export of suggestions, newest first (2,000 characters each: about 20 MB).
const suggestionsMax = 10000

// Profiles is what the exports need to name an alumnus; store.Store is one.
type Profiles interface {
	Profile(ctx context.Context, user int64) (*flows.Profile, error)
}

// feedbackFile is a meetup's ratings and comments, oldest first, times in the venue's zone.
func (r *Renderer) feedbackFile(ctx context.Context, meetup string) (File, error) {
	_, prov, err := r.meetup(ctx, meetup)
	if err != nil {
		return File{}, err
	}
	fs, err := r.feedbackStore()
	if err != nil {
		return File{}, err
	}
	cs, err := fs.FeedbackComments(ctx, meetup)
	if err != nil {
		return File{}, err
	}
	rows := make([][]string, 0, len(cs))
	for _, c := range cs {
		name, regency, _, err := r.who(ctx, c.Alumnus)
		if err != nil {
			return File{}, err
		}
		rows = append(rows, []string{strconv.FormatInt(c.Alumnus, 10), name, regency, strconv.Itoa(c.Rating), c.Text,
			c.At.In(prov.Zone).Format(time.RFC3339)})
	}
	data, err := writeCSV(feedbackHeader, rows)
	if err != nil {
		return File{}, fmt.Errorf("feedback of %s: %w", meetup, err)
	}
	return File{Name: "penilaian-" + meetup + ".csv", Data: data}, nil
}

// suggestionsFile is the suggestions of a province ("" for all), newest first, times in the
// province's zone.
func (r *Renderer) suggestionsFile(ctx context.Context, province string) (File, error) {
	fs, err := r.feedbackStore()
	if err != nil {
		return File{}, err
	}
	ss, err := fs.Suggestions(ctx, province, suggestionsMax)
	if err != nil {
		return File{}, err
	}
	rows := make([][]string, 0, len(ss))
	for _, s := range ss {
		name, _, _, err := r.who(ctx, s.Alumnus)
		if err != nil {
			return File{}, err
		}
		provName, at := s.Province, s.At.UTC()
		if p, ok := r.Atlas.Province(s.Province); ok {
			provName, at = p.Name, s.At.In(p.Zone)
		}
		regency := s.Regency
		if g, ok := r.Atlas.Regency(s.Regency); ok {
			regency = g.Name
		}
		rows = append(rows, []string{strconv.FormatInt(s.Alumnus, 10), name, provName, regency, s.Text, at.Format(time.RFC3339)})
	}
	data, err := writeCSV(suggestionsHeader, rows)
	if err != nil {
		return File{}, fmt.Errorf("suggestions of %q: %w", province, err)
	}
	name := "masukan.csv"
	if province != "" {
		name = "masukan-" + province + ".csv"
	}
	return File{Name: name, Data: data}, nil
}

// who is an alumnus's name and regency from their profile; empty when the data was deleted.
func (r *Renderer) who(ctx context.Context, alumnus int64) (name, regency, province string, err error) {
	ps, ok := r.Meetups.(Profiles)
	if !ok {
		return "", "", "", nil
	}
	p, err := ps.Profile(ctx, alumnus)
	if err != nil || p == nil {
		return "", "", "", err
	}
	regency = p.Regency
	if g, ok := r.Atlas.Regency(p.Regency); ok {
		regency = g.Name
	}
	return p.Name, regency, p.Province, nil
}

func writeCSV(header []string, rows [][]string) ([]byte, error) {
	sh := newSheet(header...)
	for _, row := range rows {
		_ = sh.row(row...)
	}
	return sh.bytes()
}

// feedbackAttachment renders the feedback kinds.
func (r *Renderer) feedbackAttachment(ctx context.Context, a flows.Attachment, lang locales.Lang) (File, error) {
	switch a.Kind {
	case flows.FileFeedbackCSV:
		return r.feedbackFile(ctx, a.Meetup)
	case flows.FileSuggestionsCSV:
		return r.suggestionsFile(ctx, a.Ref)
	case flows.FileReportChart:
		return r.reportChart(ctx, a.Meetup, lang)
	}
	return File{}, fmt.Errorf("attachment kind %q: unknown", a.Kind)
}
