package flows

import (
	"strconv"

	"github.com/alumnibot/alumnibot/locales"
)

// moderation is /moderasi: a panitia pages through the stories waiting for a decision, from the
// provinces their role covers, one at a time, and approves or rejects each (a rejection asks for an
// optional reason, which the author is told). The decision is the store's, atomic: a moderator who
// was beaten to it by another (here or in the moderation chat) is told who decided.
type moderation struct{}

const (
	mdList   = "list"   // one pending story, with its buttons
	mdReason = "reason" // the reason for rejecting State.ID
	mdEmpty  = "empty"  // nothing waiting
	// moderationFetch bounds how many pending stories are read at once.
	moderationFetch = 500
)

type moderationState struct {
	Page int    `json:"p,omitempty"`
	ID   string `json:"id,omitempty"` // the story shown, or being rejected
}

func (moderation) Name() string        { return "md" }
func (moderation) Entries() []Entry    { return []Entry{{Command: "moderasi"}} }
func (moderation) Role() Need          { return NeedOrganizer }
func (moderation) State() any          { return new(moderationState) }
func (moderation) enabled(a *App) bool { return a.Stories != nil }

func (m moderation) Start(t *Turn, _ Entry, _ string) {
	t.restart(m.Name(), mdList)
	m.Prompt(t)
}

// covered lists the pending stories the organizer may decide, the oldest first.
func (moderation) covered(t *Turn) []Story {
	r := t.userRole()
	all, err := t.app.Stories.PendingStories(t.ctx, moderationFetch)
	if err != nil {
		t.fail(err)
		return nil
	}
	out := all[:0]
	for _, s := range all {
		if r.Covers(s.Province) {
			out = append(out, s)
		}
	}
	return out
}

func (m moderation) Prompt(t *Turn) {
	m.show(t, nil)
}

// show shows the current page's story (with head lines above it, such as the outcome of the last
// decision), or says that none is waiting.
func (m moderation) show(t *Turn, head []locales.Text) {
	st := state[moderationState](t)
	if t.s.Conv.Step == mdReason {
		t.say(locales.Lines(append(head, locales.Msg("md.ask_reason", "Max", reasonMax))...),
			[]Button{t.button(locales.Msg("btn.md_no_reason"), "noreason")},
			[]Button{t.button(locales.Msg("btn.md_back"), "back")})
		return
	}
	list := m.covered(t)
	if t.err != nil {
		return
	}
	if len(list) == 0 {
		t.s.Conv.Step, st.ID = mdEmpty, ""
		t.say(locales.Lines(append(head, locales.Msg("md.none"))...),
			[]Button{t.button(locales.Msg("btn.md_refresh"), "pg", "0")},
			[]Button{t.button(locales.Msg("btn.admin_menu"), "menu")})
		return
	}
	t.s.Conv.Step = mdList
	st.Page = clampPage(st.Page, len(list), 1)
	s := list[st.Page]
	st.ID = s.ID
	head = append(head, locales.Msg("md.position", "N", st.Page+1, "Count", len(list), "ID", storyID(s.ID)),
		t.authorLine(s), locales.Text{})
	kb := [][]Button{{t.button(locales.Msg("btn.md_approve"), "ok", s.ID), t.button(locales.Msg("btn.md_reject"), "no", s.ID)}}
	if nav := t.navRow(st.Page, len(list), 1); len(nav) > 0 {
		kb = append(kb, nav)
	}
	kb = append(kb, []Button{t.button(locales.Msg("btn.admin_menu"), "menu")})
	t.add(storyReply(s, head, nil, kb))
}

// authorLine tells moderators who sent a story, from where, and how they allow it to be published.
func (t *Turn) authorLine(s Story) locales.Text {
	where := t.provinceName(s.Province)
	if r, ok := t.app.Atlas.Regency(s.Regency); ok {
		where = r.Name + ", " + where
	}
	switch s.Consent {
	case ConsentNamed:
		return locales.Msg("md.author_named", "Name", s.Name, "Place", where)
	case ConsentAnon:
		return locales.Msg("md.author_anon", "Name", s.Name, "Place", where)
	}
	return locales.Msg("md.author_private", "Name", s.Name, "Place", where)
}

func (m moderation) Text(t *Turn, text string) {
	st := state[moderationState](t)
	if t.s.Conv.Step != mdReason {
		t.say(locales.Msg("md.use_buttons"))
		t.prompt()
		return
	}
	reason := cleanLine(text)
	if n := textLen(reason); n > reasonMax {
		t.say(locales.Msg("md.reason_too_long", "Count", n, "Max", reasonMax))
		t.prompt()
		return
	}
	m.decide(t, st.ID, false, reason)
}

func (m moderation) Tap(t *Turn, b Tap) {
	st := state[moderationState](t)
	switch b.Action {
	case "pg":
		page, ok := pageArg(b.Arg)
		if !ok {
			t.stale()
			return
		}
		st.Page = page
		t.goTo(mdList)
	case "ok":
		m.decide(t, b.Arg, true, "")
	case "no":
		if m.story(t, b.Arg) == nil {
			return
		}
		st.ID = b.Arg
		t.goTo(mdReason)
	case "noreason":
		m.decide(t, st.ID, false, "")
	case "back":
		t.goTo(mdList)
	case "menu":
		admin{}.Start(t, Entry{Command: "admin"}, "")
	default:
		t.stale()
	}
}

// story reads a story the organizer may decide; nil (having said why) when it is gone, decided, or
// from a province the role does not cover — a forged button included.
func (m moderation) story(t *Turn, id string) *Story {
	s, err := t.app.Stories.Story(t.ctx, id)
	if err != nil {
		t.fail(err)
		return nil
	}
	switch {
	case s == nil || !t.userRole().Covers(s.Province):
		m.next(t, locales.Msg("md.not_yours"))
		return nil
	case s.Status != StoryPending:
		m.next(t, decidedBy(*s))
		return nil
	}
	return s
}

// decide approves or rejects story id and shows the next one, with the outcome above it.
func (m moderation) decide(t *Turn, id string, approve bool, reason string) {
	s := m.story(t, id)
	if s == nil {
		return
	}
	d, err := t.app.Stories.DecideStory(t.ctx, id, approve, t.in.UserID, cleanLine(t.in.FirstName), reason, t.in.Now)
	if err != nil {
		t.fail(err)
		return
	}
	m.next(t, decisionText(*s, d))
}

// next shows the story now first on the page, below a line about the one just handled.
func (m moderation) next(t *Turn, head locales.Text) {
	t.s.Conv.Step = mdList
	t.s.Conv.Nonce++
	m.show(t, []locales.Text{head, locales.Text{}})
}

// decisionText says how a decision went: done, or done before by someone else.
func decisionText(s Story, d Decision) locales.Text {
	switch {
	case d.Status == "":
		return locales.Msg("md.not_yours")
	case !d.Won:
		s.Status, s.DecidedName = d.Status, d.ByName
		return decidedBy(s)
	case d.Status == StoryApproved:
		return locales.Msg("md.approved", "ID", storyID(s.ID))
	}
	return locales.Msg("md.rejected", "ID", storyID(s.ID))
}

// decidedBy says who decided a story already, and how.
func decidedBy(s Story) locales.Text {
	name := s.DecidedName
	if name == "" {
		name = strconv.FormatInt(s.DecidedBy, 10)
	}
	if s.Status == StoryApproved {
		return locales.Msg("md.already_approved", "ID", storyID(s.ID), "Name", name)
	}
	return locales.Msg("md.already_rejected", "ID", storyID(s.ID), "Name", name)
}
