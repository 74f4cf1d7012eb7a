package flows

import (
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// The reminders of a meetup in /buatacara: shown under the preview, changed from its "🔔 Pengingat"
// button — typed as specs ("19.00, 2 jam"), or the defaults, or none — and back to the preview.

const stepMkReminders = "mk_rm"

// mkRemindersLines describe the reminders of the meetup being made, for the preview.
func mkRemindersLines(specs []string) []locales.Text {
	if len(specs) == 1 && specs[0] == RemindersOff {
		return []locales.Text{locales.Msg("create.reminders_off")}
	}
	if len(specs) == 0 {
		specs = DefaultReminders
	}
	lines := []locales.Text{locales.Msg("create.reminders_head")}
	for _, s := range specs {
		lines = append(lines, reminderWords(s))
	}
	return lines
}

// reminderWords says one spec: "• sehari sebelumnya pukul 19.00", "• 2 jam sebelum mulai".
func reminderWords(spec string) locales.Text {
	r, err := ParseReminder(spec)
	if err != nil {
		return locales.Raw("• " + spec)
	}
	if r.At != "" {
		return locales.Msg("create.reminder_at", "At", strings.Replace(r.At, ":", ".", 1))
	}
	s := r.String()
	n, _ := strconv.Atoi(s[:len(s)-1])
	return locales.Msg("create.reminder_before", "N", n, "Unit", s[len(s)-1:])
}

func (k create) mkRemindersPrompt(t *Turn) {
	st := state[createState](t)
	lines := append([]locales.Text{locales.Msg("create.ask_reminders")}, locales.Text{})
	lines = append(lines, mkRemindersLines(st.Reminders)...)
	t.say(locales.Lines(lines...),
		[]Button{t.button(locales.Msg("btn.create_reminders_default"), "rdef"), t.button(locales.Msg("btn.create_reminders_off"), "roff")},
		[]Button{t.button(locales.Msg("btn.create_reminders_keep"), "rkeep")})
}

func (k create) mkRemindersText(t *Turn, s string) {
	rs, err := ParseReminders(s)
	if err != nil {
		t.say(locales.Msg("create.reminders_invalid"))
		k.mkRemindersPrompt(t)
		return
	}
	state[createState](t).Reminders = rs
	k.mkGo(t, stepMkPreview)
}

// mkRemindersTap handles the reminders' buttons: the one under the preview and those of the step.
func (k create) mkRemindersTap(t *Turn, b Tap) bool {
	st := state[createState](t)
	switch step := t.s.Conv.Step; {
	case step == stepMkPreview && b.Action == "rem":
		k.mkGo(t, stepMkReminders)
	case step == stepMkReminders && b.Action == "rdef":
		st.Reminders = nil
		k.mkGo(t, stepMkPreview)
	case step == stepMkReminders && b.Action == "roff":
		st.Reminders = []string{RemindersOff}
		k.mkGo(t, stepMkPreview)
	case step == stepMkReminders && b.Action == "rkeep":
		k.mkGo(t, stepMkPreview)
	default:
		return false
	}
	return true
}
