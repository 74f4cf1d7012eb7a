package flows

import (
	"slices"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// Helpers of the organizers' flows (admin, organizers, checkin, create, reports). The router has
// checked the role for this update before any of them runs; those that act on a meetup check here,
// against the same role, that it covers the meetup's province, so forged callback data and a
// narrowed role change nothing.

// notSuper answers an organizer who reached for a super-admin's action (a forged button, or a role
// changed meanwhile), ends the conversation and offers the organizer menu.
func (t *Turn) notSuper() {
	t.organizerDone(locales.Msg("admin.super_only"))
}

// provinceName is a province's name, or "" for every province (the messages say "semua provinsi").
func (t *Turn) provinceName(code string) string {
	if code == "" {
		return ""
	}
	if p, ok := t.app.Atlas.Province(code); ok {
		return p.Name
	}
	return code
}

func (t *Turn) deskEnabled() bool { return t.app.Meetups != nil && t.app.Desk != nil }

// coveredMeetups lists the meetups ending after endingAfter that the role covers and keep accepts,
// soonest first.
func (t *Turn) coveredMeetups(endingAfter time.Time, keep func(Meetup) bool) []Meetup {
	r := t.userRole()
	ms, err := t.app.Meetups.MeetupsEndingAfter(t.ctx, endingAfter, listFetch)
	if err != nil {
		t.fail(err)
		return nil
	}
	out := ms[:0]
	for _, m := range ms {
		if keep(m) && r.Covers(m.Province) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b Meetup) int { return a.Start.Compare(b.Start) })
	return out
}

// deskMeetups lists the meetups an organizer may check people in at or cancel: those of their
// provinces that have not ended, drafts left out, soonest first.
func (t *Turn) deskMeetups() []Meetup {
	return t.coveredMeetups(t.in.Now, func(m Meetup) bool { return m.Status != MeetupDraft })
}

// coveredMeetup reads a meetup the organizer may act on; nil (and a message) otherwise.
func (t *Turn) coveredMeetup(id string) *Meetup {
	m, err := t.app.Meetups.Meetup(t.ctx, id)
	if err != nil {
		t.fail(err)
		return nil
	}
	if m == nil || m.Status == MeetupDraft || !t.userRole().Covers(m.Province) {
		t.restart("", "")
		t.say(locales.Msg("event.not_found"))
		return nil
	}
	return m
}

// joinFrom makes the replies said since the i-th one a single message, one message per input: a note
// ("Pakai tombol di bawah ya") and the question it comes before. It joins only new text messages of
// which at most the last has buttons; anything else (a file, an edit, buttons midway) is left as is.
func (t *Turn) joinFrom(i int) {
	rs := t.res.Replies
	if i < 0 || len(rs)-i < 2 {
		return
	}
	texts := make([]locales.Text, 0, len(rs)-i)
	for j, r := range rs[i:] {
		if r.Edit || r.File != nil || (len(r.Buttons) > 0 && i+j != len(rs)-1) {
			return
		}
		texts = append(texts, r.Text)
	}
	last := rs[len(rs)-1]
	t.res.Replies = append(rs[:i], Reply{Text: locales.Lines(texts...), Buttons: last.Buttons})
}
