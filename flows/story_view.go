package flows

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/alumnibot/alumnibot/locales"
)

// How a story is shown: in the author's preview, in the moderation chat, in /moderasi. The bot sends
// plain text (no parse_mode anywhere), so what an alumnus wrote shows exactly as written — "<b>",
// "*", "_", "[x](http://y)" included — and cannot format, link or add a button. What could still
// mislead is taken out (cleanStoryText), and the author's words always come under a line of the
// bot's own ("🌟 Cerita dari Vita · Gelombang 27"), so a story cannot pass for the bot speaking.

// Story lengths, in UTF-16 units as Telegram counts them (the same as characters for ordinary text;
// an emoji counts two): 3,500 leaves room under Telegram's 4,096 for the lines around the story.
const (
	storyMin      = 50
	storyMax      = 3500
	storyPartMax  = 1500 // one answer of the guided story
	storyPhotoMax = 3
	trainingMax   = 80
	reasonMax     = 500
	// captionStoryMax is the longest story shown as a photo's caption: Telegram allows 1,024 for the
	// whole caption, and the lines around the story (in /moderasi: the last decision, the position,
	// author, byline, training) take up to about 600 at their longest. A longer story is shown as a
	// text message that says how many photos it has; the photos go with it to the panitia (as an album
	// in the moderation chat) and into the export.
	captionStoryMax = 400
	// offerMin is how long a message sent outside any conversation must be to be offered as a story.
	offerMin = 200
)

func textLen(s string) int { return len(utf16.Encode([]rune(s))) }

// invisible are the characters that change how text around them reads without showing themselves:
// bidi controls (a right-to-left override turns "Admin" around) and zero-width spaces and joiners
// used to hide text or split words that are watched for. The zero-width joiner of emoji sequences
// (👩‍🍳) is kept.
func invisible(r rune) bool {
	switch {
	case r == '\u200d':
		return false
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\u200e', r == '\u200f', r == '\u061c':
		return true
	case unicode.Is(unicode.Cf, r):
		return true
	}
	return unicode.IsControl(r) && r != '\n' && r != '\t'
}

// cleanStoryText drops invisible characters, trims each line's end and the whole, and keeps at most
// one empty line in a row, so a story cannot push its text out of sight with blank lines.
func cleanStoryText(s string) string {
	s = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			if blank++; blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// cleanLine is cleanStoryText for one line (a training's name, a rejection's reason, a first name).
func cleanLine(s string) string {
	return strings.Join(strings.Fields(cleanStoryText(s)), " ")
}

// byline is the bot's own line above a story: who wrote it (as the author allowed) and their wave.
func byline(s Story) locales.Text {
	if s.Consent == ConsentNamed && s.Name != "" {
		return locales.Msg("st.byline_named", "Name", s.Name, "Wave", s.Wave)
	}
	return locales.Msg("st.byline_anon", "Wave", s.Wave)
}

// storyBody is a story as published: the byline, the training, the text.
func storyBody(s Story) []locales.Text {
	lines := []locales.Text{byline(s)}
	if s.Training != "" {
		lines = append(lines, locales.Msg("st.training_line", "Training", s.Training))
	}
	return append(lines, locales.Text{}, locales.Raw(s.Text))
}

// storyReply shows a story with lines above (head) and below (foot) it and buttons: as the first
// photo with the text as caption when the story is short enough, else as a text that says how many
// photos come with it.
func storyReply(s Story, head, foot []locales.Text, buttons [][]Button) Reply {
	lines := append(append([]locales.Text{}, head...), storyBody(s)...)
	photo := ""
	if len(s.Photos) > 0 && textLen(s.Text) <= captionStoryMax {
		photo = s.Photos[0]
		if n := len(s.Photos) - 1; n > 0 {
			lines = append(lines, locales.Text{}, locales.Msg("st.photos_more", "Count", n))
		}
	} else if len(s.Photos) > 0 {
		lines = append(lines, locales.Text{}, locales.Msg("st.photos_with", "Count", len(s.Photos)))
	}
	if len(foot) > 0 {
		lines = append(lines, locales.Text{})
		lines = append(lines, foot...)
	}
	return Reply{Text: locales.Lines(lines...), Buttons: buttons, Photo: photo}
}
