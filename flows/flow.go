package flows

import (
	"encoding/json"
	"reflect"
	"strings"
)

// Flow is one conversation: how it is entered, who may use it, and how it prompts and answers.
// The router (router.go) finds the flow of every input and checks Role before any of its methods
// runs, for commands, typed answers and button presses alike.
//
// Two optional methods: enabled(*App) bool for a flow that needs a part of App that may be nil (the
// router then answers its commands as unknown), and global() for a flow whose buttons work outside
// any conversation (globalFlow).
type Flow interface {
	// Name identifies the conversation in Conv.Flow and is the prefix of its buttons' callback data,
	// so it is short: "ev", "mk".
	Name() string
	// Entries are the commands and /start payload prefixes that start the flow.
	Entries() []Entry
	// Role is what the user must be for any input to reach the flow.
	Role() Need
	// State returns a pointer to a new zero value of the flow's state, or nil for a flow without
	// one. The router decodes Conv.State into it before the flow runs and encodes it after.
	State() any
	// Start begins the flow from one of its entries. arg is what follows the command, or the rest of
	// the /start payload after the entry's prefix.
	Start(t *Turn, e Entry, arg string)
	// Prompt asks the current step's question again, with fresh buttons.
	Prompt(t *Turn)
	// Text handles a typed answer (trimmed) to the current step.
	Text(t *Turn, text string)
	// Tap handles a button of the current prompt: its nonce has been checked.
	Tap(t *Turn, b Tap)
}

// Need is what a user must be to use a flow.
type Need int

// Needs, from the least to the most.
const (
	NeedAnyone    Need = iota // everybody, onboarded or not
	NeedAlumnus               // an onboarded alumnus (with a profile)
	NeedOrganizer             // an organizer (panitia) or super-admin; no alumnus profile needed
	NeedSuper                 // a super-admin from ADMIN_IDS
)

// Entry is one way into a flow: a command, or a /start payload prefix (a deep link).
type Entry struct {
	Command string // without "/": "acara"
	Link    string // a /start payload prefix: "ev_"
}

// globalFlow is implemented by flows whose buttons work outside any conversation (in notices):
// their callback data carries no nonce of the chat's conversation, and the router checks nothing
// but the role before handing the tap over.
type globalFlow interface {
	global()
}

// registry is every conversation of the bot. Adding one is new files and one line here.
var registry = register(
	help{},
	onboarding{},
	profile{},
	meetups{},
	tickets{},
	offers{},
	admin{},
	organizers{},
	checkin{},
	create{},
	reports{},
	privacy{},
	story{},
	moderation{},
	export{},
	home{},
	survey{}, surveyResults{},
	remindButtons{}, pengingat{}, workshops{}, createSeries{},
	broadcastFlow{}, broadcastButtons{}, joinFlow{},
	feedback{}, feedbackComment{}, masukan{}, // feedback after a meetup and /masukan (issue 9)
)

// flowSet is the registry, indexed by what the router looks up.
type flowSet struct {
	all       []Flow
	byName    map[string]Flow
	byCommand map[string]routed
	links     []routed
}

// routed is an entry with its flow.
type routed struct {
	flow  Flow
	entry Entry
}

// register indexes flows by name, command and link prefix. A name, command or link claimed twice
// keeps its first flow; TestRegistryIsUnambiguous makes sure that never happens.
func register(fs ...Flow) flowSet {
	r := flowSet{all: fs, byName: map[string]Flow{}, byCommand: map[string]routed{}}
	for _, f := range fs {
		if _, dup := r.byName[f.Name()]; !dup {
			r.byName[f.Name()] = f
		}
		for _, e := range f.Entries() {
			if e.Command != "" {
				if _, dup := r.byCommand[e.Command]; !dup {
					r.byCommand[e.Command] = routed{f, e}
				}
			}
			if e.Link != "" {
				r.links = append(r.links, routed{f, e})
			}
		}
	}
	return r
}

// flow is the flow of a name; nil for "" and for names of no registered flow.
func (r flowSet) flow(name string) Flow {
	if name == "" {
		return nil
	}
	return r.byName[name]
}

// command is the flow a command starts.
func (r flowSet) command(cmd string) (routed, bool) {
	e, ok := r.byCommand[cmd]
	return e, ok
}

// link is the flow a /start payload opens, with the rest of the payload after the prefix.
func (r flowSet) link(payload string) (routed, string, bool) {
	for _, e := range r.links {
		if arg, ok := strings.CutPrefix(payload, e.entry.Link); ok {
			return e, arg, true
		}
	}
	return routed{}, "", false
}

// decodeState reads a conversation's state into its flow's own type. ok is false when the flow is
// unknown or the state does not decode (a state from another version of the bot).
func decodeState(c Conv) (Flow, any, bool) {
	f := registry.flow(c.Flow)
	if f == nil {
		return nil, nil, false
	}
	if _, isGlobal := f.(globalFlow); isGlobal {
		return nil, nil, false // global buttons never make a conversation
	}
	st := f.State()
	if st == nil || len(c.State) == 0 {
		return f, st, true
	}
	if err := json.Unmarshal(c.State, st); err != nil {
		return nil, nil, false
	}
	return f, st, true
}

// encodeState is the JSON of a conversation's state; nil when there is nothing to keep. A state of
// another type than the flow's (a flow that wrote another's) is dropped rather than kept unreadable.
func encodeState(f Flow, st any) (json.RawMessage, error) {
	if f == nil || st == nil {
		return nil, nil
	}
	if want := f.State(); want == nil || reflect.TypeOf(want) != reflect.TypeOf(st) {
		return nil, nil
	}
	raw, err := json.Marshal(st)
	if err != nil || string(raw) == "{}" {
		return nil, err
	}
	return raw, nil
}

// state is the typed state of the turn's conversation, made on first use. A flow asks for its own
// type only; a conversation that has just been restarted starts from the zero value.
func state[S any](t *Turn) *S {
	if s, ok := t.st.(*S); ok {
		return s
	}
	s := new(S)
	t.st = s
	return s
}

// noState is embedded by flows that keep no state between inputs.
type noState struct{}

func (noState) State() any { return nil }
