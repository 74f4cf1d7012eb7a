package flows

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Every name, command and link prefix belongs to one flow: the registry would silently keep the
// first of two.
func TestRegistryIsUnambiguous(t *testing.T) {
	names, commands := map[string]string{}, map[string]string{}
	var links []string
	for _, f := range registry.all {
		if prev, dup := names[f.Name()]; dup || f.Name() == "" {
			t.Errorf("flow name %q of %T taken by %s", f.Name(), f, prev)
		}
		names[f.Name()] = f.Name()
		for _, e := range f.Entries() {
			if (e.Command == "") == (e.Link == "") {
				t.Errorf("%T: entry %+v needs a command or a link, not both", f, e)
			}
			if e.Command != "" {
				if prev, dup := commands[e.Command]; dup {
					t.Errorf("/%s claimed by %s and %s", e.Command, prev, f.Name())
				}
				commands[e.Command] = f.Name()
			}
			if e.Link != "" {
				links = append(links, e.Link)
			}
		}
		if st := f.State(); st != nil {
			if raw, err := json.Marshal(st); err != nil || string(raw) != "{}" {
				t.Errorf("%T: zero state encodes as %s (%v), want {}", f, raw, err)
			}
		}
	}
	for i, a := range links { // no prefix may shadow another
		for j, b := range links {
			if i != j && len(a) <= len(b) && b[:len(a)] == a {
				t.Errorf("link prefix %q shadows %q", a, b)
			}
		}
	}
}

// A conversation whose state an older version of the bot left, and which does not decode into the
// flow's type, ends cleanly: the input is handled as if the chat were idle, nobody is locked out.
func TestUndecodableStateStartsOver(t *testing.T) {
	cases := []struct {
		name string
		conv Conv
		in   Input
		want []string
	}{
		{"onboarding, wave stored as text", Conv{Flow: "ob", Step: "consent", Nonce: 5, State: json.RawMessage(`{"name":"Vita","wave":"27"}`)},
			Input{Kind: KindText, Text: "halo"}, []string{"welcome.new+onboard.ask_name"}},
		{"unknown flow", Conv{Flow: "zz", Step: "x", Nonce: 2},
			Input{Kind: KindText, Text: "halo"}, []string{"welcome.new+onboard.ask_name"}},
		{"state that is no object", Conv{Flow: "pf", Step: "province", Nonce: 2, State: json.RawMessage(`"x"`)},
			Input{Kind: KindButton, Data: "pf:2:p:15"}, []string{"button.stale+onboard.ask_name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app := newApp(t)
			c.in.UserID, c.in.UpdateID, c.in.Now, c.in.FirstName = 77, 1, testNow, "Vita"
			s, res, err := app.Step(context.Background(), Session{Conv: c.conv}, c.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, ids(res)); diff != "" {
				t.Errorf("replies (-want +got):\n%s", diff)
			}
			if s.Conv.Nonce <= c.conv.Nonce {
				t.Errorf("nonce %d did not move on from %d: old buttons would still work", s.Conv.Nonce, c.conv.Nonce)
			}
			if err := checkSession(s); err != nil {
				t.Error(err)
			}
		})
	}
}
