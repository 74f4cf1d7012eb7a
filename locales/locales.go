package locales

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Lang is a language the bot speaks. Any value other than EN is treated as ID.
type Lang string

// The languages the bot speaks. ID (Indonesian) is the default and the fallback.
const (
	ID Lang = "id"
	EN Lang = "en"
)

// LangFromCode maps a Telegram language_code to a Lang: EN when it starts with "en" (case-insensitive), else ID.
func LangFromCode(code string) Lang {
	if len(code) >= 2 && strings.EqualFold(code[:2], "en") {
		return EN
	}
	return ID
}

// Text is a message to render: a catalog message id with arguments, or raw text (user data such as a name) shown as is,
// or several Texts shown one per line (a view built from parts, such as a meetup with its agenda).
type Text struct {
	ID    string         `json:"id,omitempty"`
	Args  map[string]any `json:"args,omitempty"`
	Raw   string         `json:"raw,omitempty"`
	Lines []Text         `json:"lines,omitempty"`
}

// Lines joins texts, one per line; an empty Text makes an empty line.
func Lines(ts ...Text) Text { return Text{Lines: ts} }

// Msg builds a Text from a message id and key/value argument pairs: Msg("onboard.greeting", "Name", "Vita").
// The id must be a string literal at every call site (a test checks this).
// A key that is not a string is formatted with fmt.Sprint; a key without a value gets nil.
func Msg(id string, kv ...any) Text {
	if len(kv) == 0 {
		return Text{ID: id}
	}
	args := make(map[string]any, (len(kv)+1)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			k = fmt.Sprint(kv[i])
		}
		var v any
		if i+1 < len(kv) {
			v = kv[i+1]
		}
		args[k] = v
	}
	return Text{ID: id, Args: args}
}

// Raw wraps text that is shown as is, such as a name or a story the user typed.
func Raw(s string) Text { return Text{Raw: s} }

// Common holds the messages every part of the bot shares, so callers need not repeat their ids.
// The values carry no arguments; do not modify them.
var Common = struct {
	Generic  Text // something failed on our side; try again in a few minutes
	Panic    Text // handling the user's message crashed; send it again
	SlowDown Text // the user is flooding the bot
	// SlowDownShort is the pop-up on a tap dropped by flood control (after the SlowDown message).
	SlowDownShort Text
	Stale         Text // an old button was pressed; put the current view after it
}{
	Generic:       Msg("error.generic"),
	Panic:         Msg("error.panic"),
	SlowDown:      Msg("flood.slow_down"),
	SlowDownShort: Msg("flood.slow_down_short"),
	Stale:         Msg("button.stale"),
}

//go:embed id.toml en.toml
var catalogFS embed.FS

// Catalog renders messages in every language. It is immutable and safe for concurrent use.
type Catalog struct {
	id, en langCatalog
}

// langCatalog is one language's messages and the localizer that renders them.
type langCatalog struct {
	loc  *i18n.Localizer
	msgs map[string]*i18n.Message
	ids  []string // sorted
}

// Load parses the embedded catalogs.
func Load() (*Catalog, error) {
	idBuf, err := catalogFS.ReadFile("id.toml")
	if err != nil {
		return nil, fmt.Errorf("locales: %w", err)
	}
	enBuf, err := catalogFS.ReadFile("en.toml")
	if err != nil {
		return nil, fmt.Errorf("locales: %w", err)
	}
	return newCatalog(idBuf, enBuf)
}

// MustLoad is Load for tests and main: it panics when the embedded catalogs are broken.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// newCatalog builds a Catalog from the Indonesian and English TOML catalogs.
func newCatalog(idTOML, enTOML []byte) (*Catalog, error) {
	bundle := i18n.NewBundle(language.Indonesian) // go-i18n falls back to it for ids missing in English
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{}
	for _, f := range []struct {
		name string
		buf  []byte
		lc   *langCatalog
	}{{"id.toml", idTOML, &c.id}, {"en.toml", enTOML, &c.en}} {
		mf, err := bundle.ParseMessageFileBytes(f.buf, f.name)
		if err != nil {
			return nil, fmt.Errorf("locales: parse %s: %w", f.name, err)
		}
		f.lc.msgs = make(map[string]*i18n.Message, len(mf.Messages))
		for _, m := range mf.Messages {
			if err := checkMessage(m); err != nil {
				return nil, fmt.Errorf("locales: %s: %w", f.name, err)
			}
			f.lc.msgs[m.ID] = m
			f.lc.ids = append(f.lc.ids, m.ID)
		}
		slices.Sort(f.lc.ids)
	}
	// One localizer per language, built once: Render is on every reply's path.
	c.id.loc = i18n.NewLocalizer(bundle, string(ID))
	c.en.loc = i18n.NewLocalizer(bundle, string(EN))
	return c, nil
}

// checkMessage rejects a message without an "other" form or with a template that does not parse,
// so a broken catalog fails at startup instead of on a user's screen.
func checkMessage(m *i18n.Message) error {
	if m.Other == "" {
		return fmt.Errorf("message %q has no %q form", m.ID, "other")
	}
	for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		if src == "" {
			continue
		}
		t := template.New(m.ID).Funcs(templateFuncs)
		if m.LeftDelim != "" || m.RightDelim != "" {
			t = t.Delims(m.LeftDelim, m.RightDelim)
		}
		if _, err := t.Parse(src); err != nil {
			return fmt.Errorf("message %q: %w", m.ID, err)
		}
	}
	return nil
}

func (c *Catalog) lang(l Lang) *langCatalog {
	if l == EN {
		return &c.en
	}
	return &c.id
}

// Render returns t in lang. Raw text is returned as is. A message missing in lang, or whose template
// fails, falls back to Indonesian, and then to its id: Render never panics and never returns "" for an id.
func (c *Catalog) Render(lang Lang, t Text) string {
	if len(t.Lines) > 0 {
		parts := make([]string, len(t.Lines))
		for i, l := range t.Lines {
			parts[i] = c.Render(lang, l)
		}
		return strings.Join(parts, "\n")
	}
	if t.Raw != "" || t.ID == "" {
		return t.Raw
	}
	args := normalizeArgs(t.Args)
	if s, _ := c.localize(lang, t.ID, args); s != "" {
		return s
	}
	if lang != ID {
		if s, _ := c.localize(ID, t.ID, args); s != "" {
			return s
		}
	}
	return t.ID
}

// localize renders one message with go-i18n. Like go-i18n it may return a best-effort text with an
// error (the Indonesian message for an id missing in English).
func (c *Catalog) localize(lang Lang, id string, args map[string]any) (string, error) {
	lc := c.lang(lang)
	cfg := i18n.LocalizeConfig{MessageID: id, TemplateParser: templateParser}
	if args != nil {
		cfg.TemplateData = args
		// Only messages with plural forms get a PluralCount: for the others go-i18n would look for
		// a "one" form that does not exist and report an error.
		if m := lc.msgs[id]; m != nil && hasPlurals(m) {
			if n, ok := pluralCount(args["Count"]); ok {
				cfg.PluralCount = n
			}
		}
	}
	s, err := lc.loc.Localize(&cfg)
	return localizeNumbers(s, lang), err
}

func hasPlurals(m *i18n.Message) bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

// Has reports whether lang's catalog has a message id (without falling back to Indonesian).
func (c *Catalog) Has(lang Lang, id string) bool {
	_, ok := c.lang(lang).msgs[id]
	return ok
}

// IDs returns the message ids of lang's catalog, sorted.
func (c *Catalog) IDs(lang Lang) []string {
	return slices.Clone(c.lang(lang).ids)
}

// normalizeArgs turns integral floats (what numbers become after a JSON round trip) back into ints, so
// "1000" is not shown as "1e+03" and plural rules accept them. It copies args only when it changes one.
func normalizeArgs(args map[string]any) map[string]any {
	var out map[string]any
	for k, v := range args {
		n, ok := integral(v)
		if !ok {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(args))
			for k2, v2 := range args {
				out[k2] = v2
			}
		}
		out[k] = n
	}
	if out == nil {
		return args
	}
	return out
}

// maxExactFloat is the largest integer a float64 holds exactly.
const maxExactFloat = 1 << 53

// integral reports whether v is a float or json.Number holding an integer, and that integer.
func integral(v any) (int, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	case json.Number:
		n, err := x.Int64()
		if err != nil || n != int64(int(n)) {
			return 0, false
		}
		return int(n), true
	default:
		return 0, false
	}
	if f != math.Trunc(f) || math.Abs(f) > maxExactFloat {
		return 0, false
	}
	return int(f), true
}

// pluralCount converts a Count argument into a value go-i18n's plural rules accept (integers or
// decimal strings).
func pluralCount(v any) (any, bool) {
	switch x := v.(type) {
	case int, int8, int16, int32, int64:
		return x, true
	case uint8:
		return int(x), true
	case uint16:
		return int(x), true
	case uint32:
		return int64(x), true
	case uint:
		if uint64(x) <= math.MaxInt64 {
			return int64(x), true
		}
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	case float64:
		if !math.IsInf(x, 0) && !math.IsNaN(x) {
			return strconv.FormatFloat(x, 'f', -1, 64), true
		}
	case json.Number:
		return string(x), true
	case string:
		return x, true
	}
	return nil, false
}
