package locales

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testID and testEN are small catalogs that exercise what the real ones may not (yet): arguments,
// plural forms, ids missing in English, templates that fail when executed.
const testID = `
["greet"]
other = "Halo, {{.Name}}!"

["seats"]
other = "Sisa {{.Count}} kursi."

["id_only"]
other = "Hanya ada dalam bahasa Indonesia."

["broken_en"]
other = "Halo, {{.Name}}."

["broken_both"]
other = "Halo, {{.Name.Foo}}."

["plain"]
other = "Tombol ini sudah tidak berlaku. Ini info terbarunya:"
`

const testEN = `
["greet"]
other = "Hi, {{.Name}}!"

["seats"]
one = "{{.Count}} seat left."
other = "{{.Count}} seats left."

["broken_en"]
other = "Hi, {{.Name.Foo}}."

["broken_both"]
other = "Hi, {{.Name.Foo}}."

["plain"]
other = "This button has expired. Here's the latest info:"
`

func testCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := newCatalog([]byte(testID), []byte(testEN))
	if err != nil {
		t.Fatalf("newCatalog: %v", err)
	}
	return c
}

func TestLangFromCode(t *testing.T) {
	for code, want := range map[string]Lang{
		"en": EN, "en-US": EN, "EN-gb": EN, "En": EN,
		"id": ID, "": ID, "e": ID, "ms": ID, "jv": ID, "fr": ID, "de-EN": ID,
	} {
		if got := LangFromCode(code); got != want {
			t.Errorf("LangFromCode(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestMsg(t *testing.T) {
	tests := []struct {
		name string
		got  Text
		want Text
	}{
		{"no args", Msg("error.generic"), Text{ID: "error.generic"}},
		{"pairs", Msg("greet", "Name", "Vita", "Count", 2), Text{ID: "greet", Args: map[string]any{"Name": "Vita", "Count": 2}}},
		{"odd and non-string keys", Msg("greet", 7, "x", "Dangling"), Text{ID: "greet", Args: map[string]any{"7": "x", "Dangling": nil}}},
		{"raw", Raw("Hujaipah"), Text{Raw: "Hujaipah"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestTextJSON(t *testing.T) {
	for _, tt := range []struct {
		in   Text
		want string
	}{
		{Msg("seats", "Count", 3), `{"id":"seats","args":{"Count":3}}`},
		{Msg("plain"), `{"id":"plain"}`},
		{Raw("Vita"), `{"raw":"Vita"}`},
	} {
		b, err := json.Marshal(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("json.Marshal(%+v) = %s, want %s", tt.in, b, tt.want)
		}
	}
}

func TestRender(t *testing.T) {
	c := testCatalog(t)
	tests := []struct {
		name string
		lang Lang
		text Text
		want string
	}{
		{"raw", ID, Raw("Vita"), "Vita"},
		{"raw wins over id", EN, Text{ID: "greet", Raw: "Vita"}, "Vita"},
		{"empty", ID, Text{}, ""},
		{"args id", ID, Msg("greet", "Name", "Vita"), "Halo, Vita!"},
		{"args en", EN, Msg("greet", "Name", "Vita"), "Hi, Vita!"},
		{"no template", EN, Msg("plain"), "This button has expired. Here's the latest info:"},
		{"plural one", EN, Msg("seats", "Count", 1), "1 seat left."},
		{"plural other", EN, Msg("seats", "Count", 2), "2 seats left."},
		{"plural zero", EN, Msg("seats", "Count", 0), "0 seats left."},
		{"plural uint", EN, Msg("seats", "Count", uint(1)), "1 seat left."},
		{"plural string", EN, Msg("seats", "Count", "1"), "1 seat left."},
		{"float after JSON", EN, Msg("seats", "Count", float64(1)), "1 seat left."},
		{"big float after JSON", ID, Msg("seats", "Count", float64(1000000)), "Sisa 1000000 kursi."},
		{"json.Number", EN, Msg("seats", "Count", json.Number("1")), "1 seat left."},
		{"fractional float", EN, Msg("seats", "Count", 1.5), "1.5 seats left."},
		{"Count on a message without plurals", EN, Msg("greet", "Name", "Vita", "Count", 1), "Hi, Vita!"},
		{"missing in en falls back to id", EN, Msg("id_only"), "Hanya ada dalam bahasa Indonesia."},
		{"broken en falls back to id", EN, Msg("broken_en", "Name", "Vita"), "Halo, Vita."},
		{"broken everywhere shows the id", EN, Msg("broken_both", "Name", "Vita"), "broken_both"},
		{"broken id shows the id", ID, Msg("broken_both", "Name", "Vita"), "broken_both"},
		{"unknown id", EN, Msg("nope.missing"), "nope.missing"},
		{"unknown language is Indonesian", Lang("fr"), Msg("greet", "Name", "Vita"), "Halo, Vita!"},
		{"bad Count type uses other", EN, Msg("seats", "Count", []int{1}), "[1] seats left."},
		{"unparsable Count falls back to id", EN, Msg("seats", "Count", "banyak"), "Sisa banyak kursi."},
	}
	for _, tt := range tests {
		if got := c.Render(tt.lang, tt.text); got != tt.want {
			t.Errorf("%s: Render(%q, %+v) = %q, want %q", tt.name, tt.lang, tt.text, got, tt.want)
		}
	}
}

func TestRenderAfterJSONRoundTrip(t *testing.T) {
	c := testCatalog(t)
	b, err := json.Marshal(Msg("seats", "Count", 1))
	if err != nil {
		t.Fatal(err)
	}
	var text Text
	if err := json.Unmarshal(b, &text); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Render(EN, text), "1 seat left."; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if _, ok := text.Args["Count"].(float64); !ok {
		t.Errorf("Render modified the caller's Args: Count is %T", text.Args["Count"])
	}
}

func TestRenderConcurrent(t *testing.T) {
	c := testCatalog(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				if got, want := c.Render(EN, Msg("seats", "Count", j%3)), "seats left."; j%3 != 1 && !strings.HasSuffix(got, want) {
					t.Errorf("goroutine %d: Render = %q", i, got)
				}
			}
		})
	}
	wg.Wait()
}

func TestHasAndIDs(t *testing.T) {
	c := testCatalog(t)
	if !c.Has(ID, "id_only") || c.Has(EN, "id_only") || c.Has(ID, "nope") {
		t.Errorf("Has: id_only in ID %v, in EN %v; nope in ID %v", c.Has(ID, "id_only"), c.Has(EN, "id_only"), c.Has(ID, "nope"))
	}
	want := []string{"broken_both", "broken_en", "greet", "plain", "seats"}
	got := c.IDs(EN)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IDs(EN) (-want +got):\n%s", diff)
	}
	got[0] = "changed"
	if c.IDs(EN)[0] != "broken_both" {
		t.Error("IDs returned the catalog's own slice")
	}
}

func TestNewCatalogRejectsBrokenCatalogs(t *testing.T) {
	for name, id := range map[string]string{
		"bad toml":       `["greet"` + "\nother = 1",
		"no other":       "[\"greet\"]\none = \"Halo\"",
		"bad template":   "[\"greet\"]\nother = \"Halo, {{.Name\"",
		"unknown func":   "[\"greet\"]\nother = \"Halo, {{upper .Name}}\"",
		"mixed keys":     "[\"greet\"]\nother = \"Halo\"\nfoo = \"bar\"",
		"a single value": `"Halo"`,
	} {
		if _, err := newCatalog([]byte(id), []byte(testEN)); err == nil {
			t.Errorf("%s: newCatalog accepted %q", name, id)
		}
	}
}

func TestLoad(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Render(ID, Common.Generic), "Maaf, ada gangguan sebentar di sistem kami. Coba lagi dalam beberapa menit ya."; got != want {
		t.Errorf("Render(ID, Common.Generic) = %q, want %q", got, want)
	}
	if got, want := c.Render(EN, Common.Stale), "This button has expired. Let's carry on from here:"; got != want {
		t.Errorf("Render(EN, Common.Stale) = %q, want %q", got, want)
	}
}

func BenchmarkRender(b *testing.B) {
	c := testCatalog(b)
	for _, bb := range []struct {
		name string
		lang Lang
		text Text
	}{
		{"raw", ID, Raw("Vita")},
		{"plain/id", ID, Msg("plain")},
		{"plain/en", EN, Msg("plain")},
		{"args/id", ID, Msg("greet", "Name", "Vita")},
		{"plural/en", EN, Msg("seats", "Count", 2)},
		{"json-float/en", EN, Msg("seats", "Count", float64(2))},
		{"fallback-to-id/en", EN, Msg("id_only")},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.Render(bb.lang, bb.text) == "" {
					b.Fatal("empty")
				}
			}
		})
	}
}
