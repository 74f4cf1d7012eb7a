package main

import (
	"strings"
	"testing"
)

// WEBHOOK_SECRET is checked at start against what setWebhook takes, with one line naming it.
func TestWebhookSecretLimits(t *testing.T) {
	base := map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc", "REDIS_URL": "redis://localhost:6379/0",
		"WEBHOOK_URL": "https://bot.example.org/hook"}
	for _, tc := range []struct {
		secret string
		ok     bool
	}{
		{"", false},
		{strings.Repeat("a", 15), false},
		{strings.Repeat("a", 16), true},
		{strings.Repeat("Az09_-", 42) + "abcd", true}, // 256
		{strings.Repeat("a", 257), false},
		{strings.Repeat("a", 16) + "!", false},
		{strings.Repeat("a", 16) + " ", false},
		{strings.Repeat("é", 16), false},
	} {
		env := map[string]string{"WEBHOOK_SECRET": tc.secret}
		for k, v := range base {
			env[k] = v
		}
		c, err := loadConfig(func(k string) string { return env[k] })
		switch {
		case tc.ok && err != nil:
			t.Errorf("a %d-character secret refused: %v", len(tc.secret), err)
		case tc.ok && c.WebhookSecret != tc.secret:
			t.Errorf("secret not kept")
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), "WEBHOOK_SECRET") || strings.Contains(err.Error(), "\n")):
			t.Errorf("secret %q (%d bytes): err = %v, want one line naming WEBHOOK_SECRET", tc.secret, len(tc.secret), err)
		}
	}
	// Without WEBHOOK_URL the bot polls and the secret is not used.
	delete(base, "WEBHOOK_URL")
	if _, err := loadConfig(func(k string) string { return base[k] }); err != nil {
		t.Errorf("polling without a secret: %v", err)
	}
}
