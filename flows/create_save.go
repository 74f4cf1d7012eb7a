package flows

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// MeetupWriter is where /buatacara saves meetups; store.Store is one.
type MeetupWriter interface {
	// SaveMeetup creates or replaces a meetup; saving the same meetup again changes nothing.
	SaveMeetup(ctx context.Context, m Meetup) error
	// TellHolders queues a notice for everyone holding a seat, an offer or a waitlist place.
	TellHolders(ctx context.Context, meetup string, kind NoticeKind) (int, error)
}

// mkSave saves the meetup with a status. Saving is the only store write of the flow, and it is
// idempotent: the id is fixed before, so a step run again after a failure saves the same meetup.
func (k create) mkSave(t *Turn, status MeetupStatus) {
	c := &t.s.Conv
	st := state[createState](t)
	r := t.userRole()
	m, ok := k.mkMeetup(t)
	if !ok {
		t.restart("", "")
		t.say(locales.Msg("create.start_over"))
		return
	}
	if !r.Covers(m.Province) {
		t.restart("", "")
		t.say(locales.Msg("create.province_not_yours", "Province", k.mkProvinceLabel(t, r.Province)))
		return
	}
	m.ID, m.Status = st.ID, status
	edit := st.Mode == "edit"
	var cur *Meetup
	if edit {
		var err error
		cur, err = t.app.Meetups.Meetup(t.ctx, m.ID)
		if err != nil {
			t.fail(err)
			return
		}
		// Cancelled (from /admin) or over meanwhile: saving would bring it back.
		if cur == nil || cur.Status == MeetupCancelled || !cur.End.After(t.in.Now) || !r.Covers(cur.Province) {
			t.restart("", "")
			t.say(locales.Msg("create.gone"))
			return
		}
		taken, holders := k.mkTaken(t)
		if t.err != nil {
			return
		}
		if status == MeetupDraft && holders > 0 {
			t.stale() // the button is not offered once alumni hold a place
			return
		}
		if m.Capacity < taken { // seats were taken since the capacity was asked
			c.Step, c.Nonce = stepMkCapacity, c.Nonce+1
			k.mkAsk(t, locales.Msg("create.capacity_below_taken", "Taken", taken), false)
			return
		}
		m.ClaimWindow = cur.ClaimWindow
		if cur.Venue.Name == m.Venue.Name && cur.Venue.Address == m.Venue.Address {
			m.Venue.Lat, m.Venue.Lon = cur.Venue.Lat, cur.Venue.Lon
		}
	}
	zone := k.mkZone(t)
	if !k.mkStartOK(t, st.Date, st.Start) { // the preview was left open past the start
		c.Step, c.Nonce = stepMkDate, c.Nonce+1
		k.mkAsk(t, locales.Msg("create.date_past", "Example", k.mkDateExample(t)), false)
		return
	}
	if !edit {
		// The id was free at the preview. A meetup under it now is this very one when the step runs
		// again after a failure; anything else was made meanwhile by someone else: take another id.
		cur, err := t.app.Meetups.Meetup(t.ctx, m.ID)
		if err != nil {
			t.fail(err)
			return
		}
		if cur != nil && !mkSameMeetup(*cur, m) {
			if m.ID, err = k.mkFreeID(t, m.Title); err != nil {
				t.fail(err)
				return
			}
		}
	}
	if edit && cur.Status == MeetupPublished && mkMoved(*cur, m) {
		// Told before the save: if the save fails the step runs again and tells them twice, which beats
		// a change nobody hears of.
		if _, err := t.app.Writer.TellHolders(t.ctx, m.ID, NoticeChanged); err != nil {
			t.fail(err)
			return
		}
	}
	if err := t.app.Writer.SaveMeetup(t.ctx, m); err != nil {
		t.fail(err)
		return
	}
	wasPublished := st.OStatus == MeetupPublished
	t.restart("", "")
	when := locales.FormatDateTime(m.Start.In(zone.Zone), t.res.Lang, zone.ZoneName)
	switch {
	case status == MeetupDraft:
		t.say(locales.Msg("create.saved_draft", "Title", m.Title))
	case edit && wasPublished:
		t.say(locales.Msg("create.updated", "Title", m.Title, "When", when))
	default:
		t.say(locales.Msg("create.published", "Title", m.Title, "When", when))
	}
	if status == MeetupPublished && t.app.BotUsername != "" {
		t.say(locales.Msg("create.share", "Link", ShareLink(t.app.BotUsername, m.ID)))
	}
}

// mkFreeID makes an id for a new meetup: a slug of the title and a short suffix, free in the store.
// The suffix comes from the organizer and the moment, so two organizers making meetups of the same
// name at once get different ids, and the same step run again gets the same one.
func (k create) mkFreeID(t *Turn, title string) (string, error) {
	base := mkSlug(title, mkIDMax-1-mkSuffixLen)
	for i := range 16 {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d/%d/%d", t.in.UserID, t.in.Now.UnixNano(), i)
		suffix := strconv.FormatUint(h.Sum64()%(36*36*36*36), 36)
		id := base + "-" + strings.Repeat("0", mkSuffixLen-len(suffix)) + suffix
		m, err := t.app.Meetups.Meetup(t.ctx, id)
		if err != nil {
			return "", err
		}
		if m == nil {
			return id, nil
		}
	}
	return "", fmt.Errorf("no free meetup id for %q", title)
}

// mkTaken counts the seats held (confirmed or offered) and the alumni holding any place of the
// meetup being changed; zero for a new one.
func (k create) mkTaken(t *Turn) (taken, holders int) {
	st := state[createState](t)
	if st.Mode != "edit" {
		return 0, 0
	}
	av, err := t.app.Meetups.Availability(t.ctx, st.ID)
	if err != nil {
		t.fail(err)
		return 0, 0
	}
	return av.Confirmed + av.Offered, av.Confirmed + av.Offered + av.Waitlisted
}
