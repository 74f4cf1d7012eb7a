package flows

import (
	"github.com/alumnibot/alumnibot/locales"
)

// workshops is /workshop: the online workshop series with their next sessions; an alumnus subscribes
// to one to be reminded before each session, with its link. The list is edited in place after a tap.
type workshops struct{ noState }

const (
	stepWsList      = "list"
	wsMaxSeries     = 4 // a list within the 1,000 characters of a message
	wsTitleInLine   = 50
	wsTrainerInLine = 40
	wsTitleInButton = 28
)

func (workshops) Name() string        { return "ws" }
func (workshops) Entries() []Entry    { return []Entry{{Command: "workshop"}} }
func (workshops) Role() Need          { return NeedAlumnus }
func (workshops) enabled(a *App) bool { return a.Series != nil }

func (w workshops) Start(t *Turn, _ Entry, _ string) {
	t.restart(w.Name(), stepWsList)
	w.Prompt(t)
}

func (w workshops) Prompt(t *Turn) { w.show(t) }

func (w workshops) Text(t *Turn, _ string) {
	t.say(locales.Msg("ws.use_buttons"))
	w.show(t)
}

func (w workshops) Tap(t *Turn, b Tap) {
	switch b.Action {
	case "sub", "unsub":
		s := w.load(t, b.Arg)
		if s == nil {
			return
		}
		on := b.Action == "sub"
		if err := t.app.Series.Subscribe(t.ctx, s.ID, t.in.UserID, on); err != nil {
			t.fail(err)
			return
		}
		t.s.Conv.Nonce++
		if on { // the list, edited, says so at its top: one message per tap
			w.show(t, locales.Msg("ws.subscribed", "Title", s.Title, "Before", int(s.Reminder().Minutes())))
		} else {
			t.res.Notice = locales.Msg("ws.unsubscribed_short")
			w.show(t)
		}
		t.editLast()
	default:
		t.stale()
	}
}

// load reads a series that is not over; otherwise says so and shows the list.
func (w workshops) load(t *Turn, id string) *Series {
	s, err := t.app.Series.Series(t.ctx, id)
	if err != nil {
		t.fail(err)
		return nil
	}
	if s == nil || !s.End().After(t.in.Now) {
		t.say(locales.Msg("ws.gone"))
		w.Start(t, Entry{}, "")
		return nil
	}
	return s
}

// unsubscribe is the "Berhenti ikuti" button of a session reminder.
func (w workshops) unsubscribe(t *Turn, id string) {
	s := w.load(t, id)
	if s == nil {
		return
	}
	if err := t.app.Series.Subscribe(t.ctx, s.ID, t.in.UserID, false); err != nil {
		t.fail(err)
		return
	}
	t.say(locales.Msg("ws.unsubscribed", "Title", s.Title),
		[]Button{RemindButton(locales.Msg("btn.ws_list"), "ws", "")})
}

// show lists the series not over, with their next session and a button each, under head if given.
func (w workshops) show(t *Turn, head ...locales.Text) {
	list, err := t.app.Series.SeriesEndingAfter(t.ctx, t.in.Now, 50)
	if err != nil {
		t.fail(err)
		return
	}
	lines := head
	if len(head) > 0 {
		lines = append(lines, locales.Text{})
	}
	lines = append(lines, locales.Msg("ws.title"))
	var kb [][]Button
	n := 0
	// Sessions are online: each is shown at the alumnus's own clock, as its reminder will say it.
	loc, zone := pengingat{}.zone(t)
	for _, s := range list {
		next := s.Sessions(t.in.Now, 1)
		if len(next) == 0 {
			continue
		}
		if n == wsMaxSeries {
			break
		}
		n++
		sub, err := t.app.Series.Subscribed(t.ctx, s.ID, t.in.UserID)
		if err != nil {
			t.fail(err)
			return
		}
		lines = append(lines, locales.Msg("ws.item", "Title", cut(s.Title, wsTitleInLine), "Trainer", cut(s.Trainer, wsTrainerInLine),
			"Next", locales.FormatDateTime(next[0].In(loc), t.res.Lang, zone), "Subscribed", sub))
		label := locales.Msg("btn.ws_sub", "Title", cut(s.Title, wsTitleInButton))
		action := "sub"
		if sub {
			label, action = locales.Msg("btn.ws_unsub", "Title", cut(s.Title, wsTitleInButton)), "unsub"
		}
		kb = append(kb, []Button{t.button(label, action, s.ID)})
	}
	if n == 0 {
		lines = append(lines, locales.Msg("ws.none"))
	}
	kb = append(kb, homeButtons(t)...)
	t.say(locales.Lines(lines...), kb...)
}
