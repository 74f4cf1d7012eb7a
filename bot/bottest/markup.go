package bottest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"strings"
	"unicode/utf8"
)

// tinyPNG is the content of fake user photos and stickers: a 1×1 PNG.
var tinyPNG = func() []byte {
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.Gray{Y: 128})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

type rawButton struct {
	Text                         string          `json:"text"`
	URL                          string          `json:"url"`
	CallbackData                 *string         `json:"callback_data"`
	WebApp                       json.RawMessage `json:"web_app"`
	LoginURL                     json.RawMessage `json:"login_url"`
	SwitchInlineQuery            *string         `json:"switch_inline_query"`
	SwitchInlineQueryCurrentChat *string         `json:"switch_inline_query_current_chat"`
	SwitchInlineQueryChosenChat  json.RawMessage `json:"switch_inline_query_chosen_chat"`
	CopyText                     *struct {
		Text string `json:"text"`
	} `json:"copy_text"`
	CallbackGame json.RawMessage `json:"callback_game"`
	Pay          bool            `json:"pay"`
}

// parseMarkup returns the inline keyboard of a reply_markup JSON text (nil
// for none, and for reply keyboards, which belong to the chat rather than the
// message), refusing what Telegram refuses.
func parseMarkup(raw string) ([][]Button, *apiError) {
	if strings.TrimSpace(raw) == "" || raw == "null" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard *[][]rawButton `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if m.InlineKeyboard == nil {
		return nil, nil
	}
	rows := *m.InlineKeyboard
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([][]Button, 0, len(rows))
	total := 0
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		r := make([]Button, 0, len(row))
		for _, b := range row {
			total++
			if b.Text == "" {
				return nil, badRequest("can't parse inline keyboard button: Text must be non-empty")
			}
			hasAction := b.URL != "" || b.CallbackData != nil || len(b.WebApp) > 0 || len(b.LoginURL) > 0 ||
				b.SwitchInlineQuery != nil || b.SwitchInlineQueryCurrentChat != nil ||
				len(b.SwitchInlineQueryChosenChat) > 0 || (b.CopyText != nil && b.CopyText.Text != "") ||
				len(b.CallbackGame) > 0 || b.Pay
			if !hasAction {
				return nil, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			btn := Button{Text: b.Text, URL: b.URL}
			if b.CallbackData != nil {
				if n := len(*b.CallbackData); n < 1 || n > 64 {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
				btn.Data = *b.CallbackData
			}
			if b.URL != "" && !(strings.HasPrefix(b.URL, "http://") || strings.HasPrefix(b.URL, "https://") || strings.HasPrefix(b.URL, "tg://")) {
				return nil, badRequest("BUTTON_URL_INVALID")
			}
			r = append(r, btn)
		}
		out = append(out, r)
	}
	if total > 100 {
		return nil, badRequest("reply markup is too long")
	}
	return out, nil
}

// plainText checks text against Telegram's parser for parseMode and returns
// the text the user would see (exactly for HTML, approximately for the
// Markdown modes: only escapes are removed).
func plainText(text, parseMode string) (string, error) {
	switch {
	case parseMode == "":
		return text, nil
	case strings.EqualFold(parseMode, "HTML"):
		return parseHTML(text)
	case strings.EqualFold(parseMode, "MarkdownV2"):
		return parseMarkdownV2(text)
	case strings.EqualFold(parseMode, "Markdown"):
		return parseMarkdown(text)
	}
	return "", fmt.Errorf("unsupported parse_mode %q", parseMode)
}

var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
	"tg-time": true,
}

// parseHTML follows Telegram's HTML style: only the supported tags, properly
// nested; a '<' that does not open a tag is an error.
func parseHTML(s string) (string, error) {
	var out strings.Builder
	out.Grow(len(s))
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end, quote := -1, byte(0)
			for k := i + 1; k < len(s); k++ {
				c := s[k]
				if quote != 0 {
					if c == quote {
						quote = 0
					}
					continue
				}
				if c == '"' || c == '\'' {
					quote = c
				} else if c == '>' {
					end = k
					break
				}
			}
			if end < 0 {
				return "", fmt.Errorf("Can't find end of the tag starting at byte offset %d", i)
			}
			tag := s[i+1 : end]
			if rest, ok := strings.CutPrefix(tag, "/"); ok {
				name := strings.ToLower(strings.TrimSpace(rest))
				if len(stack) == 0 {
					return "", fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				if top := stack[len(stack)-1]; name != top {
					return "", fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)
				}
				stack = stack[:len(stack)-1]
			} else {
				n := 0
				for n < len(tag) && (isAlnum(tag[n]) || tag[n] == '-') {
					n++
				}
				name := strings.ToLower(tag[:n])
				if !htmlTags[name] {
					return "", fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, i)
				}
				stack = append(stack, name)
			}
			i = end + 1
		case '&':
			if k := strings.IndexByte(s[i:min(len(s), i+12)], ';'); k > 0 {
				ent := s[i : i+k+1]
				if u := html.UnescapeString(ent); u != ent {
					out.WriteString(u)
					i += k + 1
					continue
				}
			}
			out.WriteByte('&')
			i++
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1])
	}
	return out.String(), nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func reservedErr(c byte) error {
	return fmt.Errorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
}

// parseMarkdownV2 checks the MarkdownV2 rules that bots break most:
// unescaped reserved characters and unbalanced entities.
func parseMarkdownV2(s string) (string, error) {
	var out strings.Builder
	out.Grow(len(s))
	var (
		inCode, inPre, inURL bool
		codeStart            int
		counts               [256]int
		firsts               [256]int
		brackets             int
	)
	lineStart := func(i int) bool { return i == 0 || s[i-1] == '\n' }
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			_, size := utf8.DecodeRuneInString(s[i+1:])
			out.WriteString(s[i+1 : i+1+size])
			i += 1 + size
			continue
		}
		switch {
		case inPre:
			if strings.HasPrefix(s[i:], "```") {
				inPre = false
				i += 3
				continue
			}
			out.WriteByte(c)
			i++
			continue
		case inCode:
			if c == '`' {
				inCode = false
			} else {
				out.WriteByte(c)
			}
			i++
			continue
		case inURL:
			if c == ')' {
				inURL = false
			}
			i++
			continue
		}
		switch c {
		case '`':
			codeStart = i
			if strings.HasPrefix(s[i:], "```") {
				inPre = true
				i += 3
				continue
			}
			inCode = true
		case '*', '_', '~':
			if counts[c] == 0 || counts[c]%2 == 0 {
				firsts[c] = i
			}
			counts[c]++
		case '|':
			if i+1 >= len(s) || s[i+1] != '|' {
				return "", reservedErr(c)
			}
			if counts[c]%2 == 0 {
				firsts[c] = i
			}
			counts[c]++
			i += 2
			continue
		case '[':
			brackets++
		case ']':
			if brackets == 0 {
				return "", reservedErr(c)
			}
			brackets--
			if i+1 < len(s) && s[i+1] == '(' {
				inURL = true
				i += 2
				continue
			}
			return "", reservedErr(c)
		case '!':
			if i+1 >= len(s) || s[i+1] != '[' {
				return "", reservedErr(c)
			}
		case '>':
			if !lineStart(i) && !(i >= 2 && s[i-2:i] == "**" && lineStart(i-2)) {
				return "", reservedErr(c)
			}
		case '#', '+', '-', '=', '{', '}', '.', '(', ')':
			return "", reservedErr(c)
		default:
			out.WriteByte(c)
		}
		i++
	}
	switch {
	case inCode || inPre:
		return "", fmt.Errorf("Can't find end of Code entity at byte offset %d", codeStart)
	case inURL || brackets > 0:
		return "", fmt.Errorf("Can't find end of TextUrl entity")
	}
	for _, e := range []struct {
		c    byte
		name string
	}{{'*', "Bold"}, {'_', "Italic"}, {'~', "Strikethrough"}, {'|', "Spoiler"}} {
		if counts[e.c]%2 != 0 {
			return "", fmt.Errorf("Can't find end of %s entity at byte offset %d", e.name, firsts[e.c])
		}
	}
	return out.String(), nil
}

// parseMarkdown checks legacy Markdown: every '*', '_', '`' and '[' that is
// not escaped opens an entity that must be closed.
func parseMarkdown(s string) (string, error) {
	var out strings.Builder
	out.Grow(len(s))
	var open byte // the entity being read: '*', '_', '`', 'p' (```), '[', '('
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if open == 0 && c == '\\' && i+1 < len(s) && strings.IndexByte("_*`[", s[i+1]) >= 0 {
			out.WriteByte(s[i+1])
			i += 2
			continue
		}
		switch open {
		case 0:
			switch c {
			case '*', '_', '[':
				open, start = c, i
			case '`':
				open, start = c, i
				if strings.HasPrefix(s[i:], "```") {
					open = 'p'
					i += 3
					continue
				}
			default:
				out.WriteByte(c)
			}
			i++
		case 'p':
			if strings.HasPrefix(s[i:], "```") {
				open = 0
				i += 3
				continue
			}
			out.WriteByte(c)
			i++
		case '[':
			if c == ']' {
				if i+1 < len(s) && s[i+1] == '(' {
					open = '('
					i += 2
					continue
				}
				open = 0
			} else {
				out.WriteByte(c)
			}
			i++
		case '(':
			if c == ')' {
				open = 0
			}
			i++
		default:
			if c == open {
				open = 0
			} else {
				out.WriteByte(c)
			}
			i++
		}
	}
	if open != 0 {
		return "", fmt.Errorf("Can't find end of the entity starting at byte offset %d", start)
	}
	return out.String(), nil
}
