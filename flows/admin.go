package flows

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/locales"
)

// The organizers' desk: /admin (grant and revoke the organizer role, cancel a meetup), /checkin
// <code>, and tickets scanned at the door (/start ci_<token>). organizer.go has already read the role
// for this update; every action that needs more than being an organizer (being a super-admin, covering
// the meetup's province) checks that role again here, so forged callback data and a narrowed or revoked
// role change nothing.

// Grants is where super-admins grant and revoke the organizer role; store.Store is one.
type Grants interface {
	Grant(ctx context.Context, user int64, province string) error
	Revoke(ctx context.Context, user int64) (bool, error)
	Organizers(ctx context.Context) ([]Organizer, error)
}

// Organizer is one granted organizer role.
type Organizer struct {
	User     int64
	Province string // "" for every province
}

// Desk is what check-in and meetup cancellation need of the store; store.Store is one.
type Desk interface {
	// FindCode tells which alumnus holds a check-in code at a meetup, without checking anyone in.
	FindCode(ctx context.Context, meetup, code string) (alumnus int64, ok bool, err error)
	// CheckedInAt tells whether and when an alumnus was checked in at a meetup.
	CheckedInAt(ctx context.Context, meetup string, alumnus int64) (at time.Time, ok bool, err error)
	CheckIn(ctx context.Context, meetup string, alumnus int64, code string, now time.Time) (CheckIn, error)
	Profile(ctx context.Context, user int64) (*Profile, error)
	// CancelMeetup marks a meetup cancelled, which closes its RSVPs, and queues one NoticeCancelled
	// for everyone holding a seat, an offer or a waitlist place; run again, it queues nothing more.
	CancelMeetup(ctx context.Context, m Meetup) (told int, err error)
}

// TicketChecker verifies a scanned ticket's token against the meetups the organizer may check people
// in at; ticket.Signer is one. ok is false for a forged, altered or truncated token and for a token of
// any other meetup.
type TicketChecker interface {
	Check(token string, meetups []string) (meetup string, alumnus int64, code string, ok bool)
}

// Steps of the organizer flows.
const (
	stepAdminMenu    = "menu"
	stepGrantUser    = "g_user" // super: the new organizer's user id, typed
	stepGrantArea    = "g_area" // super: every province or one
	stepGrantConfirm = "g_ok"
	stepOrganizers   = "orgs" // super: the list, a revoke button each
	stepRevokeAsk    = "rv_ok"
	stepCancelPick   = "mt_pick" // which meetup to cancel
	stepCancelMeetup = "mt_ok"
	stepCheckinCode  = "code" // flowCheckin: waiting for a typed check-in code
	stepCheckinScan  = "scan" // flowCheckin: a scanned ticket waits for the organizer's tap
)

// superSteps are the steps only a super-admin may be at.
func superStep(step string) bool {
	switch step {
	case stepGrantUser, stepGrantArea, stepGrantConfirm, stepOrganizers, stepRevokeAsk:
		return true
	}
	return false
}

const organizersPageSize = 10

func (t *turn) deskEnabled() bool { return t.meetupsEnabled() && t.app.Desk != nil }

// adminCommand answers /admin with the organizer menu.
func (t *turn) adminCommand(r Role) {
	t.s.Conv.restart(flowAdmin, stepAdminMenu)
	t.adminMenu(r)
}

func (t *turn) adminMenu(r Role) {
	c := &t.s.Conv
	var kb [][]Button
	if r.Super && t.app.Grants != nil {
		kb = append(kb, []Button{c.button(locales.Msg("btn.admin_grant"), "grant"), c.button(locales.Msg("btn.admin_list"), "list")})
	}
	if t.deskEnabled() {
		kb = append(kb, []Button{c.button(locales.Msg("btn.admin_checkin"), "checkin"), c.button(locales.Msg("btn.admin_cancel_meetup"), "cancel")})
	}
	if r.Super {
		t.say(locales.Msg("admin.menu_super"), kb...)
		return
	}
	t.say(locales.Msg("admin.menu", "Province", t.provinceName(r.Province)), kb...)
}

// adminGo moves to a step of the organizer flow and asks its question; older buttons become stale.
func (t *turn) adminGo(r Role, step string) {
	t.s.Conv.Step = step
	t.s.Conv.Nonce++
	t.adminPrompt(r)
}

// adminPrompt asks the current organizer step's question again, with fresh buttons.
func (t *turn) adminPrompt(r Role) {
	c := &t.s.Conv
	if superStep(c.Step) && (!r.Super || t.app.Grants == nil) {
		t.notSuper()
		return
	}
	switch c.Step {
	case stepAdminMenu:
		t.adminMenu(r)
	case stepGrantUser:
		t.say(locales.Msg("admin.ask_user"), []Button{c.button(locales.Msg("btn.admin_no"), "menu")})
	case stepGrantArea:
		t.res.Replies = append(t.res.Replies, t.grantAreaKeyboard(locales.Msg("admin.ask_area", "User", c.Data["user"])))
	case stepGrantConfirm:
		t.say(locales.Msg("admin.grant_ask", "User", c.Data["user"], "Province", t.provinceName(c.Data["province"])),
			[]Button{c.button(locales.Msg("btn.admin_grant_yes"), "yes"), c.button(locales.Msg("btn.admin_no"), "no")})
	case stepOrganizers:
		page, _ := strconv.Atoi(c.Data["page"])
		t.organizerList(page)
	case stepRevokeAsk:
		t.say(locales.Msg("admin.revoke_ask", "User", c.Data["user"], "Province", t.provinceName(c.Data["province"])),
			[]Button{c.button(locales.Msg("btn.admin_revoke_yes"), "yes"), c.button(locales.Msg("btn.admin_no"), "no")})
	case stepCancelPick:
		t.cancelPick(r)
	case stepCancelMeetup:
		t.cancelMeetupAsk(r, c.Data["mt"])
	case stepCheckinCode:
		t.say(locales.Msg("checkin.ask_code"), []Button{c.button(locales.Msg("btn.checkin_done"), "done")})
	case stepCheckinScan:
		al, _ := strconv.ParseInt(c.Data["al"], 10, 64)
		t.scanAsk(r, c.Data["mt"], al, c.Data["code"])
	default: // a state from an older version of the bot: start over cleanly
		c.restart("", "")
		t.say(locales.Msg("help.text"))
	}
}

// adminText handles a typed answer in an organizer flow.
func (t *turn) adminText(r Role, s string) {
	c := &t.s.Conv
	if superStep(c.Step) && (!r.Super || t.app.Grants == nil) {
		t.notSuper()
		return
	}
	switch c.Step {
	case stepGrantUser:
		id, err := strconv.ParseInt(strings.Join(strings.Fields(s), ""), 10, 64)
		if err != nil || id <= 0 {
			t.say(locales.Msg("admin.user_invalid"))
			return
		}
		if t.app.SuperAdmins[id] {
			t.say(locales.Msg("admin.user_is_super", "User", strconv.FormatInt(id, 10)))
			return
		}
		c.set("user", strconv.FormatInt(id, 10))
		delete(c.Data, "page")
		t.adminGo(r, stepGrantArea)
	case stepGrantArea:
		if strings.EqualFold(strings.Join(strings.Fields(s), " "), "semua provinsi") || strings.EqualFold(strings.TrimSpace(s), "semua") {
			t.grantArea(r, "")
			return
		}
		p, ok := t.app.Atlas.FindProvince(s)
		if !ok {
			t.res.Replies = append(t.res.Replies, t.grantAreaKeyboard(locales.Msg("admin.area_unknown")))
			return
		}
		t.grantArea(r, p.Code)
	case stepCheckinCode:
		t.checkinCode(r, s)
	default: // a step answered with buttons only
		t.say(locales.Msg("input.use_buttons"))
		t.adminPrompt(r)
	}
}

// adminTap handles the buttons of the organizer flows.
func (t *turn) adminTap(r Role, b tap) {
	c := &t.s.Conv
	if superStep(c.Step) || b.action == "grant" || b.action == "list" {
		if !r.Super || t.app.Grants == nil {
			t.notSuper()
			return
		}
	}
	switch {
	case b.action == "menu":
		t.adminCommand(r)
	case c.Step == stepAdminMenu && b.action == "grant":
		c.Data = nil
		t.adminGo(r, stepGrantUser)
	case c.Step == stepAdminMenu && b.action == "list":
		c.Data = nil
		t.adminGo(r, stepOrganizers)
	case c.Step == stepAdminMenu && b.action == "checkin" && t.deskEnabled():
		c.restart(flowCheckin, stepCheckinCode)
		t.adminPrompt(r)
	case c.Step == stepAdminMenu && b.action == "cancel" && t.deskEnabled():
		c.Data = nil
		t.adminGo(r, stepCancelPick)
	case c.Step == stepGrantArea && b.action == "pg":
		page, err := strconv.Atoi(b.arg)
		if err != nil || page < 0 {
			t.stale()
			return
		}
		c.set("page", strconv.Itoa(page))
		t.adminPrompt(r)
		t.res.Replies[len(t.res.Replies)-1].Edit = true
	case c.Step == stepGrantArea && b.action == "all":
		t.grantArea(r, "")
	case c.Step == stepGrantArea && b.action == "p":
		if _, ok := t.app.Atlas.Province(b.arg); !ok {
			t.stale()
			return
		}
		t.grantArea(r, b.arg)
	case c.Step == stepGrantConfirm && b.action == "yes":
		t.grant()
	case c.Step == stepOrganizers && b.action == "pg":
		page, _ := strconv.Atoi(b.arg)
		c.set("page", strconv.Itoa(page))
		t.organizerList(page)
		if n := len(t.res.Replies); n > 0 {
			t.res.Replies[n-1].Edit = true
		}
	case c.Step == stepOrganizers && b.action == "rv":
		t.revokeAsk(r, b.arg)
	case c.Step == stepRevokeAsk && b.action == "yes":
		t.revoke()
	case c.Step == stepCancelPick && b.action == "mt":
		c.set("mt", b.arg)
		t.adminGo(r, stepCancelMeetup)
	case c.Step == stepCancelMeetup && b.action == "yes":
		t.cancelMeetup(r, c.Data["mt"])
	case (c.Step == stepGrantConfirm || c.Step == stepRevokeAsk || c.Step == stepCancelMeetup) && b.action == "no":
		c.restart("", "")
		t.say(locales.Msg("admin.nothing_changed"))
	case c.Step == stepCheckinCode && b.action == "done":
		c.restart("", "")
		t.say(locales.Msg("checkin.finished"))
	case c.Step == stepCheckinScan && b.action == "in":
		t.scanCheckIn(r)
	default:
		t.stale()
	}
}

// notSuper answers an organizer who reached for a super-admin's action (a forged button, or a role
// changed meanwhile) and ends the conversation.
func (t *turn) notSuper() {
	t.s.Conv.restart("", "")
	t.say(locales.Msg("admin.super_only"))
}

// provinceName is a province's name, or "" for every province (the messages say "semua provinsi").
func (t *turn) provinceName(code string) string {
	if code == "" {
		return ""
	}
	if p, ok := t.app.Atlas.Province(code); ok {
		return p.Name
	}
	return code
}

// grantAreaKeyboard is the paginated province keyboard with "every province" above it.
func (t *turn) grantAreaKeyboard(q locales.Text) Reply {
	r := t.provinceKeyboard(q)
	all := []Button{t.s.Conv.button(locales.Msg("btn.all_provinces"), "all")}
	r.Buttons = append([][]Button{all}, r.Buttons...)
	return r
}

func (t *turn) grantArea(r Role, province string) {
	c := &t.s.Conv
	delete(c.Data, "page")
	c.set("province", province)
	t.adminGo(r, stepGrantConfirm)
}

func (t *turn) grant() {
	c := &t.s.Conv
	user, err := strconv.ParseInt(c.Data["user"], 10, 64)
	if err != nil || user <= 0 {
		t.stale()
		return
	}
	province := c.Data["province"]
	if province != "" {
		if _, ok := t.app.Atlas.Province(province); !ok {
			t.stale()
			return
		}
	}
	if err := t.app.Grants.Grant(t.ctx, user, province); err != nil {
		t.fail(err)
		return
	}
	c.restart("", "")
	t.say(locales.Msg("admin.granted", "User", strconv.FormatInt(user, 10), "Province", t.provinceName(province)))
}

// organizerList shows one page of granted organizers, a revoke button each.
func (t *turn) organizerList(page int) {
	orgs, err := t.app.Grants.Organizers(t.ctx)
	if err != nil {
		t.fail(err)
		return
	}
	c := &t.s.Conv
	if len(orgs) == 0 {
		c.restart("", "")
		t.say(locales.Msg("admin.organizers_none"))
		return
	}
	page = clampPage(page, len(orgs), organizersPageSize)
	end := min(len(orgs), (page+1)*organizersPageSize)
	lines := []locales.Text{locales.Msg("admin.organizers_title", "N", len(orgs))}
	var bs []Button
	for _, o := range orgs[page*organizersPageSize : end] {
		id := strconv.FormatInt(o.User, 10)
		lines = append(lines, locales.Msg("admin.organizer_item", "User", id, "Province", t.provinceName(o.Province)))
		bs = append(bs, c.button(locales.Msg("btn.admin_revoke", "User", id), "rv", id))
	}
	kb := rows(bs, 2)
	var nav []Button
	if page > 0 {
		nav = append(nav, c.button(locales.Msg("btn.prev"), "pg", strconv.Itoa(page-1)))
	}
	if end < len(orgs) {
		nav = append(nav, c.button(locales.Msg("btn.next"), "pg", strconv.Itoa(page+1)))
	}
	kb = trimEmpty(append(kb, nav, []Button{c.button(locales.Msg("btn.admin_menu"), "menu")}))
	t.res.Replies = append(t.res.Replies, Reply{Text: locales.Lines(lines...), Buttons: kb})
}

func (t *turn) revokeAsk(r Role, arg string) {
	user, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || user <= 0 {
		t.stale()
		return
	}
	orgs, err := t.app.Grants.Organizers(t.ctx)
	if err != nil {
		t.fail(err)
		return
	}
	i := slices.IndexFunc(orgs, func(o Organizer) bool { return o.User == user })
	if i < 0 {
		t.say(locales.Msg("admin.revoke_none", "User", arg))
		t.organizerList(0)
		return
	}
	c := &t.s.Conv
	c.set("user", arg)
	c.set("province", orgs[i].Province)
	t.adminGo(r, stepRevokeAsk)
}

func (t *turn) revoke() {
	c := &t.s.Conv
	user, err := strconv.ParseInt(c.Data["user"], 10, 64)
	if err != nil || user <= 0 {
		t.stale()
		return
	}
	had, err := t.app.Grants.Revoke(t.ctx, user)
	if err != nil {
		t.fail(err)
		return
	}
	id := c.Data["user"]
	c.restart("", "")
	if !had {
		t.say(locales.Msg("admin.revoke_none", "User", id))
		return
	}
	t.say(locales.Msg("admin.revoked", "User", id))
}

// deskMeetups lists the meetups an organizer may check people in at or cancel: those of their
// provinces that have not ended, drafts left out, soonest first.
func (t *turn) deskMeetups(r Role) []Meetup {
	return t.coveredMeetups(r, t.in.Now, func(m Meetup) bool { return m.Status != MeetupDraft })
}

// cancelPick lists the open meetups the organizer may cancel.
func (t *turn) cancelPick(r Role) {
	ms := t.deskMeetups(r)
	if t.err != nil {
		return
	}
	c := &t.s.Conv
	var kb [][]Button
	var lines []locales.Text
	for _, m := range ms {
		if m.Status != MeetupPublished {
			continue
		}
		prov, _ := t.app.Atlas.Province(m.Province)
		lines = append(lines, locales.Msg("event.list_item",
			"Title", m.Title, "When", locales.FormatDate(m.Start.In(prov.Zone), t.res.Lang), "Venue", m.Venue.Name))
		kb = append(kb, []Button{c.button(locales.Raw(m.Title), "mt", m.ID)})
	}
	if len(kb) == 0 {
		c.restart("", "")
		t.say(locales.Msg("admin.cancel_none"))
		return
	}
	kb = append(kb, []Button{c.button(locales.Msg("btn.admin_menu"), "menu")})
	t.say(locales.Lines(append([]locales.Text{locales.Msg("admin.cancel_pick")}, lines...)...), kb...)
}

// coveredMeetup reads a meetup the organizer may act on; nil (and a message) otherwise.
func (t *turn) coveredMeetup(r Role, id string) *Meetup {
	m, err := t.app.Meetups.Meetup(t.ctx, id)
	if err != nil {
		t.fail(err)
		return nil
	}
	if m == nil || m.Status == MeetupDraft || !r.Covers(m.Province) {
		t.s.Conv.restart("", "")
		t.say(locales.Msg("event.not_found"))
		return nil
	}
	return m
}

func (t *turn) cancelMeetupAsk(r Role, id string) {
	m := t.coveredMeetup(r, id)
	if m == nil {
		return
	}
	if m.Status == MeetupCancelled {
		t.s.Conv.restart("", "")
		t.say(locales.Msg("admin.meetup_was_cancelled", "Title", m.Title))
		return
	}
	av, err := t.app.Meetups.Availability(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	c := &t.s.Conv
	prov, _ := t.app.Atlas.Province(m.Province)
	t.say(locales.Msg("admin.cancel_ask", "Title", m.Title,
		"When", locales.FormatDateTime(m.Start.In(prov.Zone), t.res.Lang, prov.ZoneName),
		"Holders", av.Confirmed+av.Offered+av.Waitlisted),
		[]Button{c.button(locales.Msg("btn.admin_cancel_yes"), "yes"), c.button(locales.Msg("btn.admin_no"), "no")})
}

// cancelMeetup cancels a meetup and tells everyone who RSVPd. Running it again (a retry after a
// failure, a second organizer) tells nobody twice.
func (t *turn) cancelMeetup(r Role, id string) {
	m := t.coveredMeetup(r, id)
	if m == nil {
		return
	}
	was := m.Status
	av, err := t.app.Meetups.Availability(t.ctx, m.ID)
	if err != nil {
		t.fail(err)
		return
	}
	m.Status = MeetupCancelled
	if _, err := t.app.Desk.CancelMeetup(t.ctx, *m); err != nil {
		t.fail(err)
		return
	}
	t.s.Conv.restart("", "")
	if was == MeetupCancelled {
		t.say(locales.Msg("admin.meetup_was_cancelled", "Title", m.Title))
		return
	}
	t.say(locales.Msg("admin.meetup_cancelled", "Title", m.Title, "Holders", av.Confirmed+av.Offered+av.Waitlisted))
}

// checkinCommand answers /checkin: with a code it checks its holder in, without one it asks for it.
// Either way the conversation then waits for the next code, so a queue at the door needs no command
// per person.
func (t *turn) checkinCommand(r Role, code string) {
	if !t.deskEnabled() {
		t.say(locales.Msg("unknown.command"))
		return
	}
	t.s.Conv.restart(flowCheckin, stepCheckinCode)
	if strings.TrimSpace(code) == "" {
		t.adminPrompt(r)
		return
	}
	t.checkinCode(r, code)
}

// normalizeCode turns what an organizer typed into a code as tickets show it: " k7m q2p" is K7MQ2P.
func normalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s))
	if len(s) != 6 {
		return "", false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return "", false
		}
	}
	return s, true
}

// checkinCode checks in the holder of a typed code at whichever of the organizer's meetups has it.
func (t *turn) checkinCode(r Role, typed string) {
	c := &t.s.Conv
	code, ok := normalizeCode(typed)
	if !ok {
		t.say(locales.Msg("checkin.code_invalid"), []Button{c.button(locales.Msg("btn.checkin_done"), "done")})
		return
	}
	ms := t.deskMeetups(r)
	if t.err != nil {
		return
	}
	for i := range ms {
		m := &ms[i]
		who, found, err := t.app.Desk.FindCode(t.ctx, m.ID, code)
		if err != nil {
			t.fail(err)
			return
		}
		if !found {
			continue
		}
		if m.Status == MeetupCancelled {
			t.checkinReply(locales.Msg("checkin.meetup_cancelled", "Code", code, "Title", m.Title))
			return
		}
		ci, err := t.app.Desk.CheckIn(t.ctx, m.ID, who, code, t.in.Now)
		if err != nil {
			t.fail(err)
			return
		}
		if text, ok := t.checkinResult(m, ci, code); ok {
			t.checkinReply(text)
		}
		return
	}
	t.checkinReply(locales.Msg("checkin.unknown", "Code", code))
}

// checkinReply answers a typed code and invites the next one.
func (t *turn) checkinReply(text locales.Text) {
	c := &t.s.Conv
	c.Nonce++
	t.say(locales.Lines(text, locales.Msg("checkin.next")), []Button{c.button(locales.Msg("btn.checkin_done"), "done")})
}

// alumnusArgs are the template arguments that say who an alumnus is: Name, Regency, Wave.
func (t *turn) alumnusArgs(alumnus int64) ([]any, bool) {
	p, err := t.app.Desk.Profile(t.ctx, alumnus)
	if err != nil {
		t.fail(err)
		return nil, false
	}
	if p == nil { // the alumnus deleted their data but kept the seat: name them by id
		return []any{"Name", "#" + strconv.FormatInt(alumnus, 10), "Regency", "", "Wave", 0}, true
	}
	reg, _ := t.app.Atlas.Regency(p.Regency)
	return []any{"Name", p.Name, "Regency", reg.Name, "Wave", p.Wave}, true
}

// checkinResult is the answer to a check-in: who came, or when they came before, or that the code
// no longer holds a seat.
func (t *turn) checkinResult(m *Meetup, ci CheckIn, code string) (locales.Text, bool) {
	prov, _ := t.app.Atlas.Province(m.Province)
	switch ci.Status {
	case CheckInOK, CheckInAlready:
		who, ok := t.alumnusArgs(ci.Alumnus)
		if !ok {
			return locales.Text{}, false
		}
		args := append(who, "Title", m.Title, "Code", code, "Time", t.checkinTime(ci.At, prov))
		if ci.Status == CheckInOK {
			return locales.Msg("checkin.ok", args...), true
		}
		return locales.Msg("checkin.already", args...), true
	default:
		return locales.Msg("checkin.unknown", "Code", code), true
	}
}

// checkinTime shows a check-in time in the venue's zone: "09.14 WITA" today, with the date otherwise.
func (t *turn) checkinTime(at time.Time, prov area.Province) string {
	at, now := at.In(prov.Zone), t.in.Now.In(prov.Zone)
	if at.YearDay() == now.YearDay() && at.Year() == now.Year() {
		return at.Format("15.04") + " " + prov.ZoneName
	}
	return locales.FormatDateTime(at, t.res.Lang, prov.ZoneName)
}

// checkinToken handles a ticket's QR code scanned by an organizer: it shows whose ticket it is and
// waits for one tap to check them in. The token stays out of the button: the session keeps the
// verified meetup, alumnus and code.
func (t *turn) checkinToken(r Role, token string) {
	if !t.deskEnabled() || t.app.Tickets == nil {
		t.say(locales.Msg("checkin.scan_invalid"))
		return
	}
	ms := t.deskMeetups(r)
	if t.err != nil {
		return
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	mt, al, code, ok := t.app.Tickets.Check(token, ids)
	if !ok || al == 0 {
		t.say(locales.Msg("checkin.scan_invalid"))
		return
	}
	c := &t.s.Conv
	c.restart(flowCheckin, stepCheckinScan)
	c.set("mt", mt)
	c.set("al", strconv.FormatInt(al, 10))
	c.set("code", code)
	t.scanAsk(r, mt, al, code)
}

// scanAsk shows a scanned ticket's holder with the check-in button, or why there is nothing to do.
func (t *turn) scanAsk(r Role, id string, alumnus int64, code string) {
	m := t.coveredMeetup(r, id)
	if m == nil {
		return
	}
	c := &t.s.Conv
	if m.Status == MeetupCancelled {
		c.restart("", "")
		t.say(locales.Msg("checkin.meetup_cancelled", "Code", code, "Title", m.Title))
		return
	}
	who, ok := t.alumnusArgs(alumnus)
	if !ok {
		return
	}
	holder, found, err := t.app.Desk.FindCode(t.ctx, m.ID, code)
	if err != nil {
		t.fail(err)
		return
	}
	if !found || holder != alumnus {
		c.restart("", "")
		t.say(locales.Msg("checkin.scan_cancelled", append(who, "Title", m.Title)...))
		return
	}
	at, in, err := t.app.Desk.CheckedInAt(t.ctx, m.ID, alumnus)
	if err != nil {
		t.fail(err)
		return
	}
	if in {
		c.restart("", "")
		prov, _ := t.app.Atlas.Province(m.Province)
		t.say(locales.Msg("checkin.already", append(who, "Title", m.Title, "Code", code, "Time", t.checkinTime(at, prov))...))
		return
	}
	t.say(locales.Msg("checkin.scan_ask", append(who, "Title", m.Title)...),
		[]Button{c.button(locales.Msg("btn.checkin_yes"), "in")})
}

// scanCheckIn checks in the holder of the scanned ticket the organizer just confirmed.
func (t *turn) scanCheckIn(r Role) {
	c := &t.s.Conv
	al, err := strconv.ParseInt(c.Data["al"], 10, 64)
	code := c.Data["code"]
	m := t.coveredMeetup(r, c.Data["mt"])
	if m == nil {
		return
	}
	if err != nil || al == 0 || code == "" {
		t.stale()
		return
	}
	c.restart("", "")
	if m.Status == MeetupCancelled {
		t.say(locales.Msg("checkin.meetup_cancelled", "Code", code, "Title", m.Title))
		return
	}
	ci, err := t.app.Desk.CheckIn(t.ctx, m.ID, al, code, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	if ci.Status == CheckInUnknown { // cancelled since the scan
		who, ok := t.alumnusArgs(al)
		if ok {
			t.say(locales.Msg("checkin.scan_cancelled", append(who, "Title", m.Title)...))
		}
		return
	}
	if text, ok := t.checkinResult(m, ci, code); ok {
		t.say(text)
	}
}
