package flows

import "github.com/alumnibot/alumnibot/locales"

// remindButtons handles the buttons of reminders, which arrive whenever they arrive and so work
// outside any conversation: "rm:0:<action>:<arg>". Each is checked against the store when pressed:
// "Tidak jadi ikut" asks before giving up a seat the alumnus holds, and frees it through the RSVP
// cancel (the waiting list moves on and its first alumnus is offered the seat by the notices).
type remindButtons struct{ noState }

func (remindButtons) Name() string               { return "rm" }
func (remindButtons) Entries() []Entry           { return nil }
func (remindButtons) Role() Need                 { return NeedAlumnus }
func (remindButtons) global()                    {}
func (remindButtons) Start(*Turn, Entry, string) {}
func (remindButtons) Prompt(t *Turn)             { t.startOver() }
func (remindButtons) Text(t *Turn, _ string)     { t.startOver() }

func (remindButtons) Tap(t *Turn, b Tap) {
	switch {
	case b.Action == "cx" && t.app.Meetups != nil:
		tickets{}.askCancel(t, b.Arg) // "Ya, batalkan" then frees the seat
	case b.Action == "prefs" && t.app.Reminders != nil:
		pengingat{}.Start(t, Entry{Command: "pengingat"}, "")
	case b.Action == "ws" && t.app.Series != nil:
		workshops{}.Start(t, Entry{Command: "workshop"}, "")
	case b.Action == "unsub" && t.app.Series != nil:
		workshops{}.unsubscribe(t, b.Arg)
	default:
		t.stale()
	}
}

// RemindButton is a reminder's button: "rm:0:<action>:<arg>".
func RemindButton(label locales.Text, action, arg string) Button {
	return Button{Text: label, Data: remindButtons{}.Name() + ":0:" + action + ":" + arg}
}
