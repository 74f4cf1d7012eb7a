package flows

import (
	"slices"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// Organizer conversations. Each organizer command and button re-checks the role on the server before
// doing anything: a revoked organizer, or forged callback data, changes nothing.
const (
	flowAdmin   = "ad" // /admin: roles, meetups (admin.go)
	flowCheckin = "ck" // /checkin and scanned tickets (admin.go)
	flowCreate  = "mk" // /buatacara (create.go)
	flowReport  = "rp" // /peserta and /laporan (reports.go)
)

func isOrganizerCommand(cmd string) bool {
	switch cmd {
	case "admin", "buatacara", "peserta", "checkin", "laporan":
		return true
	}
	return false
}

func isOrganizerFlow(flow string) bool {
	switch flow {
	case flowAdmin, flowCheckin, flowCreate, flowReport:
		return true
	}
	return false
}

// organizerRole returns the user's role if they may organize; else it answers with a polite refusal,
// ends any organizer conversation, and returns false.
func (t *turn) organizerRole() (Role, bool) {
	r := t.role()
	if t.err != nil {
		return Role{}, false
	}
	if !r.Organizer {
		if isOrganizerFlow(t.s.Conv.Flow) {
			t.s.Conv.restart("", "")
		}
		t.say(locales.Msg("admin.refused"))
		return Role{}, false
	}
	return r, true
}

func (t *turn) organizerCommand() {
	r, ok := t.organizerRole()
	if !ok {
		return
	}
	switch t.in.Command {
	case "admin":
		t.adminCommand(r)
	case "checkin":
		t.checkinCommand(r, t.in.Payload)
	case "buatacara":
		t.createCommand(r)
	case "peserta", "laporan":
		t.reportCommand(r, t.in.Command)
	}
}

func (t *turn) organizerPrompt() {
	r, ok := t.organizerRole()
	if !ok {
		return
	}
	switch t.s.Conv.Flow {
	case flowAdmin, flowCheckin:
		t.adminPrompt(r)
	case flowCreate:
		t.createPrompt(r)
	case flowReport:
		t.reportPrompt(r)
	}
}

func (t *turn) organizerText(s string) {
	r, ok := t.organizerRole()
	if !ok {
		return
	}
	switch t.s.Conv.Flow {
	case flowAdmin, flowCheckin:
		t.adminText(r, s)
	case flowCreate:
		t.createText(r, s)
	case flowReport:
		t.reportPrompt(r)
	}
}

func (t *turn) organizerTap(b tap) {
	r, ok := t.organizerRole()
	if !ok {
		return
	}
	switch t.s.Conv.Flow {
	case flowAdmin, flowCheckin:
		t.adminTap(r, b)
	case flowCreate:
		t.createTap(r, b)
	case flowReport:
		t.reportTap(r, b)
	}
}

// checkinScan handles /start ci_<token>, opened by an organizer's phone from a ticket's QR code.
func (t *turn) checkinScan(token string) {
	r, ok := t.organizerRole()
	if !ok {
		return
	}
	t.checkinToken(r, token)
}

// coveredMeetups lists the meetups ending after t that the role covers and keep accepts, soonest first.
func (t *turn) coveredMeetups(r Role, endingAfter time.Time, keep func(Meetup) bool) []Meetup {
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
