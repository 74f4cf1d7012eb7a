package flows

import "github.com/alumnibot/alumnibot/locales"

// offers handles the buttons of notices sent outside any conversation, such as a freed seat offered
// to a waitlisted alumnus: "g:0:<action>:<meetup>". They carry no nonce of the chat's conversation;
// each is checked against the store instead (an offer that ran out cannot be claimed).
type offers struct{ noState }

func (offers) Name() string               { return "g" }
func (offers) Entries() []Entry           { return nil }
func (offers) Role() Need                 { return NeedAlumnus }
func (offers) enabled(a *App) bool        { return a.Meetups != nil }
func (offers) global()                    {}
func (offers) Start(*Turn, Entry, string) {}
func (offers) Prompt(t *Turn)             { t.startOver() }
func (offers) Text(t *Turn, _ string)     { t.startOver() }

func (offers) Tap(t *Turn, b Tap) {
	switch b.Action {
	case "open":
		meetups{}.showDetail(t, b.Arg, false)
	case "claim":
		meetups{}.claim(t, b.Arg, false)
	default:
		t.stale()
	}
}

// globalButton is a button that works outside any conversation, such as the one in an offer
// notification: "g:0:<action>:<meetup>".
func globalButton(label locales.Text, action, meetup string) Button {
	return Button{Text: label, Data: offers{}.Name() + ":0:" + action + ":" + meetup}
}

// GlobalButton is globalButton for other packages' messages (offer notifications).
func GlobalButton(label locales.Text, action, meetup string) Button {
	return globalButton(label, action, meetup)
}
