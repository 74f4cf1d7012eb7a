package flows

import (
	"context"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// Privacy is where an alumnus's personal data is erased (UU 27/2022); store.Store is one. Reading it
// out is the transport's (the /datasaya file is rendered when it is sent, attach/).
type Privacy interface {
	// EraseUser takes away every record naming the user but their profile and conversation: the
	// commit deletes the profile (the flow ends without one) and Forget the conversation, once the
	// last reply went out (Result.Forget).
	EraseUser(ctx context.Context, user int64, now time.Time) error
}

// privacy is /datasaya (a file of everything kept about the user) and /hapusdata (erase it all,
// after a confirmation). Both work for anyone: a user who never finished onboarding has records too.
type privacy struct{ noState }

// Steps of /hapusdata.
const pdConfirm = "confirm" // the consequences, with "Ya, hapus semua" and "Batal"

func (privacy) Name() string { return "pd" }
func (privacy) Entries() []Entry {
	return []Entry{{Command: "datasaya"}, {Command: "hapusdata"}}
}
func (privacy) Role() Need          { return NeedAnyone }
func (privacy) enabled(a *App) bool { return a.Privacy != nil }

func (p privacy) Start(t *Turn, e Entry, _ string) {
	if e.Command == "datasaya" {
		t.restart("", "")
		t.add(Reply{Text: locales.Msg("pd.export_caption"), File: &Attachment{Kind: FileMyData, Alumnus: t.in.UserID},
			Buttons: append(homeButtons(t), goRow(t, locales.Msg("pd.btn_erase"), "hapusdata")...)})
		return
	}
	t.restart(p.Name(), pdConfirm)
	p.Prompt(t)
}

func (privacy) Prompt(t *Turn) {
	t.say(locales.Msg("pd.ask_erase"), []Button{
		t.button(locales.Msg("pd.btn_erase_yes"), "erase"),
		t.button(locales.Msg("pd.btn_keep"), "keep"),
	})
}

// Text: only the button erases; a typed "hapus" is taken as the same, anything else asks again, saying
// how to go on.
func (p privacy) Text(t *Turn, text string) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "hapus", "hapus semua", "delete":
		p.erase(t)
		return
	}
	if yes, ok := yesNo(text); ok && !yes {
		p.keep(t)
		return
	}
	t.say(locales.Msg("pd.erase_use_buttons"), []Button{
		t.button(locales.Msg("pd.btn_erase_yes"), "erase"),
		t.button(locales.Msg("pd.btn_keep"), "keep"),
	})
}

func (p privacy) Tap(t *Turn, b Tap) {
	switch b.Action {
	case "erase":
		t.editLast()
		p.erase(t)
	case "keep":
		p.keep(t)
	default:
		t.stale()
	}
}

func (privacy) keep(t *Turn) {
	t.restart("", "")
	t.say(locales.Msg("pd.kept"), homeButtons(t)...)
}

// erase takes everything away and says so in the user's language, which is read before the profile
// goes. The reply offers a fresh start: the only way on for someone the bot no longer knows.
func (privacy) erase(t *Turn) {
	if err := t.app.Privacy.EraseUser(t.ctx, t.in.UserID, t.in.Now); err != nil {
		t.fail(err)
		return
	}
	t.s.Profile = nil
	t.restart("", "")
	t.res.Forget = true
	t.say(locales.Msg("pd.erased"), goRow(t, locales.Msg("pd.btn_start_again"), "start")...)
}

// goRow is a row of one home button, or none when its command is not enabled.
func goRow(t *Turn, label locales.Text, cmd string) [][]Button {
	if b, ok := goButton(t, label, cmd); ok {
		return [][]Button{{b}}
	}
	return nil
}
