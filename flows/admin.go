package flows

import (
	"errors"
	"github.com/alumnibot/alumnibot/locales"
)

// admin is /admin: the organizer menu, and cancelling a meetup. Appointing organizers is the
// organizers flow's (super-admins only), checking people in the checkin flow's; the menu leads there.
type admin struct{}

// Steps of the admin flow.
const (
	adMenu         = "menu"
	adCancelPick   = "mt_pick" // which meetup to cancel
	adCancelMeetup = "mt_ok"   // are you sure?
	adDone         = "done"    // a panitia task ended; its message leads back to the menu
)

// adminState is the meetup about to be cancelled.
type adminState struct {
	Meetup string `json:"mt,omitempty"`
}

func (admin) Name() string     { return "ad" }
func (admin) Entries() []Entry { return []Entry{{Command: "admin"}} }
func (admin) Role() Need       { return NeedOrganizer }
func (admin) State() any       { return new(adminState) }

// Start answers /admin with the organizer menu.
func (a admin) Start(t *Turn, _ Entry, _ string) {
	t.restart(a.Name(), adMenu)
	a.menu(t)
}

func (admin) menu(t *Turn) {
	r := t.userRole()
	var kb [][]Button
	if r.Super && t.app.Grants != nil {
		kb = append(kb, []Button{t.button(locales.Msg("btn.admin_grant"), "grant"), t.button(locales.Msg("btn.admin_list"), "list")})
	}
	var work []Button // a panitia's everyday tasks, so none needs a typed command
	if enabled(t.app, create{}) {
		work = append(work, t.button(locales.Msg("btn.admin_create"), "create"))
	}
	if enabled(t.app, reports{}) {
		work = append(work, t.button(locales.Msg("btn.admin_report"), "report"))
	}
	if len(work) > 0 {
		kb = append(kb, work)
	}
	if t.deskEnabled() {
		kb = append(kb, []Button{t.button(locales.Msg("btn.admin_checkin"), "checkin"), t.button(locales.Msg("btn.admin_cancel_meetup"), "cancel")})
	}
	if r.Super {
		t.say(locales.Msg("admin.menu_super"), kb...)
		return
	}
	t.say(locales.Msg("admin.menu", "Province", t.provinceName(r.Province)), kb...)
}

func (a admin) Prompt(t *Turn) {
	switch t.s.Conv.Step {
	case adMenu:
		a.menu(t)
	case adCancelPick:
		a.cancelPick(t)
	case adCancelMeetup:
		a.cancelAsk(t, state[adminState](t).Meetup)
	case adDone:
		a.menu(t)
	default: // a state from an older version of the bot: start over cleanly
		t.restart("", "")
		t.say(locales.Msg("help.text"))
	}
}

// Text: the menu is answered with buttons only. After a task ended the chat is idle in all but the
// button back to the menu, so text goes where it goes when idle.
func (a admin) Text(t *Turn, _ string) {
	if t.s.Conv.Step == adDone {
		t.restart("", "")
		t.message()
		return
	}
	n := len(t.res.Replies)
	t.say(locales.Msg("input.use_buttons"))
	a.Prompt(t)
	t.joinFrom(n) // one message: the note and the question
}

func (a admin) Tap(t *Turn, b Tap) {
	st := state[adminState](t)
	switch step := t.s.Conv.Step; {
	case b.Action == "grant" || b.Action == "list":
		// A super-admin's buttons: refused like the organizers flow itself refuses.
		if !t.permit(organizers{}, KindButton) {
			return
		}
		if step != adMenu {
			t.stale()
			return
		}
		if b.Action == "grant" {
			t.enter(organizers{}, roGrantUser)
			return
		}
		t.enter(organizers{}, roList)
	case b.Action == "menu":
		a.Start(t, Entry{}, "")
	case step == adMenu && b.Action == "create" && enabled(t.app, create{}):
		if t.permit(create{}, KindCommand) {
			create{}.Start(t, Entry{Command: "buatacara"}, "")
		}
	case step == adMenu && b.Action == "report" && enabled(t.app, reports{}):
		if t.permit(reports{}, KindCommand) {
			reports{}.Start(t, Entry{Command: "laporan"}, "")
		}
	case step == adMenu && b.Action == "checkin" && t.deskEnabled():
		t.enter(checkin{}, ckCode)
	case step == adMenu && b.Action == "cancel" && t.deskEnabled():
		t.st = nil
		t.goTo(adCancelPick)
	case step == adCancelPick && b.Action == "mt":
		st.Meetup = b.Arg
		t.goTo(adCancelMeetup)
	case step == adCancelMeetup && b.Action == "yes":
		a.cancelMeetup(t, st.Meetup)
	case step == adCancelMeetup && b.Action == "no":
		t.organizerDone(locales.Msg("admin.nothing_changed"))
	default:
		t.stale()
	}
}

// cancelPick lists the open meetups the organizer may cancel.
func (admin) cancelPick(t *Turn) {
	ms := t.deskMeetups()
	if t.err != nil {
		return
	}
	var kb [][]Button
	var lines []locales.Text
	for _, m := range ms {
		if m.Status != MeetupPublished {
			continue
		}
		prov, _ := t.app.Atlas.Province(m.Province)
		lines = append(lines, locales.Msg("event.list_item",
			"Title", m.Title, "When", locales.FormatDate(m.Start.In(prov.Zone), t.res.Lang), "Venue", m.Venue.Name))
		kb = append(kb, []Button{t.button(locales.Raw(m.Title), "mt", m.ID)})
	}
	if len(kb) == 0 {
		t.organizerDone(locales.Msg("admin.cancel_none"))
		return
	}
	kb = append(kb, []Button{t.button(locales.Msg("btn.admin_menu"), "menu")})
	t.say(locales.Lines(append([]locales.Text{locales.Msg("admin.cancel_pick")}, lines...)...), kb...)
}

func (admin) cancelAsk(t *Turn, id string) {
	m := t.coveredMeetup(id)
	if m == nil {
		return
	}
	if m.Status == MeetupCancelled {
		t.organizerDone(locales.Msg("admin.meetup_was_cancelled", "Title", m.Title))
		return
	}
	av, err := t.app.Meetups.Availability(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	prov, _ := t.app.Atlas.Province(m.Province)
	t.say(locales.Msg("admin.cancel_ask", "Title", m.Title,
		"When", locales.FormatDateTimeRange(m.Start.In(prov.Zone), m.End.In(prov.Zone), t.res.Lang, prov.ZoneName),
		"Holders", av.Confirmed+av.Offered+av.Waitlisted),
		[]Button{t.button(locales.Msg("btn.admin_cancel_yes"), "yes"), t.button(locales.Msg("btn.admin_no"), "no")})
}

// cancelMeetup cancels a meetup and tells everyone who RSVPd. Running it again (a retry after a
// failure, a second organizer) tells nobody twice.
func (admin) cancelMeetup(t *Turn, id string) {
	m := t.coveredMeetup(id)
	if m == nil {
		return
	}
	m.Status = MeetupCancelled
	// The answer comes from the cancellation itself, whose first outcome the store keeps for a re-run
	// of this update: a second look at the meetup would find it cancelled already.
	told, err := t.app.Desk.CancelMeetup(t.ctx, *m)
	if errors.Is(err, ErrCancelledBefore) {
		t.organizerDone(locales.Msg("admin.meetup_was_cancelled", "Title", m.Title))
		return
	}
	if err != nil {
		t.fail(err)
		return
	}
	t.organizerDone(locales.Msg("admin.meetup_cancelled", "Title", m.Title, "Holders", told))
}

// organizerDone ends a panitia's task (appointing, cancelling, checking in, a report) with text and
// a button back to the organizer menu, so no reply of theirs is a dead end.
func (t *Turn) organizerDone(text locales.Text) {
	t.restart(admin{}.Name(), adDone)
	t.say(text, []Button{t.button(locales.Msg("btn.admin_menu"), "menu")})
}
