package flows

import (
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// What an announcement's recipients and its organizer get while it is sent, and the buttons that work
// outside any conversation: "Hentikan" on the organizer's progress ("bx"), and "Aku ikut" on the
// recipients' copy ("bj").

// BroadcastReply is one recipient's copy of an announcement: the organizer's message with the survey's
// answer buttons (signed for this recipient) and, for an attached meetup, "Aku ikut" — or, for
// someone not onboarded, a link that opens the meetup in the bot. p is the recipient's profile (nil
// if none); sv the survey (nil if none).
func (a *App) BroadcastReply(b Broadcast, to int64, p *Profile, sv *Survey) (Reply, locales.Lang) {
	lang := b.Lang
	if p != nil && p.Lang != "" {
		lang = p.Lang
	}
	return a.recipientReply(b, to, p, sv, nil), lang
}

// recipientReply builds the copy; preview, when set, makes every button an inert one of the preview.
func (a *App) recipientReply(b Broadcast, to int64, p *Profile, sv *Survey, preview func(locales.Text) Button) Reply {
	var kb [][]Button
	if sv != nil {
		kb = a.SurveyButtons(to, b.ID, *sv)
		if preview != nil {
			for _, row := range kb {
				for i := range row {
					row[i] = preview(row[i].Text)
				}
			}
		}
	}
	if b.Meetup != "" {
		join := Button{Text: locales.Msg("bc.btn_join"), Data: joinFlow{}.Name() + ":0:join:" + b.Meetup}
		switch {
		case preview != nil:
			join = preview(join.Text)
		case p == nil && a.BotUsername != "":
			join = Button{Text: locales.Msg("bc.btn_join"), URL: ShareLink(a.BotUsername, b.Meetup)}
		case p == nil:
			join = Button{}
		}
		if join.Data != "" || join.URL != "" {
			kb = append(kb, []Button{join})
		}
	}
	if b.Copy.Message == 0 {
		return Reply{Text: locales.Raw(b.Text), Buttons: kb}
	}
	c := b.Copy
	return Reply{Copy: &c, Buttons: kb}
}

// BroadcastProgress is the organizer's progress message of a job: the figures, when it should be
// done, and "Hentikan"; once it is over, the summary.
func (a *App) BroadcastProgress(b Broadcast, now time.Time) Reply {
	lang := b.Lang
	z := a.broadcastZone(b)
	failed := b.Failed + b.NotFound
	switch b.State {
	case BcDone:
		return Reply{Text: locales.Msg("bc.summary_done", "Sent", b.Sent, "Total", b.Total, "Failed", failed, "Blocked", b.Blocked),
			Buttons: [][]Button{{bcGlobalButton(locales.Msg("bc.btn_list"), "list", "")}}}
	case BcStopped:
		if b.Started.IsZero() && b.Settled() == 0 { // stopped before it started: a schedule cancelled
			return Reply{Text: locales.Msg("bc.summary_cancelled"),
				Buttons: [][]Button{{bcGlobalButton(locales.Msg("bc.btn_list"), "list", "")}}}
		}
		return Reply{Text: locales.Msg("bc.summary_stopped", "Sent", b.Sent, "Total", b.Total, "Failed", failed,
			"Blocked", b.Blocked, "Unsent", max(b.Total-b.Sent-failed-b.Blocked, 0)),
			Buttons: [][]Button{{bcGlobalButton(locales.Msg("bc.btn_list"), "list", "")}}}
	}
	eta := ""
	if settled := b.Settled(); settled > 0 && !b.Started.IsZero() && b.Total > settled {
		if took := now.Sub(b.Started); took > 0 {
			left := time.Duration(float64(took) * float64(b.Total-settled) / float64(settled))
			eta = locales.FormatTime(now.Add(left).In(z.Zone), lang) + " " + z.ZoneName
		}
	}
	return Reply{Text: locales.Msg("bc.progress", "State", b.State, "Sent", b.Sent, "Total", b.Total,
		"Failed", failed, "Blocked", b.Blocked, "ETA", eta),
		Buttons: [][]Button{{bcGlobalButton(locales.Msg("bc.btn_stop"), "stop", b.ID)}}}
}

// bcGlobalButton is a button of the organizer's announcement messages: "bx:0:<action>:<broadcast>".
func bcGlobalButton(label locales.Text, action, bc string) Button {
	return Button{Text: label, Data: broadcastButtons{}.Name() + ":0:" + action + ":" + bc}
}

// broadcastButtons handles the buttons of the organizer's progress and scheduling messages, which
// stay on screen long after the conversation moved on: stop an announcement, open /siaran's list.
// The router checks the role; the job's audience is checked here against it.
type broadcastButtons struct{ noState }

func (broadcastButtons) Name() string               { return "bx" }
func (broadcastButtons) Entries() []Entry           { return nil }
func (broadcastButtons) Role() Need                 { return NeedOrganizer }
func (broadcastButtons) enabled(a *App) bool        { return a.Broadcasts != nil }
func (broadcastButtons) global()                    {}
func (broadcastButtons) Start(*Turn, Entry, string) {}
func (broadcastButtons) Prompt(t *Turn)             { t.startOver() }
func (broadcastButtons) Text(t *Turn, _ string)     { t.startOver() }

func (broadcastButtons) Tap(t *Turn, b Tap) {
	switch b.Action {
	case "list":
		t.enter(broadcastFlow{}, bcList)
	case "stop":
		job, err := t.app.Broadcasts.Broadcast(t.ctx, b.Arg)
		if err != nil {
			t.fail(err)
			return
		}
		if job == nil || !audienceAllowed(t.userRole(), job.Audience) {
			t.res.Notice = locales.Msg("bc.not_yours")
			if t.current() != nil { // a forged or foreign button: the conversation goes on
				t.prompt()
				return
			}
			t.enter(broadcastFlow{}, bcList)
			return
		}
		if !job.Over() {
			if job, err = t.app.Broadcasts.StopBroadcast(t.ctx, job.ID, t.in.Now); err != nil || job == nil {
				t.fail(err)
				return
			}
			t.res.Notice = locales.Msg("bc.stopped_toast")
		}
		rp := t.app.BroadcastProgress(*job, t.in.Now)
		rp.Edit = true
		t.add(rp)
	default:
		t.stale()
	}
}

// joinFlow is "Aku ikut" on an announcement with a meetup: one tap takes a seat (or a place on the
// waiting list) and answers with the ticket, as the meetup's own page does.
type joinFlow struct{ noState }

func (joinFlow) Name() string               { return "bj" }
func (joinFlow) Entries() []Entry           { return nil }
func (joinFlow) Role() Need                 { return NeedAlumnus }
func (joinFlow) enabled(a *App) bool        { return a.Meetups != nil }
func (joinFlow) global()                    {}
func (joinFlow) Start(*Turn, Entry, string) {}
func (joinFlow) Prompt(t *Turn)             { t.startOver() }
func (joinFlow) Text(t *Turn, _ string)     { t.startOver() }

func (joinFlow) Tap(t *Turn, b Tap) {
	if b.Action != "join" {
		t.stale()
		return
	}
	m := loadMeetup(t, b.Arg)
	if m == nil {
		return
	}
	seat, err := t.app.Meetups.Reserve(t.ctx, m.ID, t.in.UserID, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	meetups{}.seatAnswer(t, m, seat, false)
}
