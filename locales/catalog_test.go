package locales

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestCatalogsMatchCode checks that every Msg call in the module names its id with a string literal,
// that each such id is in both catalogs, that every catalog id is used by code, and that the two
// catalogs hold the same ids.
func TestCatalogsMatchCode(t *testing.T) {
	root, modPath := moduleRoot(t)
	used, problems := collectMsgIDs(t, root, modPath+"/locales")
	for _, p := range problems {
		t.Error(p)
	}

	c := MustLoad()
	ids := map[Lang][]string{ID: c.IDs(ID), EN: c.IDs(EN)}
	files := map[Lang]string{ID: "id.toml", EN: "en.toml"}

	for _, id := range sortedKeys(used) {
		for _, lang := range []Lang{ID, EN} {
			if !c.Has(lang, id) {
				t.Errorf("%s: message %q is missing from locales/%s", used[id][0], id, files[lang])
			}
		}
	}
	for _, lang := range []Lang{ID, EN} {
		for _, id := range ids[lang] {
			if _, ok := used[id]; !ok {
				t.Errorf("locales/%s: message %q is used by no code (no Msg(%q) call)", files[lang], id, id)
			}
		}
	}
	for _, pair := range [][2]Lang{{ID, EN}, {EN, ID}} {
		for _, id := range ids[pair[0]] {
			if !c.Has(pair[1], id) {
				t.Errorf("message %q is in locales/%s but not in locales/%s", id, files[pair[0]], files[pair[1]])
			}
		}
	}
}

// moduleRoot walks up from the working directory to go.mod and returns its directory and module path.
func moduleRoot(t *testing.T) (dir, modPath string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(rest), `"`)
				}
			}
			t.Fatalf("%s/go.mod has no module line", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// collectMsgIDs parses every non-test Go file of the module rooted at root and returns, for each
// message id passed to locales.Msg, the positions that use it, plus the calls whose id is not a
// string literal. A call counts when it is Msg(...) in the locales package itself (or in a file that
// dot-imports it), or X.Msg(...) where X is the file's name for the locales import — so methods or
// conversions of other packages that happen to be called Msg are not mistaken for it.
func collectMsgIDs(t *testing.T, root, localesPath string) (used map[string][]string, problems []string) {
	t.Helper()
	used = map[string][]string{}
	fset := token.NewFileSet()
	localesDir := filepath.Join(root, "locales")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == root {
				return nil
			}
			name := d.Name()
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // a nested module is not part of this one
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			problems = append(problems, err.Error())
			return nil
		}
		bare := filepath.Dir(path) == localesDir // Msg(...) inside package locales
		names := map[string]bool{}               // the file's names for the locales package
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p != localesPath {
				continue
			}
			switch {
			case imp.Name == nil:
				names["locales"] = true
			case imp.Name.Name == ".":
				bare = true
			default:
				names[imp.Name.Name] = true
			}
		}
		if !bare && len(names) == 0 {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isMsgFunc(call.Fun, bare, names) {
				return true
			}
			pos := fset.Position(call.Pos())
			if rel, err := filepath.Rel(root, pos.Filename); err == nil {
				pos.Filename = rel
			}
			at := fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
			if len(call.Args) == 0 {
				return true // does not compile; the compiler reports it
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				problems = append(problems, fmt.Sprintf("%s: the first argument of Msg must be a string literal (the message id), not %s",
					at, exprString(fset, call.Args[0])))
				return true
			}
			id, err := strconv.Unquote(lit.Value)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", at, err))
				return true
			}
			used[id] = append(used[id], at)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	return used, problems
}

func isMsgFunc(fun ast.Expr, bare bool, names map[string]bool) bool {
	switch f := fun.(type) {
	case *ast.Ident:
		return bare && f.Name == "Msg"
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && f.Sel.Name == "Msg" && names[x.Name]
	}
	return false
}

func exprString(fset *token.FileSet, e ast.Expr) string {
	start, end := fset.Position(e.Pos()), fset.Position(e.End())
	src, err := os.ReadFile(start.Filename)
	if err != nil || end.Offset > len(src) {
		return fmt.Sprintf("%T", e)
	}
	return string(src[start.Offset:end.Offset])
}

// templateVar finds the argument names a template uses: {{.Name}}, {{if gt .Count 1}}, {{.Name | printf "%s"}}.
var (
	templateAction = regexp.MustCompile(`\{\{(.*?)\}\}`)
	templateVar    = regexp.MustCompile(`(?:^|[^\w.])\.([A-Za-z_]\w*)`)
)

func templateVars(m *i18n.Message) []string {
	seen := map[string]bool{}
	for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		for _, action := range templateAction.FindAllStringSubmatch(src, -1) {
			for _, v := range templateVar.FindAllStringSubmatch(action[1], -1) {
				seen[v[1]] = true
			}
		}
	}
	return sortedKeys(seen)
}

// TestCatalogMessagesRender renders every message of both catalogs with placeholder arguments, so a
// typo in a template shows up here rather than as a fallback on a user's screen.
func TestCatalogMessagesRender(t *testing.T) {
	c := MustLoad()
	for _, lang := range []Lang{ID, EN} {
		for _, id := range c.IDs(lang) {
			vars := templateVars(c.lang(lang).msgs[id])
			counts := []any{nil}
			if slices.Contains(vars, "Count") {
				counts = []any{0, 1, 2, 27}
			}
			for _, count := range counts {
				args := map[string]any{}
				for _, v := range vars {
					args[v] = "‹" + v + "›"
				}
				if count != nil {
					args["Count"] = count
				}
				if len(args) == 0 {
					args = nil
				}
				got, err := c.localize(lang, id, args)
				switch {
				case err != nil:
					t.Errorf("%s %q with %v: %v", lang, id, args, err)
				case got == "":
					t.Errorf("%s %q with %v renders empty", lang, id, args)
				case strings.Contains(got, "<no value>"):
					t.Errorf("%s %q with %v renders %q", lang, id, args, got)
				}
			}
		}
	}
}

// TestCatalogVariablesMatch checks that a message uses the same arguments in both languages: a call
// site passes one set of arguments, so {{.Nmae}} in one translation would show "<no value>".
func TestCatalogVariablesMatch(t *testing.T) {
	c := MustLoad()
	for _, id := range c.IDs(ID) {
		en := c.en.msgs[id]
		if en == nil {
			continue // TestCatalogsMatchCode reports it
		}
		idVars, enVars := templateVars(c.id.msgs[id]), templateVars(en)
		if !slices.Equal(idVars, enVars) {
			t.Errorf("message %q uses arguments %v in id.toml but %v in en.toml", id, idVars, enVars)
		}
	}
}

func TestTemplateVars(t *testing.T) {
	m := &i18n.Message{
		One:   "{{.Count}} seat left in {{ .Meetup }}.",
		Other: `{{if gt .Count 1}}{{.Count}} seats{{end}} at {{.Venue | printf "%s"}}, {{"a.b"}} 3.5`,
	}
	want := []string{"Count", "Meetup", "Venue"}
	if got := templateVars(m); !slices.Equal(got, want) {
		t.Errorf("templateVars = %v, want %v", got, want)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestCollectMsgIDs runs the scanner of TestCatalogsMatchCode on a small module.
func TestCollectMsgIDs(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n",
		"locales/l.go": `package locales
func Msg(id string, kv ...any) {}
var _ = Msg("in.locales")`,
		"flows/a.go": `package flows
import "example.com/m/locales"
type reply struct{}
func (reply) Msg(s string) {}
type Text string
func f(id string) {
	locales.Msg("flows.literal", "Name", "Vita")
	locales.Msg(id)
	reply{}.Msg(id) // another Msg: not ours
	Msg(id)         // flows' own Msg: not ours
}
func Msg(s string) Text { return Text(s) }`,
		"bot/b.go": `package bot
import l "example.com/m/locales"
var _ = l.Msg("bot.alias")`,
		"bot/dot.go": `package bot
import . "example.com/m/locales"
var _ = Msg("bot." + "dot")`,
		"bot/b_test.go":         `package bot; import "example.com/m/locales"; var _ = locales.Msg("in.test")`,
		"testdata/x.go":         `package x; import "example.com/m/locales"; var _ = locales.Msg("in.testdata")`,
		".hidden/x.go":          `package x; import "example.com/m/locales"; var _ = locales.Msg("in.hidden")`,
		"vendor/v/x.go":         `package v; import "example.com/m/locales"; var _ = locales.Msg("in.vendor")`,
		"tools/go.mod":          "module example.com/tools\n",
		"tools/x.go":            `package x; import "example.com/m/locales"; var _ = locales.Msg("in.nested")`,
		"other/x.go":            `package x; import "example.com/other/locales"; var _ = locales.Msg(nonLiteral)`,
		"cmd/alumnibot/main.go": "package main\nimport \"example.com/m/locales\"\nfunc main() { _ = locales.Msg(`cmd.raw`) }",
	}
	for name, src := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	used, problems := collectMsgIDs(t, root, "example.com/m/locales")
	wantUsed := []string{"bot.alias", "cmd.raw", "flows.literal", "in.locales"}
	if got := sortedKeys(used); !slices.Equal(got, wantUsed) {
		t.Errorf("used ids = %v, want %v", got, wantUsed)
	}
	wantProblems := []string{
		filepath.Join("bot", "dot.go") + `:3: the first argument of Msg must be a string literal (the message id), not "bot." + "dot"`,
		filepath.Join("flows", "a.go") + ":8: the first argument of Msg must be a string literal (the message id), not id",
	}
	slices.Sort(problems)
	if !slices.Equal(problems, wantProblems) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(wantProblems, "\n"))
	}
}
