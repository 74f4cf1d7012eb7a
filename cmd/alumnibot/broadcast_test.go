package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// `alumnibot reindex` rebuilds the audience indexes from the profiles.
func TestReindexCommand(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	st := store.New(rdb, "")
	p := &flows.Profile{Name: "Vita", Province: "15", Regency: "15.71", Wave: 27, Lang: "id", Active: true}
	if err := st.Commit(ctx, flows.Commit{User: 7, Update: 1, Next: flows.Session{Profile: p}}); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Del(ctx, "ab:aud:{a7}:n").Err(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	getenv := func(k string) string {
		if k == "REDIS_URL" {
			return srv.URL
		}
		return ""
	}
	if err := run(ctx, []string{"reindex"}, getenv, strings.NewReader(""), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "indexed 1 active alumni") {
		t.Errorf("output %q", out.String())
	}
	if n, _ := st.AudienceSize(ctx, flows.Audience{Kind: flows.AudAll}); n != 1 {
		t.Errorf("audience after reindex = %d, want 1", n)
	}
}

// The console has no message to copy: an announcement is written, previewed and sent as typed.
func TestConsoleAnnouncement(t *testing.T) {
	script := strings.Join([]string{"/siaran", "1", "Halo semua alumni!", "1", "2", "2"}, "\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"console", "-admin"}, env(nil), strings.NewReader(script), &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Tulis pengumumannya", "Siapa yang menerima", "🤖 Halo semua alumni!", "Akan dikirim ke"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
}
