package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestConsoleOnboardsFromAPipe(t *testing.T) {
	script := strings.Join([]string{
		"/start", "1", // the name button
		"Jambi", "Kota Jambi", "dua puluh", "27",
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
		"Hmm, itu belum berupa angka",
		"Beres, Vita! 🎉",
		"Kabupaten/kota: Kota Jambi",
		"Gelombang: 27",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
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
