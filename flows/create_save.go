package flows

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// MeetupWriter is where /buatacara saves meetups; store.Store is one.
type MeetupWriter interface {
	// WriteMeetup creates or changes a meetup in one atomic step, checked against what the store holds
	// at that moment (see WriteMode and WriteStatus); holders of a meetup whose date, time or venue
	// moved are told once. fileSum is for EVENTS_FILE; the bot passes "".
	WriteMeetup(ctx context.Context, m Meetup, mode WriteMode, fileSum string, now time.Time) (Written, error)
}

// mkSave saves the meetup with a status. The write is the flow's one store change; it is checked in
// the store against the seats taken at that moment, and under the update's operation id, so a step run
// again after a failure gives the same answer and tells nobody twice.
func (k create) mkSave(t *Turn, status MeetupStatus) {
	c := &t.s.Conv
	st := state[createState](t)
	r := t.userRole()
	m, ok := k.mkMeetup(t)
	if !ok {
		t.organizerDone(locales.Msg("create.start_over"))
		return
	}
	if !r.Covers(m.Province) {
		t.organizerDone(locales.Msg("create.province_not_yours", "Province", k.mkProvinceLabel(t, r.Province)))
		return
	}
	m.ID, m.Status = st.ID, status
	edit := st.Mode == "edit"
	mode := WriteCreate
	if edit {
		mode = WriteEdit
		cur, err := t.app.Meetups.Meetup(t.ctx, m.ID)
		if err != nil {
			t.fail(err)
			return
		}
		// Gone or over meanwhile, or moved out of the organizer's province: nothing to save. (A
		// cancellation meanwhile the store's write refuses too, in the same step as the write.)
		if cur == nil || !cur.End.After(t.in.Now) || !r.Covers(cur.Province) {
			t.organizerDone(locales.Msg("create.gone"))
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
	w, err := t.app.Writer.WriteMeetup(t.ctx, m, mode, "", t.in.Now)
	for range 4 { // the id was free at the preview; someone took it meanwhile: take another
		if err != nil || w.Status != WriteExists {
			break
		}
		if m.ID, err = k.mkFreeID(t, m.Title); err == nil {
			w, err = t.app.Writer.WriteMeetup(t.ctx, m, mode, "", t.in.Now)
		}
	}
	if err != nil {
		t.fail(err)
		return
	}
	switch w.Status {
	case WriteSaved:
	case WriteBelowTaken: // seats were taken since the capacity was asked
		c.Step, c.Nonce = stepMkCapacity, c.Nonce+1
		k.mkAsk(t, locales.Msg("create.capacity_below_taken", "Taken", w.Taken), false)
		return
	case WriteHasHolders:
		t.stale() // the draft button is not offered once alumni hold a place
		return
	default: // WriteGone: cancelled meanwhile; saving would bring it back
		t.organizerDone(locales.Msg("create.gone"))
		return
	}
	wasPublished := st.OStatus == MeetupPublished
	when := locales.FormatDateTimeRange(m.Start.In(zone.Zone), m.End.In(zone.Zone), t.res.Lang, zone.ZoneName)
	var done locales.Text
	switch {
	case status == MeetupDraft:
		done = locales.Msg("create.saved_draft", "Title", m.Title)
	case edit && wasPublished:
		done = locales.Msg("create.updated", "Title", m.Title, "When", when)
	default:
		done = locales.Msg("create.published", "Title", m.Title, "When", when)
	}
	if status == MeetupPublished && t.app.BotUsername != "" { // one message: the news and the link to share
		done = locales.Lines(done, locales.Text{}, locales.Msg("create.share", "Link", ShareLink(t.app.BotUsername, m.ID)))
	}
	t.organizerDone(done)
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
