package flows

import (
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/locales"
)

// The end of /siaran: the list of recent announcements, the preview, and the confirmation that makes
// the job.

// showList is /siaran's first message: the organizer's recent announcements with their figures, and
// "Buat pengumuman baru". A province-limited panitia sees those of their province.
func (f broadcastFlow) showList(t *Turn) {
	r := t.userRole()
	all, err := t.app.Broadcasts.RecentBroadcasts(t.ctx, bcListFetch)
	if err != nil {
		t.fail(err)
		return
	}
	lines := []locales.Text{locales.Msg("bc.list_title")}
	var kb [][]Button
	shown := 0
	for _, b := range all {
		if shown == bcListShown {
			break
		}
		if !audienceAllowed(r, b.Audience) {
			continue
		}
		shown++
		lines = append(lines, t.app.broadcastLine(b, t.in.Now, t.res.Lang))
		var row []Button
		if !b.Over() {
			row = append(row, bcGlobalButton(locales.Msg("bc.btn_stop_n", "N", shown), "stop", b.ID))
		}
		if b.Survey && t.app.Surveys != nil {
			row = append(row, svrButton(locales.Msg("bc.btn_results_n", "N", shown), svResults, b.ID))
		}
		if len(row) > 0 {
			kb = append(kb, row)
		}
	}
	if shown == 0 {
		lines = []locales.Text{locales.Msg("bc.list_empty")}
	}
	kb = append([][]Button{{t.button(locales.Msg("bc.btn_new"), "new")}}, kb...)
	t.say(locales.Lines(lines...), kb...)
}

// broadcastLine is one announcement on the list.
func (a *App) broadcastLine(b Broadcast, now time.Time, lang locales.Lang) locales.Text {
	z := a.broadcastZone(b)
	when := b.Created
	if b.State == BcScheduled {
		when = b.SendAt
	}
	st := b.State
	if st == BcStopped && b.Started.IsZero() && b.Settled() == 0 {
		st = "cancelled" // a schedule cancelled before it started
	}
	return locales.Lines(locales.Msg("bc.list_item", "When", locales.FormatDateTime(when.In(z.Zone), lang, z.ZoneName),
		"State", st, "Sent", b.Sent, "Total", b.Total), a.audienceLabel(b.Audience, ""))
}

// audienceLabel is the line naming an audience: "👥 Untuk: alumni provinsi Jawa Timur". title is the
// meetup's title for a meetup group ("" shows its id).
func (a *App) audienceLabel(au Audience, title string) locales.Text {
	prov := ""
	if p, ok := a.Atlas.Province(au.Province); ok {
		prov = p.Name
	}
	switch au.Kind {
	case AudProvince:
		return locales.Msg("bc.aud_province", "Province", prov)
	case AudRegency:
		name := au.Regency
		if g, ok := a.Atlas.Regency(au.Regency); ok {
			name = g.Name
		}
		return locales.Msg("bc.aud_regency", "Regency", name)
	case AudWaves:
		return locales.Msg("bc.aud_waves", "From", au.WaveFrom, "To", au.WaveTo, "Province", prov)
	case AudMeetup:
		if title == "" {
			title = au.Meetup
		}
		return locales.Msg("bc.aud_meetup", "Group", au.Group, "Title", title)
	}
	return locales.Msg("bc.aud_all")
}

// broadcastZone is where an announcement's times are told: its audience's province, else WIB.
func (a *App) broadcastZone(b Broadcast) area.Province {
	for _, code := range []string{b.Zone, b.Audience.Province} {
		if p, ok := a.Atlas.Province(code); ok && code != "" {
			return p
		}
	}
	return jakarta
}

var jakarta = area.Province{Zone: mustZone("Asia/Jakarta"), ZoneName: "WIB"}

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone(name, 7*3600)
	}
	return l
}

// zone is where a time the organizer types is read: the attached meetup's venue, else the
// organizer's own province (their profile, else their role's), else WIB.
func (f broadcastFlow) zone(t *Turn) area.Province {
	st := state[bcState](t)
	if m := loadMeetupQuiet(t, st.Meetup); m != nil {
		if p, ok := t.app.Atlas.Province(m.Province); ok {
			return p
		}
	}
	code := limitedTo(t.userRole())
	if t.s.Profile != nil && t.s.Profile.Province != "" {
		code = t.s.Profile.Province
	}
	if p, ok := t.app.Atlas.Province(code); ok && code != "" {
		return p
	}
	return jakarta
}

// preview shows the announcement exactly as alumni will get it (the copy with their buttons), then
// who gets it and the choices: two messages, the one place /siaran says two things to one tap,
// because the copy must be the organizer's message as it is.
func (f broadcastFlow) preview(t *Turn) {
	st := state[bcState](t)
	if st.Copy.Message == 0 && st.Text == "" {
		t.restart(f.Name(), bcWrite)
		f.Prompt(t)
		return
	}
	n, err := t.app.Broadcasts.AudienceSize(t.ctx, st.Aud)
	if err != nil {
		t.fail(err)
		return
	}
	copyReply := t.app.recipientReply(Broadcast{Copy: st.Copy, Text: st.Text, Meetup: st.Meetup}, t.in.UserID, t.s.Profile, st.Survey,
		func(label locales.Text) Button { return t.button(label, "x") })
	t.add(copyReply)
	lim := limitedTo(t.userRole())
	title := ""
	if m := loadMeetupQuiet(t, st.Meetup); m != nil {
		title = m.Title
	}
	q := ""
	if st.Survey != nil {
		q = st.Survey.Question
	}
	audTitle := ""
	if m := loadMeetupQuiet(t, st.Aud.Meetup); m != nil {
		audTitle = m.Title
	}
	lines := []locales.Text{locales.Msg("bc.preview", "Count", n), t.app.audienceLabel(st.Aud, audTitle)}
	if lim != "" {
		lines = append(lines, locales.Msg("bc.preview_limited", "Province", t.provinceName(lim)))
	}
	if title != "" {
		lines = append(lines, locales.Msg("bc.preview_meetup", "Title", title))
	}
	if q != "" {
		lines = append(lines, locales.Msg("bc.preview_survey", "Question", q))
	}
	t.say(locales.Lines(lines...),
		[]Button{t.button(locales.Msg("bc.btn_send_now"), "send"), t.button(locales.Msg("bc.btn_schedule"), "when")},
		[]Button{t.button(locales.Msg("bc.btn_cancel"), "cancel")})
}

// confirm makes the job: now (at zero) or at a time. The role is read afresh for this update, so a
// panitia whose role was narrowed meanwhile cannot send beyond it.
func (f broadcastFlow) confirm(t *Turn, at time.Time) {
	st := state[bcState](t)
	r := t.userRole()
	if st.Copy.Message == 0 && st.Text == "" {
		t.restart(f.Name(), bcWrite)
		f.Prompt(t)
		return
	}
	if !audienceAllowed(r, st.Aud) {
		t.say(locales.Msg("bc.province_not_yours", "Province", t.provinceName(limitedTo(r))))
		t.goTo(bcAud)
		return
	}
	if st.Aud.Kind == AudMeetup && t.coveredMeetup(st.Aud.Meetup) == nil {
		return
	}
	if st.Meetup != "" && t.coveredMeetup(st.Meetup) == nil {
		return
	}
	zone := f.zone(t)
	b := Broadcast{
		ID: BroadcastID(NextOp(t.ctx), t.in.Now), Organizer: t.in.UserID, Lang: t.res.Lang, Copy: st.Copy, Text: st.Text,
		Audience: st.Aud, Meetup: st.Meetup, Survey: st.Survey != nil, SendAt: at, Zone: zone.Code,
	}
	if at.IsZero() {
		b.Progress = t.in.MessageID // the preview's message becomes the progress
	}
	if st.Survey != nil {
		// Results are shown to the organizers who cover the audience's province ("" for a national one).
		st.Survey.Province = st.Aud.Province
		if err := t.app.Broadcasts.SaveSurvey(t.ctx, b.ID, *st.Survey); err != nil {
			t.fail(err)
			return
		}
	}
	saved, err := t.app.Broadcasts.CreateBroadcast(t.ctx, b, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	t.restart("", "")
	if saved.State == BcScheduled {
		t.say(locales.Lines(locales.Msg("bc.scheduled", "When", locales.FormatDateTime(saved.SendAt.In(zone.Zone), t.res.Lang, zone.ZoneName)),
			t.app.audienceLabel(saved.Audience, "")),
			[]Button{bcGlobalButton(locales.Msg("bc.btn_cancel_schedule"), "stop", saved.ID)},
			[]Button{bcGlobalButton(locales.Msg("bc.btn_list"), "list", "")})
		return
	}
	rp := t.app.BroadcastProgress(saved, t.in.Now)
	rp.Edit = t.in.MessageID != 0
	t.add(rp)
}
