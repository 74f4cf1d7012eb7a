package flows

import "github.com/alumnibot/alumnibot/locales"

// export is /ekspor: an organizer takes the approved success stories as a CSV or JSON file (those of
// the provinces their role covers; anonymous ones without the name, ones not for publication left out),
// and a super-admin also the whole alumni list as CSV. Each file goes out as one message with the
// menu's buttons under it, so the next file is one tap away.
type export struct{}

// Attachment kinds of /ekspor (rendered by attach/stories.go).
const (
	FileStoriesCSV  AttachmentKind = "csv_stories"  // approved stories; Ref: the province ("" for all)
	FileStoriesJSON AttachmentKind = "json_stories" // the same as JSON
	FileAlumniCSV   AttachmentKind = "csv_alumni"   // every alumnus's profile, for a super-admin
)

const exMenu = "menu"

func (export) Name() string        { return "ex" }
func (export) Entries() []Entry    { return []Entry{{Command: "ekspor"}} }
func (export) Role() Need          { return NeedOrganizer }
func (export) State() any          { return nil }
func (export) enabled(a *App) bool { return a.Stories != nil }

func (e export) Start(t *Turn, _ Entry, _ string) {
	t.restart(e.Name(), exMenu)
	e.Prompt(t)
}

func (e export) Prompt(t *Turn) { t.say(e.intro(t), e.menu(t)...) }

// intro says what the files hold for this organizer.
func (export) intro(t *Turn) locales.Text {
	if p := t.userRole().Province; p != "" {
		return locales.Msg("ex.menu_province", "Province", t.provinceName(p))
	}
	return locales.Msg("ex.menu")
}

func (export) menu(t *Turn) [][]Button {
	kb := [][]Button{{t.button(locales.Msg("btn.ex_csv"), "csv"), t.button(locales.Msg("btn.ex_json"), "json")}}
	if t.userRole().Super {
		kb = append(kb, []Button{t.button(locales.Msg("btn.ex_alumni"), "alumni")})
	}
	return append(kb, []Button{t.button(locales.Msg("btn.admin_menu"), "admin")})
}

func (e export) Text(t *Turn, _ string) {
	t.say(locales.Msg("ex.use_buttons"), e.menu(t)...)
}

func (e export) Tap(t *Turn, b Tap) {
	r := t.userRole()
	file := &Attachment{Ref: r.Province}
	caption := locales.Msg("ex.stories_caption")
	switch b.Action {
	case "csv":
		file.Kind = FileStoriesCSV
	case "json":
		file.Kind = FileStoriesJSON
	case "alumni":
		if !r.Super { // a forged button of an organizer who is not a super-admin
			t.notSuper()
			return
		}
		file.Kind, file.Ref, caption = FileAlumniCSV, "", locales.Msg("ex.alumni_caption")
	case "admin":
		admin{}.Start(t, Entry{Command: "admin"}, "")
		return
	default:
		t.stale()
		return
	}
	t.add(Reply{Text: caption, File: file, Buttons: e.menu(t)})
}
