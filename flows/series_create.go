package flows

import (
	"fmt"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/locales"
)

// createSeries is /buatworkshop: a panitia creates an online workshop series, one question at a
// time — title, trainer, link, zone, schedule (a cron spec or "setiap Rabu pukul 19.00"), first and
// last date — then saves it. A schedule that is no schedule is refused with what is wrong in it.
type createSeries struct{}

type seriesState struct {
	Title   string `json:"t,omitempty"`
	Trainer string `json:"tr,omitempty"`
	Link    string `json:"l,omitempty"`
	Zone    string `json:"z,omitempty"`
	Spec    string `json:"s,omitempty"`
	From    string `json:"f,omitempty"`
	To      string `json:"to,omitempty"`
}

const (
	stWcTitle   = "title"
	stWcTrainer = "trainer"
	stWcLink    = "link"
	stWcZone    = "zone"
	stWcSpec    = "spec"
	stWcFrom    = "from"
	stWcTo      = "to"
	stWcConfirm = "confirm"

	wcTitleMax   = 80
	wcTrainerMax = 80
	wcLinkMax    = 300
	wcMaxDays    = 366
)

func (createSeries) Name() string        { return "wc" }
func (createSeries) Entries() []Entry    { return []Entry{{Command: "buatworkshop"}} }
func (createSeries) Role() Need          { return NeedOrganizer }
func (createSeries) State() any          { return new(seriesState) }
func (createSeries) enabled(a *App) bool { return a.Series != nil }

func (c createSeries) Start(t *Turn, _ Entry, _ string) {
	t.restart(c.Name(), stWcTitle)
	c.Prompt(t)
}

func (c createSeries) Prompt(t *Turn) {
	st := state[seriesState](t)
	cancel := []Button{t.button(locales.Msg("btn.ws_cancel"), "cancel")}
	switch t.s.Conv.Step {
	case stWcTitle:
		t.say(locales.Msg("ws.ask_title"), cancel)
	case stWcTrainer:
		t.say(locales.Msg("ws.ask_trainer"), cancel)
	case stWcLink:
		t.say(locales.Msg("ws.ask_link"), cancel)
	case stWcZone:
		t.say(locales.Msg("ws.ask_zone"), []Button{t.button(locales.Raw("WIB"), "zone", "WIB"),
			t.button(locales.Raw("WITA"), "zone", "WITA"), t.button(locales.Raw("WIT"), "zone", "WIT")}, cancel)
	case stWcSpec:
		t.say(locales.Msg("ws.ask_spec", "Zone", st.Zone), cancel)
	case stWcFrom:
		t.say(locales.Msg("ws.ask_from"), cancel)
	case stWcTo:
		t.say(locales.Msg("ws.ask_to"), cancel)
	case stWcConfirm:
		s := st.series(0)
		next := s.Sessions(t.in.Now, 3)
		var when []string
		for _, n := range next {
			when = append(when, locales.FormatDateTime(n, t.res.Lang, st.Zone))
		}
		t.say(locales.Msg("ws.preview", "Title", st.Title, "Trainer", st.Trainer, "Link", st.Link,
			"Spec", st.Spec, "Zone", st.Zone, "From", wcDay(st.From, t.res.Lang), "To", wcDay(st.To, t.res.Lang),
			"Next", strings.Join(when, "\n")),
			[]Button{t.button(locales.Msg("btn.ws_save"), "save")}, cancel)
	default:
		t.startOver()
	}
}

func (c createSeries) Text(t *Turn, text string) {
	st := state[seriesState](t)
	switch t.s.Conv.Step {
	case stWcTitle:
		if n := utf8.RuneCountInString(text); n < 3 || n > wcTitleMax {
			t.say(locales.Msg("ws.bad_title", "Max", wcTitleMax), c.cancelRow(t))
			return
		}
		st.Title = text
		t.goTo(stWcTrainer)
	case stWcTrainer:
		if n := utf8.RuneCountInString(text); n < 2 || n > wcTrainerMax {
			t.say(locales.Msg("ws.bad_trainer", "Max", wcTrainerMax), c.cancelRow(t))
			return
		}
		st.Trainer = text
		t.goTo(stWcLink)
	case stWcLink:
		u, err := url.Parse(text)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(text) > wcLinkMax {
			t.say(locales.Msg("ws.bad_link"), c.cancelRow(t))
			return
		}
		st.Link = text
		t.goTo(stWcZone)
	case stWcZone:
		z := strings.ToUpper(text)
		if ZoneOf(z) == nil {
			t.say(locales.Msg("ws.bad_zone"))
			c.Prompt(t)
			return
		}
		st.Zone = z
		t.goTo(stWcSpec)
	case stWcSpec:
		spec, err := ParseSchedule(text)
		if err != nil {
			t.say(specProblem(err, text), c.cancelRow(t))
			return
		}
		st.Spec = spec
		t.goTo(stWcFrom)
	case stWcFrom, stWcTo:
		day, ok := mkParseDay(text)
		if !ok {
			t.say(locales.Msg("ws.bad_date"), c.cancelRow(t))
			return
		}
		if t.s.Conv.Step == stWcFrom {
			today := t.in.Now.In(ZoneOf(st.Zone)).Format("2006-01-02")
			if day < today {
				t.say(locales.Msg("ws.date_past"), c.cancelRow(t))
				return
			}
			st.From = day
			t.goTo(stWcTo)
			return
		}
		if day < st.From {
			t.say(locales.Msg("ws.to_before_from"), c.cancelRow(t))
			return
		}
		if dayCount(st.From, day) > wcMaxDays {
			t.say(locales.Msg("ws.too_long", "Max", wcMaxDays), c.cancelRow(t))
			return
		}
		st.To = day
		if len(st.series(0).Sessions(t.in.Now, 1)) == 0 {
			st.To = ""
			t.say(locales.Msg("ws.no_sessions"), c.cancelRow(t))
			return
		}
		t.goTo(stWcConfirm)
	default:
		t.say(locales.Msg("ws.use_buttons"))
		c.Prompt(t)
	}
}

func (c createSeries) Tap(t *Turn, b Tap) {
	st := state[seriesState](t)
	switch {
	case b.Action == "cancel":
		t.organizerDone(locales.Msg("ws.create_cancelled"))
	case b.Action == "zone" && t.s.Conv.Step == stWcZone && ZoneOf(b.Arg) != nil:
		st.Zone = b.Arg
		t.goTo(stWcSpec)
	case b.Action == "save" && t.s.Conv.Step == stWcConfirm:
		c.save(t)
	default:
		t.stale()
	}
}

// cancelRow is the way out of a question re-asked after a wrong answer.
func (createSeries) cancelRow(t *Turn) []Button {
	return []Button{t.button(locales.Msg("btn.ws_cancel"), "cancel")}
}

// save creates the series under an id made of its title and of this update, so a re-run of the same
// update saves the same series once.
func (c createSeries) save(t *Turn) {
	st := state[seriesState](t)
	h := fnv.New32a()
	fmt.Fprintf(h, "%d/%d", t.in.UserID, t.in.UpdateID)
	s := st.series(t.in.UserID)
	s.ID = mkSlug(st.Title, 30) + "-" + strconv.FormatUint(uint64(h.Sum32()%(36*36*36*36)), 36)
	if _, err := ParseSchedule(s.Spec); err != nil || s.End().IsZero() {
		t.startOver()
		return
	}
	ok, err := t.app.Series.CreateSeries(t.ctx, s)
	if err != nil {
		t.fail(err)
		return
	}
	if !ok {
		t.fail(fmt.Errorf("series id %s taken", s.ID))
		return
	}
	t.organizerDone(locales.Msg("ws.saved", "Title", s.Title))
}

func (st *seriesState) series(by int64) Series {
	return Series{Title: st.Title, Trainer: st.Trainer, Link: st.Link, Zone: st.Zone, Spec: st.Spec,
		From: st.From, To: st.To, CreatedBy: by}
}

func dayCount(from, to string) int {
	a, err1 := time.Parse("2006-01-02", from)
	b, err2 := time.Parse("2006-01-02", to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

// specProblem says what is wrong with a schedule, naming the field and what it may be.
func specProblem(err error, text string) locales.Text {
	var se *SpecError
	if e, ok := err.(*SpecError); ok {
		se = e
	}
	if se == nil || se.Field == "" {
		return locales.Msg("ws.bad_spec", "Text", text)
	}
	switch se.Field {
	case "minute":
		return locales.Msg("ws.bad_spec_minute", "Value", se.Value)
	case "hour":
		return locales.Msg("ws.bad_spec_hour", "Value", se.Value)
	case "day":
		return locales.Msg("ws.bad_spec_day", "Value", se.Value)
	case "month":
		return locales.Msg("ws.bad_spec_month", "Value", se.Value)
	}
	return locales.Msg("ws.bad_spec_weekday", "Value", se.Value)
}

// wcDay writes a stored day ("2027-03-01") as people read it: "Senin, 1 Maret 2027".
func wcDay(day string, lang locales.Lang) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return locales.FormatDate(d, lang)
}
