package flows

import (
	"context"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// The moderation chat (MODERATION_CHAT_ID): a Telegram group where each new story arrives with
// Approve and Reject buttons. Its buttons carry no conversation ("mq:0:<action>:<story>"); every
// press is checked here against the presser's role and the story's province, so a group member who
// is not panitia, or a panitia of another province, changes nothing. Reject asks for a reason: the
// moderator who pressed it replies to the story's message with the reason, or taps "no reason". The
// bot (bot/moderation.go) carries out a GroupResult: a toast, new buttons on the story's message,
// and at most one message in the group.

const moderationGroupFlow = "mq"

// GroupAction is what a member did in the moderation chat: pressed a button of a story's message, or
// replied to one.
type GroupAction struct {
	User      int64
	FirstName string
	LangCode  string
	Data      string // a button's callback data; "" for a reply
	Text      string // a reply's text
	StoryID   string // for a reply: the story of the message replied to
	Now       time.Time
}

// GroupResult is what to do in the moderation chat.
type GroupResult struct {
	Lang    locales.Lang // of Notice: the presser's
	Notice  locales.Text // a toast for the presser (buttons only)
	StoryID string       // the story concerned; "" when the action concerned none
	Rekey   bool         // replace the buttons of the story's message by Buttons
	Buttons [][]Button
	Say     locales.Text // a message to post in the chat (in Indonesian), replying to the story's; empty: none
}

// ModerationButtons are a pending story's buttons in the moderation chat.
func ModerationButtons(id string) [][]Button {
	return [][]Button{{groupButton(locales.Msg("btn.md_approve"), "ok", id), groupButton(locales.Msg("btn.md_reject"), "no", id)}}
}

func groupButton(label locales.Text, action, id string) Button {
	return Button{Text: label, Data: moderationGroupFlow + ":0:" + action + ":" + id}
}

// outcomeButtons show a decided story's outcome in place of its buttons; pressing says who decided.
func outcomeButtons(s Story) [][]Button {
	label := locales.Msg("btn.md_was_rejected", "Name", s.DecidedName)
	if s.Status == StoryApproved {
		label = locales.Msg("btn.md_was_approved", "Name", s.DecidedName)
	}
	return [][]Button{{groupButton(label, "info", s.ID)}}
}

// ModerationMessage is how a new story is shown in the moderation chat: who sent it and from where,
// the story as it would be published, and the decision buttons.
func (a *App) ModerationMessage(s Story) Reply {
	t := &Turn{app: a}
	head := []locales.Text{locales.Msg("md.new", "ID", storyID(s.ID)), t.authorLine(s), locales.Text{}}
	return storyReply(s, head, nil, a.ModerationKeyboard(s))
}

// ModerationKeyboard is a story's buttons in the moderation chat: Approve and Reject while it is
// pending, then its outcome (a story decided in /moderasi before its message went out, or since).
func (a *App) ModerationKeyboard(s Story) [][]Button {
	if s.Status == StoryPending {
		return ModerationButtons(s.ID)
	}
	return outcomeButtons(s)
}

// StoryOutcome is what the author of a decided story is told, in their language.
func (a *App) StoryOutcome(s Story, p *Profile) Result {
	lang := s.Lang
	if p != nil && p.Lang != "" {
		lang = p.Lang
	}
	if lang == "" {
		lang = locales.ID
	}
	res := Result{Lang: lang}
	var text locales.Text
	switch {
	case s.Status == StoryApproved && s.Consent == ConsentPrivate:
		text = locales.Msg("st.told_kept", "ID", storyID(s.ID))
	case s.Status == StoryApproved:
		text = locales.Msg("st.told_approved", "ID", storyID(s.ID))
	case s.Status == StoryRejected && s.Reason != "":
		text = locales.Lines(locales.Msg("st.told_rejected_reason", "ID", storyID(s.ID)), locales.Raw("“"+s.Reason+"”"))
	case s.Status == StoryRejected:
		text = locales.Msg("st.told_rejected", "ID", storyID(s.ID))
	default:
		return res // not decided: nothing to tell
	}
	buttons := [][]Button{{{Text: locales.Msg("btn.st_write_again"), Data: "go:0:cerita"}}}
	if b, ok := goButton(&Turn{app: a, s: Session{Profile: p}}, locales.Msg("btn.go_events"), "acara"); ok {
		buttons[0] = append(buttons[0], b)
	}
	res.Replies = []Reply{{Text: text, Buttons: buttons}}
	return res
}

// ModerateGroup handles a press or a reply in the moderation chat. An error means the store failed
// and nothing changed; the press may be tried again.
func (a *App) ModerateGroup(ctx context.Context, g GroupAction) (GroupResult, error) {
	t := &Turn{ctx: ctx, app: a, in: Input{UserID: g.User, FirstName: g.FirstName, LangCode: g.LangCode, Now: g.Now}}
	res := GroupResult{Lang: locales.LangFromCode(g.LangCode)}
	if a.Stories == nil {
		return res, nil
	}
	action, id := "reason", g.StoryID
	if g.Data != "" {
		b, ok := parseTap(g.Data)
		if !ok || b.Flow != moderationGroupFlow {
			res.Notice = locales.Msg("button.stale_short")
			return res, nil
		}
		action, id = b.Action, b.Arg
	}
	res.StoryID = id
	s, err := a.Stories.Story(ctx, id)
	if err != nil {
		return GroupResult{}, err
	}
	role := t.userRole()
	if t.err != nil {
		return GroupResult{}, t.err
	}
	switch {
	case s == nil:
		res.Notice = locales.Msg("button.stale_short")
		return res, nil
	case !role.Organizer:
		res.Notice = locales.Msg("md.group_not_panitia")
		return res, nil
	case !role.Covers(s.Province):
		res.Notice = locales.Msg("md.group_not_province")
		return res, nil
	case action == "info" || s.Status != StoryPending:
		if action == "reason" {
			return res, nil // a reply to a decided story's message is just talk
		}
		res.Notice, res.Rekey, res.Buttons = decidedBy(*s), true, outcomeButtons(*s)
		return res, nil
	}
	name := cleanLine(g.FirstName)
	switch action {
	case "ok", "noreason", "reason":
		reason := ""
		if action == "reason" {
			if s.Rejecting == 0 {
				return res, nil // a reply without a Reject pressed before: talk, not a decision
			}
			reason = cleanLine(g.Text)
			if n := textLen(reason); n > reasonMax {
				res.Say = locales.Msg("md.reason_too_long", "Count", n, "Max", reasonMax)
				return res, nil
			}
		}
		d, err := a.Stories.DecideStory(ctx, id, action == "ok", g.User, name, reason, g.Now)
		if err != nil {
			return GroupResult{}, err
		}
		if d.Status == "" {
			res.Notice = locales.Msg("button.stale_short")
			return res, nil
		}
		s.Status, s.DecidedBy, s.DecidedName = d.Status, d.By, d.ByName
		res.Rekey, res.Buttons = true, outcomeButtons(*s)
		res.Notice = decisionText(*s, d)
		if action == "reason" && d.Won {
			res.Say = locales.Msg("md.group_rejected_reason", "ID", storyID(id), "Name", name)
		}
	case "no":
		ok, err := a.Stories.SetRejecting(ctx, id, g.User)
		if err != nil {
			return GroupResult{}, err
		}
		if !ok { // decided meanwhile
			return a.ModerateGroup(ctx, GroupAction{User: g.User, FirstName: g.FirstName, LangCode: g.LangCode, Data: groupButton(locales.Text{}, "info", id).Data, Now: g.Now})
		}
		res.Rekey = true
		res.Buttons = [][]Button{{groupButton(locales.Msg("btn.md_no_reason"), "noreason", id), groupButton(locales.Msg("btn.md_undo"), "undo", id)}}
		res.Notice = locales.Msg("md.group_reason_toast")
		res.Say = locales.Msg("md.group_ask_reason", "Name", name, "ID", storyID(id), "Max", reasonMax)
	case "undo":
		if _, err := a.Stories.SetRejecting(ctx, id, 0); err != nil {
			return GroupResult{}, err
		}
		res.Rekey, res.Buttons = true, ModerationButtons(id)
	default:
		res.Notice = locales.Msg("button.stale_short")
	}
	return res, nil
}
