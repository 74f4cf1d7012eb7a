package main

import (
	"strings"
	"testing"
)

func TestModerationChatID(t *testing.T) {
	base := func(kv map[string]string) func(string) string {
		m := map[string]string{"TELEGRAM_BOT_TOKEN": "123456:ABC-DEF", "REDIS_URL": "redis://localhost:6379/0"}
		for k, v := range kv {
			m[k] = v
		}
		return env(m)
	}
	c, err := loadConfig(base(nil))
	if err != nil || c.ModerationChat != 0 {
		t.Fatalf("unset: %d, %v", c.ModerationChat, err)
	}
	c, err = loadConfig(base(map[string]string{"MODERATION_CHAT_ID": "-1001234567890"}))
	if err != nil || c.ModerationChat != -1001234567890 {
		t.Fatalf("set: %d, %v", c.ModerationChat, err)
	}
	for _, bad := range []string{"0", "grup", "-100x"} {
		if _, err := loadConfig(base(map[string]string{"MODERATION_CHAT_ID": bad})); err == nil || !strings.Contains(err.Error(), "MODERATION_CHAT_ID") {
			t.Errorf("MODERATION_CHAT_ID=%q: %v; want an error naming it", bad, err)
		}
	}
}
