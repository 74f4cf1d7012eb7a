package flows

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// organizers is where super-admins appoint organizers (panitia) and revoke them, reached from the
// /admin menu.
type organizers struct{}

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

// Steps of the organizers flow.
const (
	roGrantUser    = "g_user" // the new organizer's user id, typed
	roGrantArea    = "g_area" // every province or one
	roGrantConfirm = "g_ok"
	roList         = "orgs" // the list, a revoke button each
	roRevokeAsk    = "rv_ok"
)

const organizersPageSize = 10

// organizersState is the organizer being appointed or revoked, and the page shown.
type organizersState struct {
	User int64 `json:"user,omitempty"`
	areaPick
}

func (organizers) Name() string     { return "ro" }
func (organizers) Entries() []Entry { return nil } // reached from the /admin menu
func (organizers) Role() Need       { return NeedSuper }
func (organizers) State() any       { return new(organizersState) }

// enabled: without Grants nobody can be appointed; super-admins are told it is not theirs to do.
func (organizers) enabled(a *App) bool { return a.Grants != nil }

func (o organizers) Start(t *Turn, _ Entry, _ string) { t.enter(o, roGrantUser) }

func (o organizers) Prompt(t *Turn) {
	st := state[organizersState](t)
	switch t.s.Conv.Step {
	case roGrantUser:
		t.say(locales.Msg("admin.ask_user"), []Button{t.button(locales.Msg("btn.admin_no"), "menu")})
	case roGrantArea:
		t.add(o.areaKeyboard(t, locales.Msg("admin.ask_area", "User", strconv.FormatInt(st.User, 10))))
	case roGrantConfirm:
		t.say(locales.Msg("admin.grant_ask", "User", strconv.FormatInt(st.User, 10), "Province", t.provinceName(st.Province)),
			[]Button{t.button(locales.Msg("btn.admin_grant_yes"), "yes"), t.button(locales.Msg("btn.admin_no"), "no")})
	case roList:
		o.list(t, st.Page)
	case roRevokeAsk:
		t.say(locales.Msg("admin.revoke_ask", "User", strconv.FormatInt(st.User, 10), "Province", t.provinceName(st.Province)),
			[]Button{t.button(locales.Msg("btn.admin_revoke_yes"), "yes"), t.button(locales.Msg("btn.admin_no"), "no")})
	default: // a state from an older version of the bot: start over cleanly
		t.restart("", "")
		t.say(locales.Msg("help.text"))
	}
}

func (o organizers) Text(t *Turn, s string) {
	st := state[organizersState](t)
	switch t.s.Conv.Step {
	case roGrantUser:
		id, err := strconv.ParseInt(strings.Join(strings.Fields(s), ""), 10, 64)
		if err != nil || id <= 0 {
			t.say(locales.Msg("admin.user_invalid"))
			return
		}
		if t.app.SuperAdmins[id] {
			t.say(locales.Msg("admin.user_is_super", "User", strconv.FormatInt(id, 10)))
			return
		}
		st.User, st.Page = id, 0
		t.goTo(roGrantArea)
	case roGrantArea:
		if strings.EqualFold(strings.Join(strings.Fields(s), " "), "semua provinsi") || strings.EqualFold(strings.TrimSpace(s), "semua") {
			o.grantArea(t, "")
			return
		}
		p, ok := t.app.Atlas.FindProvince(s)
		if !ok {
			t.add(o.areaKeyboard(t, locales.Msg("admin.area_unknown")))
			return
		}
		o.grantArea(t, p.Code)
	default: // a step answered with buttons only
		n := len(t.res.Replies)
		t.say(locales.Msg("input.use_buttons"))
		o.Prompt(t)
		t.joinFrom(n) // one message: the note and the question
	}
}

func (o organizers) Tap(t *Turn, b Tap) {
	st := state[organizersState](t)
	switch step := t.s.Conv.Step; {
	case b.Action == "menu":
		admin{}.Start(t, Entry{}, "")
	case step == roGrantArea && b.Action == "pg":
		page, ok := pageArg(b.Arg)
		if !ok {
			t.stale()
			return
		}
		st.Page = page
		o.Prompt(t)
		t.editLast()
	case step == roGrantArea && b.Action == "all":
		o.grantArea(t, "")
	case step == roGrantArea && b.Action == "p":
		if _, ok := t.app.Atlas.Province(b.Arg); !ok {
			t.stale()
			return
		}
		o.grantArea(t, b.Arg)
	case step == roGrantConfirm && b.Action == "yes":
		o.grant(t)
	case step == roList && b.Action == "pg":
		page, _ := strconv.Atoi(b.Arg)
		st.Page = page
		o.list(t, page)
		t.editLast()
	case step == roList && b.Action == "rv":
		o.revokeAsk(t, b.Arg)
	case step == roRevokeAsk && b.Action == "yes":
		o.revoke(t)
	case (step == roGrantConfirm || step == roRevokeAsk) && b.Action == "no":
		t.organizerDone(locales.Msg("admin.nothing_changed"))
	default:
		t.stale()
	}
}

// areaKeyboard is the paginated province keyboard with "every province" above it.
func (organizers) areaKeyboard(t *Turn, q locales.Text) Reply {
	r := provinceKeyboard(t, q, state[organizersState](t).Page)
	all := []Button{t.button(locales.Msg("btn.all_provinces"), "all")}
	r.Buttons = append([][]Button{all}, r.Buttons...)
	return r
}

func (organizers) grantArea(t *Turn, province string) {
	st := state[organizersState](t)
	st.Page, st.Province = 0, province
	t.goTo(roGrantConfirm)
}

func (organizers) grant(t *Turn) {
	st := state[organizersState](t)
	if st.User <= 0 {
		t.stale()
		return
	}
	user, province := st.User, st.Province
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
	t.organizerDone(locales.Msg("admin.granted", "User", strconv.FormatInt(user, 10), "Province", t.provinceName(province)))
}

// list shows one page of granted organizers, a revoke button each.
func (organizers) list(t *Turn, page int) {
	orgs, err := t.app.Grants.Organizers(t.ctx)
	if err != nil {
		t.fail(err)
		return
	}
	if len(orgs) == 0 {
		t.organizerDone(locales.Msg("admin.organizers_none"))
		return
	}
	page = clampPage(page, len(orgs), organizersPageSize)
	end := min(len(orgs), (page+1)*organizersPageSize)
	lines := []locales.Text{locales.Msg("admin.organizers_title", "N", len(orgs))}
	var bs []Button
	for _, o := range orgs[page*organizersPageSize : end] {
		id := strconv.FormatInt(o.User, 10)
		lines = append(lines, locales.Msg("admin.organizer_item", "User", id, "Province", t.provinceName(o.Province)))
		bs = append(bs, t.button(locales.Msg("btn.admin_revoke", "User", id), "rv", id))
	}
	kb := rows(bs, 2)
	kb = trimEmpty(append(kb, t.navRow(page, len(orgs), organizersPageSize), []Button{t.button(locales.Msg("btn.admin_menu"), "menu")}))
	t.add(Reply{Text: locales.Lines(lines...), Buttons: kb})
}

func (organizers) revokeAsk(t *Turn, arg string) {
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
		organizers{}.list(t, 0)
		return
	}
	st := state[organizersState](t)
	st.User, st.Province = user, orgs[i].Province
	t.goTo(roRevokeAsk)
}

func (organizers) revoke(t *Turn) {
	st := state[organizersState](t)
	if st.User <= 0 {
		t.stale()
		return
	}
	user := st.User
	had, err := t.app.Grants.Revoke(t.ctx, user)
	if err != nil {
		t.fail(err)
		return
	}
	id := strconv.FormatInt(user, 10)
	if !had {
		t.organizerDone(locales.Msg("admin.revoke_none", "User", id))
		return
	}
	t.organizerDone(locales.Msg("admin.revoked", "User", id))
}
