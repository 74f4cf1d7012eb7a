package attach_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/ticket"
)

type demoMeetups map[string]flows.Meetup

func (d demoMeetups) Meetup(_ context.Context, id string) (*flows.Meetup, error) {
	m, ok := d[id]
	if !ok {
		return nil, nil
	}
	return &m, nil
}

func newRenderer(t *testing.T) *attach.Renderer {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := meetupfile.Demo(atlas)
	if err != nil {
		t.Fatal(err)
	}
	d := demoMeetups{}
	for _, m := range ms {
		d[m.ID] = m
	}
	signer, err := ticket.NewSigner(bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	return &attach.Renderer{
		Meetups: d, Atlas: atlas, Signer: signer, BotUsername: func() string { return "alumnibot_test_bot" },
		Now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) },
	}
}

func TestCalendar(t *testing.T) {
	r := newRenderer(t)
	f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileCalendar, Meetup: "gorontalo-2027"}, locales.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "gorontalo-2027.ics" || f.Photo || !strings.Contains(string(f.Data), "DTSTART:20270203T010000Z") {
		t.Fatalf("calendar file %q photo=%v:\n%s", f.Name, f.Photo, f.Data)
	}
}

func TestTicketQR(t *testing.T) {
	r := newRenderer(t)
	f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileTicketQR, Meetup: "jambi-2027", Alumnus: 7, Code: "K7MQ2P"}, locales.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Photo {
		t.Fatal("QR not sent as a photo")
	}
	if _, err := png.Decode(bytes.NewReader(f.Data)); err != nil {
		t.Fatalf("QR is not a PNG: %v", err)
	}
}

func TestUnknown(t *testing.T) {
	r := newRenderer(t)
	if _, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileCalendar, Meetup: "nope"}, locales.ID); err == nil {
		t.Fatal("calendar of a missing meetup rendered")
	}
	if _, err := r.Render(context.Background(), flows.Attachment{Kind: "bogus"}, locales.ID); err == nil {
		t.Fatal("unknown kind rendered")
	}
}
