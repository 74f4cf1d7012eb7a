package locales

import (
	"regexp"
	"strings"
	"testing"
)

// The glossary of ../shared/design/conversation.md: one word, one meaning. The Indonesian catalog
// never uses the words the glossary rules out — English words where Indonesian is usual ("event",
// "RSVP", "waitlist", "user", "submit", "admin" outside the /admin command and ADMIN_IDS) and
// Indonesian words that would give a second meaning to a term ("pendaftaran"/"mendaftar" for the
// profile or a seat, "pertemuan" for a meetup, "testimoni" for a success story, "siaran" outside the
// command's name, "blast").
var glossaryBanned = regexp.MustCompile(`(?i)\b(event|events|rsvp|waitlist|user|users|submit|admin|pendaftaran|mendaftar|terdaftar|daftar ulang|pertemuan|testimoni|siaran|blast)\b`)

// glossaryAllowed are the places a banned word is a name, not a word: commands and settings.
var glossaryAllowed = regexp.MustCompile(`/admin\b|/siaran\b|ADMIN_IDS`)

func glossaryProblems(c *Catalog) []string {
	var out []string
	for _, id := range c.IDs(ID) {
		for _, src := range messageForms(c.lang(ID).msgs[id]) {
			// Template actions ({{.User}}) name arguments, not words.
			text := regexp.MustCompile(`\{\{[^}]*\}\}`).ReplaceAllString(src, "")
			text = glossaryAllowed.ReplaceAllString(text, "")
			if w := glossaryBanned.FindString(text); w != "" {
				out = append(out, id+": "+strings.ToLower(w))
				break
			}
		}
	}
	return out
}

func TestGlossaryWords(t *testing.T) {
	for _, p := range glossaryProblems(MustLoad()) {
		t.Errorf("locales/id.toml: %s is not in the glossary's words (conversation.md)", p)
	}
}

// The check itself catches a banned word and lets commands and arguments through.
func TestGlossaryWordsCatch(t *testing.T) {
	c, err := newCatalog([]byte(`
["bad"]
other = "Kamu sudah RSVP ke event ini."

["command"]
other = "Ketik /admin untuk mulai, {{.User}}. Atur ADMIN_IDS."
`), []byte(`
["bad"]
other = "x"

["command"]
other = "x"
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := glossaryProblems(c); len(got) != 1 || got[0] != "bad: rsvp" {
		t.Fatalf("problems = %q, want only bad: rsvp", got)
	}
}
