package flows

import (
	"context"

	"github.com/alumnibot/alumnibot/locales"
)

// Turn is one App.Step in progress: the input, the session as it changes, what to answer. Flows
// read and change it; they keep nothing of their own between turns but their state.
type Turn struct {
	ctx context.Context
	app *App
	s   Session
	in  Input
	res Result
	err error // the first store error; the step's outcome is then discarded
	st  any   // the current conversation's typed state (a pointer), or nil

	role    Role // read once per turn, when first needed
	roleSet bool
}

// fail records a store error; the engine then apologises and applies nothing.
func (t *Turn) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

func (t *Turn) say(text locales.Text, buttons ...[]Button) {
	t.res.Replies = append(t.res.Replies, Reply{Text: text, Buttons: buttons})
}

// add appends a reply made elsewhere (a keyboard, a file).
func (t *Turn) add(r Reply) { t.res.Replies = append(t.res.Replies, r) }

// editLast turns the last reply into an edit of the message the button was on.
func (t *Turn) editLast() {
	if n := len(t.res.Replies); n > 0 {
		t.res.Replies[n-1].Edit = true
	}
}

func (t *Turn) onboarded() bool { return t.s.Profile != nil }

// current is the flow the chat is in; nil when idle.
func (t *Turn) current() Flow { return registry.flow(t.s.Conv.Flow) }

// restart replaces the conversation by a new one of a flow at a step ("" for idle): older buttons
// become stale and the state starts from zero.
func (t *Turn) restart(flow, step string) {
	t.s.Conv.restart(flow, step)
	t.st = nil
}

// goTo moves the current flow to a step and asks its question; buttons of the previous prompt
// become stale.
func (t *Turn) goTo(step string) {
	t.s.Conv.Step = step
	t.s.Conv.Nonce++
	t.prompt()
}

// enter starts another flow at a step, if the user may use it, and asks its first question.
func (t *Turn) enter(f Flow, step string) {
	if !t.permit(f, KindCommand) {
		return
	}
	t.restart(f.Name(), step)
	f.Prompt(t)
}

// button makes a button that belongs to the conversation's current prompt.
func (t *Turn) button(label locales.Text, action string, arg ...string) Button {
	return t.s.Conv.button(label, action, arg...)
}

// stale answers a button that no longer belongs to the current prompt: say so and show what is current.
func (t *Turn) stale() {
	t.res.Notice = locales.Msg("button.stale_short")
	t.say(locales.Common.Stale)
	switch {
	case t.s.Conv.Flow != "":
		t.prompt()
	case !t.onboarded() && !t.userRole().Organizer: // a panitia without a profile is not asked for one
		onboarding{}.begin(t, "")
	default:
		t.say(locales.Msg("help.text"), homeButtons(t)...)
	}
}

// startOver ends a conversation whose state makes no sense (from an older version of the bot).
func (t *Turn) startOver() {
	t.restart("", "")
	if !t.onboarded() {
		onboarding{}.begin(t, "")
		return
	}
	t.say(locales.Msg("help.text"), homeButtons(t)...)
}

// Roles is where organizer roles are granted; store.Store is one.
type Roles interface {
	OrganizerRole(ctx context.Context, user int64) (Role, error)
}

// userRole is the user's role, looked up afresh on every update (once), so a revoked organizer
// loses access at once and a forged button cannot borrow one.
func (t *Turn) userRole() Role {
	if t.roleSet {
		return t.role
	}
	t.roleSet = true
	switch {
	case t.app.SuperAdmins[t.in.UserID]:
		t.role = Role{Organizer: true, Super: true}
	case t.app.Roles != nil:
		r, err := t.app.Roles.OrganizerRole(t.ctx, t.in.UserID)
		if err != nil {
			t.fail(err)
			return Role{}
		}
		t.role = r
	}
	return t.role
}
