// Package flows holds every conversation of alumnibot and the engine that applies one input to one
// chat's session.
//
// A step takes the current Session and one Input and returns the next Session and the Replies to
// say; it does no I/O beyond the small interfaces it is given (Meetups, Roles, Grants, Desk,
// TicketChecker, MeetupWriter, Reports). Flows know nothing of Telegram or Redis: bot/ turns updates
// into Inputs and Replies into Bot API calls, store/ persists Sessions. This package may import area
// and locales (and ticket/gcal, a leaf that builds Google Calendar links), never bot or store.
//
// # The registry
//
// Each conversation is a type implementing Flow (flow.go), in its own file(s):
//
//	onboarding.go   onboarding   /start, ref_ links          anyone
//	help.go         help         /bantuan, /help             anyone
//	help.go         home         next-step buttons ("go:")   alumnus
//	profile.go      profile      /profil                     alumnus
//	meetups.go      meetups      /acara, ev_ links           alumnus
//	tickets.go      tickets      /tiket, /batal              alumnus
//	offers.go       offers       buttons of notices ("g:")   alumnus
//	admin.go        admin        /admin                      organizer
//	organizers.go   organizers   from the /admin menu        super-admin
//	checkin.go      checkin      /checkin, ci_ links         organizer
//	create*.go      create       /buatacara                  organizer
//	reports.go      reports      /peserta, /laporan          organizer
//	survey*.go      survey       survey answers ("sv:")      alumnus
//	survey*.go      surveyResults survey results ("svr:")    organizer
//	remind_buttons  rm           buttons of reminders ("rm:") alumnus
//	remind_prefs    pg           /pengingat                  alumnus
//	series_flow     ws           /workshop                   alumnus
//	series_create   wc           /buatworkshop               organizer
//	story*.go       story        /cerita, long idle messages alumnus
//	moderation.go   moderation   /moderasi                   organizer
//	export.go       export       /ekspor                     organizer
//	broadcast*.go   broadcastFlow /siaran                    organizer
//	broadcast_send.go broadcastButtons, joinFlow: "bx:" (stop, list; organizer), "bj:" (Aku ikut; alumnus)
//	feedback.go     feedback     rating buttons ("fb:")      alumnus
//	feedback_comment.go feedbackComment  the comment after a rating  alumnus
//	masukan.go      masukan      /masukan                    alumnus
//
// All are listed once, in `var registry` (flow.go). The router (router.go, App.Step) maps a command
// to the flow whose Entry it is, a /start payload to the flow of its prefix, a button to the flow its
// callback data names ("<flow>:<nonce>:<action>[:<arg>]"), and text to the chat's current flow, and it
// checks the flow's Role (permit) before any of the flow's methods runs: for commands, typed answers
// and button presses alike, so a forged organizer button changes nothing.
//
// A flow's state is its own struct. Conv keeps the flow's name, its step (a name that means
// something only within that flow), the nonce, and State, the struct's JSON; the router decodes it
// into the flow's type before the flow runs and encodes it after, and a state that does not decode
// (an older version of the bot left it) ends the conversation cleanly. A flow reads its state with
// state[itsState](t).
//
// Shared helpers: turn.go (Turn: say, restart, goTo, enter, stale), buttons.go (callback
// data, pagination), about.go (the name, area and wave questions of onboarding and profile),
// organizer.go (the meetups an organizer's role covers).
//
// # Effects once
//
// A step may run more than once for one update: the engine retries it after a version conflict (a
// second replica applied an input of the chat first), and Telegram redelivers an update whose
// commit a crash prevented. The engine gives each attempt a context that numbers the store calls
// which change something (ops.go); the store keeps the first outcome under that id and returns it
// again, so a re-run has the same effects and gives the same answer. A step therefore decides its
// answer from what its effectful calls return, not from reads made around them.
//
// # Adding a conversation
//
// Say a /cerita flow where alumni share a success story. Add cerita.go:
//
//	// story is /cerita: an alumnus tells their success story.
//	type story struct{}
//
//	type storyState struct {
//		Text string `json:"text,omitempty"`
//	}
//
//	const (
//		stWrite   = "write"
//		stConfirm = "confirm"
//	)
//
//	func (story) Name() string     { return "st" } // also the buttons' prefix: short
//	func (story) Entries() []Entry { return []Entry{{Command: "cerita"}} }
//	func (story) Role() Need       { return NeedAlumnus }
//	func (story) State() any       { return new(storyState) }
//
//	func (s story) Start(t *Turn, _ Entry, _ string) { t.restart(s.Name(), stWrite); s.Prompt(t) }
//	func (story) Prompt(t *Turn)                     { ... ask for the current step ... }
//	func (story) Text(t *Turn, text string)          { state[storyState](t).Text = text; t.goTo(stConfirm) }
//	func (story) Tap(t *Turn, b Tap)                 { ... b.Action == "send" ... default: t.stale() }
//
// and one line to the registry in flow.go. Nothing else changes: the router, the role check, the
// state's encoding and the fuzz test (fuzz_test.go) pick it up from the registry.
package flows
