// Package attach makes the files the bot sends: a meetup's calendar file, a ticket's QR code, and the
// organizers' exports. Flows name what to send (flows.Attachment, after every check); this package
// renders the bytes when the reply goes out, so a reply kept for a replay stays small.
//
// It imports flows, area, locales and ticket; it knows nothing of Telegram.
package attach

import (
	"context"
	"fmt"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/ticket"
)

// File is a rendered attachment.
type File struct {
	Name  string
	Data  []byte
	Photo bool // send as a photo (shown inline) rather than a document
}

// Meetups is what rendering needs of the store.
type Meetups interface {
	Meetup(ctx context.Context, id string) (*flows.Meetup, error)
}

// Renderer renders attachments.
type Renderer struct {
	Meetups     Meetups
	Atlas       *area.Atlas
	Signer      *ticket.Signer
	People      PersonalData  // for /datasaya; nil: that file cannot be made
	BotUsername func() string // known once the bot connected
	Now         func() time.Time
}

// Render makes the bytes of an attachment.
func (r *Renderer) Render(ctx context.Context, a flows.Attachment, lang locales.Lang) (File, error) {
	switch a.Kind {
	case flows.FileRegencyCSV:
		return r.regenciesFile(ctx, a.Meetup)
	case flows.FileCalendar:
		return r.calendar(ctx, a.Meetup)
	case flows.FileTicketQR:
		return r.qr(a)
	case flows.FileParticipantsCSV:
		return r.participantsFile(ctx, a.Meetup, lang)
	case flows.FileMyData:
		return r.myData(ctx, a.Alumnus)
	case flows.FileSurveyChart:
		return r.surveyChart(ctx, a.Ref, lang)
	case flows.FileSurveyCSV:
		return r.surveyFile(ctx, a.Ref)
	case flows.FileStoriesCSV: // the exports of /ekspor: stories.go
		return r.storiesCSV(ctx, a.Ref)
	case flows.FileStoriesJSON:
		return r.storiesJSON(ctx, a.Ref)
	case flows.FileAlumniCSV:
		return r.alumniCSV(ctx)
	case flows.FileFeedbackCSV, flows.FileSuggestionsCSV, flows.FileReportChart: // feedback_*.go
		return r.feedbackAttachment(ctx, a, lang)
	}
	return File{}, fmt.Errorf("attachment kind %q: unknown", a.Kind)
}

func (r *Renderer) meetup(ctx context.Context, id string) (*flows.Meetup, area.Province, error) {
	m, err := r.Meetups.Meetup(ctx, id)
	if err != nil {
		return nil, area.Province{}, err
	}
	if m == nil {
		return nil, area.Province{}, fmt.Errorf("meetup %s: not found", id)
	}
	prov, ok := r.Atlas.Province(m.Province)
	if !ok {
		return nil, area.Province{}, fmt.Errorf("meetup %s: unknown province %s", id, m.Province)
	}
	return m, prov, nil
}

func (r *Renderer) calendar(ctx context.Context, id string) (File, error) {
	m, prov, err := r.meetup(ctx, id)
	if err != nil {
		return File{}, err
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	data, err := ticket.ICS(*m, prov.Zone, now())
	if err != nil {
		return File{}, fmt.Errorf("calendar of %s: %w", id, err)
	}
	return File{Name: m.ID + ".ics", Data: data}, nil
}

// qr is the ticket's QR code: the deep link an organizer's phone opens to check the alumnus in.
func (r *Renderer) qr(a flows.Attachment) (File, error) {
	link := ticket.Link(r.BotUsername(), r.Signer.Token(a.Meetup, a.Alumnus, a.Code))
	png, err := ticket.QR(link)
	if err != nil {
		return File{}, fmt.Errorf("QR of %s for %d: %w", a.Meetup, a.Alumnus, err)
	}
	return File{Name: "tiket-" + a.Meetup + ".png", Data: png, Photo: true}, nil
}
