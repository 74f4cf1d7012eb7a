package flows

import "github.com/alumnibot/alumnibot/locales"

// offers handles the buttons that work outside any conversation: those of notices (a freed seat
// offered to a waitlisted alumnus), of tickets and of the meetup page's links: "g:0:<action>:<meetup>".
// They carry no nonce of the chat's conversation; each is checked against the store instead (an offer
// that ran out cannot be claimed, a ticket is shown only to who holds the seat).
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
	case "mine":
		tickets{}.mine(t, false)
	case "list":
		meetups{}.showList(t, 0)
	case "qr":
		tickets{}.ticket(t, b.Arg)
	case "ics", "pin", "share":
		m := loadMeetup(t, b.Arg)
		if m == nil {
			return
		}
		switch {
		case b.Action == "ics" && m.Status != MeetupCancelled:
			t.add(Reply{Text: locales.Msg("event.calendar_caption"), File: &Attachment{Kind: FileCalendar, Meetup: m.ID},
				Buttons: [][]Button{{globalButton(locales.Msg("btn.back_meetup"), "open", m.ID)}}})
		case b.Action == "pin" && hasPin(m):
			t.add(pinReply(t.app, m))
		case b.Action == "share" && t.app.BotUsername != "" && m.Status == MeetupPublished:
			t.add(shareReply(t.app, m, t.res.Lang))
		default: // a forged button, or one of a meetup cancelled since
			meetups{}.showDetail(t, m.ID, false)
		}
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
