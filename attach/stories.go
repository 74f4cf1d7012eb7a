package attach

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

// The /ekspor files: approved success stories as CSV and JSON, and the whole alumni list as CSV.
// Columns and field names are fixed English identifiers, as in the participants CSV. A story whose
// author asked to stay anonymous has no name (nor Telegram id) in either file; one not for publication
// is left out. Attachment.Ref is the province the exporting organizer covers ("" for every one): the
// flow decided it from their role.

// Exports is what the exports need of the store. The Renderer's Meetups store provides it (store.Store
// does); it is found with a type assertion, so the Renderer needs no field of its own.
type Exports interface {
	EachApprovedStory(ctx context.Context, fn func(flows.Story) error) error
	EachProfile(ctx context.Context, fn func(user int64, p flows.Profile) error) error
}

func (r *Renderer) exports() (Exports, error) {
	x, ok := r.Meetups.(Exports)
	if !ok {
		return nil, fmt.Errorf("exports: the store cannot list stories and profiles")
	}
	return x, nil
}

// publishable calls fn for each approved story that may be published and lies in province ("": all).
func (r *Renderer) publishable(ctx context.Context, province string, fn func(flows.Story) error) error {
	x, err := r.exports()
	if err != nil {
		return err
	}
	return x.EachApprovedStory(ctx, func(s flows.Story) error {
		if s.Consent == flows.ConsentPrivate || province != "" && s.Province != province {
			return nil
		}
		if s.Consent != flows.ConsentNamed {
			s.Name, s.Author = "", 0
		}
		return fn(s)
	})
}

func (r *Renderer) placeNames(s flows.Story) (province, regency string) {
	province, regency = s.Province, s.Regency
	if p, ok := r.Atlas.Province(s.Province); ok {
		province = p.Name
	}
	if g, ok := r.Atlas.Regency(s.Regency); ok {
		regency = g.Name
	}
	return province, regency
}

var storiesHeader = []string{
	"id", "approved_at", "sent_at", "name", "anonymous", "telegram_id", "province", "regency", "wave",
	"training", "story", "photo_file_ids",
}

// storiesCSV writes the approved stories as CSV (UTF-8 with a byte-order mark, CRLF, RFC 3339 times
// in UTC, cells defused against formula injection), the earliest approved first.
func (r *Renderer) storiesCSV(ctx context.Context, province string) (File, error) {
	sh := newSheet(storiesHeader...)
	err := r.publishable(ctx, province, func(s flows.Story) error {
		prov, reg := r.placeNames(s)
		row := []string{
			s.ID, utcTime(s.DecidedAt), utcTime(s.Sent), s.Name, strconv.FormatBool(s.Consent != flows.ConsentNamed),
			optInt(s.Author), prov, reg, optInt(int64(s.Wave)), s.Training, s.Text, strings.Join(s.Photos, " "),
		}
		return sh.row(row...)
	})
	if err != nil {
		return File{}, fmt.Errorf("stories CSV: %w", err)
	}
	data, err := sh.bytes()
	if err != nil {
		return File{}, fmt.Errorf("stories CSV: %w", err)
	}
	return File{Name: exportName("cerita", province, "csv"), Data: data}, nil
}

// storyJSON is one story in the JSON export.
type storyJSON struct {
	ID         string   `json:"id"`
	ApprovedAt string   `json:"approved_at"`
	SentAt     string   `json:"sent_at"`
	Name       string   `json:"name,omitempty"`
	Anonymous  bool     `json:"anonymous"`
	TelegramID int64    `json:"telegram_id,omitempty"`
	Province   string   `json:"province"`
	Regency    string   `json:"regency"`
	Wave       int      `json:"wave,omitempty"`
	Training   string   `json:"training,omitempty"`
	Story      string   `json:"story"`
	Photos     []string `json:"photo_file_ids"`
}

// storiesJSON writes the approved stories as a JSON array, one story per line, written as they are
// read.
func (r *Renderer) storiesJSON(ctx context.Context, province string) (File, error) {
	var buf bytes.Buffer
	buf.WriteString("[")
	n := 0
	err := r.publishable(ctx, province, func(s flows.Story) error {
		prov, reg := r.placeNames(s)
		photos := s.Photos
		if photos == nil {
			photos = []string{}
		}
		b, err := json.Marshal(storyJSON{
			ID: s.ID, ApprovedAt: utcTime(s.DecidedAt), SentAt: utcTime(s.Sent), Name: s.Name,
			Anonymous: s.Consent != flows.ConsentNamed, TelegramID: s.Author, Province: prov, Regency: reg,
			Wave: s.Wave, Training: s.Training, Story: s.Text, Photos: photos,
		})
		if err != nil {
			return err
		}
		if n++; n > 1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
		buf.Write(b)
		return nil
	})
	if err != nil {
		return File{}, fmt.Errorf("stories JSON: %w", err)
	}
	buf.WriteString("\n]\n")
	return File{Name: exportName("cerita", province, "json"), Data: buf.Bytes()}, nil
}

var alumniHeader = []string{
	"telegram_id", "name", "province", "regency", "wave", "language", "consent_at", "created_at", "active", "referred_by",
}

// alumniCSV writes every alumnus's profile as CSV (for a super-admin), walking the profiles a batch at
// a time (store.EachProfile): Redis is read in bounded batches; the file itself is held whole, as every
// attachment is, at about 100 bytes an alumnus.
func (r *Renderer) alumniCSV(ctx context.Context) (File, error) {
	x, err := r.exports()
	if err != nil {
		return File{}, err
	}
	sh := newSheet(alumniHeader...)
	err = x.EachProfile(ctx, func(id int64, p flows.Profile) error {
		s := flows.Story{Province: p.Province, Regency: p.Regency}
		prov, reg := r.placeNames(s)
		row := []string{
			strconv.FormatInt(id, 10), p.Name, prov, reg, optInt(int64(p.Wave)), string(p.Lang),
			utcTime(p.ConsentAt), utcTime(p.CreatedAt), strconv.FormatBool(p.Active), optInt(p.ReferredBy),
		}
		return sh.row(row...)
	})
	if err != nil {
		return File{}, fmt.Errorf("alumni CSV: %w", err)
	}
	data, err := sh.bytes()
	if err != nil {
		return File{}, fmt.Errorf("alumni CSV: %w", err)
	}
	return File{Name: "alumni.csv", Data: data}, nil
}

func utcTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// exportName is "cerita.csv", or "cerita-15.csv" for one province's.
func exportName(base, province, ext string) string {
	if province != "" {
		base += "-" + province
	}
	return base + "." + ext
}
