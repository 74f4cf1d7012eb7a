package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestConsoleOnboardsFromAPipe(t *testing.T) {
	script := strings.Join([]string{
		"/start", "1", // the name button
		"Jambi", "Kota Jambi", "banyak", "dua puluh tujuh",
		"1", // consent
		"/profil",
	}, "\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"console"}, env(nil), strings.NewReader(script), &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"hilang saat konsol ditutup", // it says nothing is kept
		"> /start",
		"[1] Vita",
		"Tulis pakai angka ya",
		"Beres, Vita! 🎉",
		"Kabupaten/kota: Kota Jambi",
		"Gelombang: 27",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
}

// The console is one person at a keyboard: a script longer than the flood limit is answered line by
// line, none dropped.
func TestConsoleAnswersALongScript(t *testing.T) {
	lines := []string{"/start"}
	for len(lines) < 30 {
		lines = append(lines, "x") // not a name: a re-prompt each time
	}
	if len(lines) <= flows.FloodLimit {
		t.Fatalf("the script has %d lines, not more than the flood limit %d", len(lines), flows.FloodLimit)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"console"}, env(nil), strings.NewReader(strings.Join(lines, "\n")), &out, &out); err != nil {
		t.Fatal(err)
	}
	// The output is the banner, then per line "> line" and the bot's answer ("🤖 …"), then the goodbye.
	turns := strings.Split(out.String(), "\n> ")[1:]
	if len(turns) != len(lines) {
		t.Fatalf("%d lines echoed, want %d:\n%s", len(turns), len(lines), out.String())
	}
	for i, turn := range turns {
		if !strings.Contains(turn, "🤖 ") {
			t.Errorf("line %d (%q) got no answer:\n%s", i+1, lines[i], turn)
		}
		if strings.Contains(turn, "Pelan-pelan") {
			t.Errorf("line %d (%q) was answered with the flood warning:\n%s", i+1, lines[i], turn)
		}
	}
}

func TestConsoleEnglish(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"console", "-lang", "en"}, env(nil), strings.NewReader("/start\n"), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "What's your name?") {
		t.Errorf("English console:\n%s", out.String())
	}
}

func TestBadConfigNamesTheVariable(t *testing.T) {
	base := map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc", "REDIS_URL": "redis://localhost:6379/0"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{with("TELEGRAM_BOT_TOKEN", ""), "TELEGRAM_BOT_TOKEN"},
		{with("REDIS_URL", ""), "REDIS_URL"},
		{with("TELEGRAM_API_URL", "ftp://x"), "TELEGRAM_API_URL"},
		{with("WEBHOOK_URL", "https://bot.example.org/hook"), "WEBHOOK_SECRET"},
		{with("WORKERS", "lots"), "WORKERS"},
		{with("LOG_LEVEL", "loud"), "LOG_LEVEL"},
		{with("ADMIN_IDS", "123,abc"), "ADMIN_IDS"},
	} {
		_, err := loadConfig(env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("loadConfig(%v) = %v, want an error naming %s", tc.env, err, tc.want)
		}
	}
	c, err := loadConfig(env(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.APIURL != "https://api.telegram.org" || c.HTTPAddr != ":8080" || c.RedisPrefix != "ab:" || c.Workers != 64 {
		t.Errorf("defaults = %+v", c)
	}
	// serve stops at start with the same message.
	var out bytes.Buffer
	err = run(context.Background(), []string{"serve"}, env(with("REDIS_URL", "")), nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "REDIS_URL") {
		t.Errorf("serve with bad config = %v", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"fly"}, env(nil), nil, &out, &out); err == nil {
		t.Fatal("unknown command accepted")
	}
}

// Loading the meetup file again changes nothing; a cancellation made in the bot stands; a
// cancellation in the file tells the alumni.
func TestLoadMeetups(t *testing.T) {
	ctx := context.Background()
	st := store.New(redistest.Start(t).Client(t), "")
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	path := filepath.Join(t.TempDir(), "meetups.yaml")
	demo, err := os.ReadFile("../../meetupfile/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, demo, 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if n, err := loadMeetups(ctx, st, atlas, path, quiet); err != nil || n != 2 {
			t.Fatalf("load = %d, %v", n, err)
		}
	}
	if _, err := st.Reserve(ctx, "jambi-2027", 7, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	// An organizer gives Jambi more seats in the bot; a restart with the same file keeps them.
	j, _ := st.Meetup(ctx, "jambi-2027")
	j.Capacity += 30
	if w, err := st.WriteMeetup(ctx, *j, flows.WriteEdit, "", time.Now()); err != nil || w.Status != flows.WriteSaved {
		t.Fatalf("edit = %+v, %v", w, err)
	}
	if _, err := loadMeetups(ctx, st, atlas, path, quiet); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Meetup(ctx, "jambi-2027"); got.Capacity != j.Capacity {
		t.Errorf("capacity %d after a restart with the old file, want the edit (%d) to stand", got.Capacity, j.Capacity)
	}
	g, _ := st.Meetup(ctx, "gorontalo-2027")
	if _, err := st.CancelMeetup(ctx, *g); err != nil {
		t.Fatal(err)
	}
	// The file still says Gorontalo is published and now cancels Jambi.
	cancelled := strings.Replace(string(demo), "    regency: Kota Jambi\n", "    regency: Kota Jambi\n    status: cancelled\n", 1)
	if err := os.WriteFile(path, []byte(cancelled), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadMeetups(ctx, st, atlas, path, quiet); err != nil {
		t.Fatal(err)
	}
	if g, _ := st.Meetup(ctx, "gorontalo-2027"); g.Status != flows.MeetupCancelled {
		t.Errorf("gorontalo = %s, want it to stay cancelled", g.Status)
	}
	if j, _ := st.Meetup(ctx, "jambi-2027"); j.Status != flows.MeetupCancelled {
		t.Errorf("jambi = %s, want cancelled", j.Status)
	}
	ns, err := st.PeekNotices(ctx, "jambi-2027", 10)
	if err != nil || len(ns) != 1 || ns[0].Kind != flows.NoticeCancelled || ns[0].Alumnus != 7 {
		t.Errorf("jambi notices = %+v, %v", ns, err)
	}
}
