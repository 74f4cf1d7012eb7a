package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/ticket"
)

// config is everything `serve` reads from the environment. The README's table lists the same names.
type config struct {
	Token         string     // TELEGRAM_BOT_TOKEN
	APIURL        string     // TELEGRAM_API_URL
	RedisURL      string     // REDIS_URL
	RedisPrefix   string     // REDIS_PREFIX
	WebhookURL    string     // WEBHOOK_URL
	WebhookSecret string     // WEBHOOK_SECRET
	HTTPAddr      string     // HTTP_ADDR
	Workers       int        // WORKERS
	EventsFile    string     // EVENTS_FILE
	AdminIDs      []int64    // ADMIN_IDS
	CheckinSecret []byte     // CHECKIN_SECRET, else derived from the bot token
	LogLevel      slog.Level // LOG_LEVEL
	// ModerationChat is MODERATION_CHAT_ID: the group where new stories wait for approval; 0: none.
	ModerationChat int64
	BroadcastRate  float64 // BROADCAST_RATE: bulk messages per second, all replicas together
	BroadcastPaid  bool    // BROADCAST_PAID: allow_paid_broadcast, rate up to 1,000/s
}

// loadConfig reads and checks the configuration; an error names the variable at fault.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Token:         getenv("TELEGRAM_BOT_TOKEN"),
		APIURL:        orDefault(getenv("TELEGRAM_API_URL"), "https://api.telegram.org"),
		RedisURL:      getenv("REDIS_URL"),
		RedisPrefix:   orDefault(getenv("REDIS_PREFIX"), "ab:"),
		WebhookURL:    getenv("WEBHOOK_URL"),
		WebhookSecret: getenv("WEBHOOK_SECRET"),
		HTTPAddr:      orDefault(getenv("HTTP_ADDR"), ":8080"),
		Workers:       64,
		EventsFile:    getenv("EVENTS_FILE"),
	}
	if c.Token == "" {
		return c, fmt.Errorf("TELEGRAM_BOT_TOKEN is required (the token @BotFather gave you)")
	}
	if strings.ContainsAny(c.Token, " /?#") {
		return c, fmt.Errorf("TELEGRAM_BOT_TOKEN looks wrong: it should be like 123456:ABC-DEF")
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("TELEGRAM_API_URL must be an http(s) URL, got %q", c.APIURL)
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if c.RedisURL == "" {
		return c, fmt.Errorf("REDIS_URL is required, e.g. redis://localhost:6379/0")
	}
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			return c, fmt.Errorf("WEBHOOK_URL must be a public https URL, got %q", c.WebhookURL)
		}
		if err := checkWebhookSecret(c.WebhookSecret); err != nil {
			return c, err
		}
	}
	for _, f := range strings.FieldsFunc(getenv("ADMIN_IDS"), func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return c, fmt.Errorf("ADMIN_IDS must be Telegram user ids separated by commas, got %q", f)
		}
		c.AdminIDs = append(c.AdminIDs, id)
	}
	if v := getenv("CHECKIN_SECRET"); v != "" {
		if len(v) < ticket.MinSecretLen {
			return c, fmt.Errorf("CHECKIN_SECRET must be at least %d characters", ticket.MinSecretLen)
		}
		c.CheckinSecret = []byte(v)
	} else {
		// Every replica derives the same secret; a new bot token voids the tickets handed out.
		h := hmac.New(sha256.New, []byte(c.Token))
		h.Write([]byte("alumnibot check-in"))
		c.CheckinSecret = h.Sum(nil)
	}
	if v := getenv("WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 4096 {
			return c, fmt.Errorf("WORKERS must be a number from 1 to 4096, got %q", v)
		}
		c.Workers = n
	}
	if v := getenv("MODERATION_CHAT_ID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id == 0 {
			return c, fmt.Errorf("MODERATION_CHAT_ID must be the group's chat id, such as -1001234567890, got %q", v)
		}
		c.ModerationChat = id
	}
	if err := c.loadBroadcast(getenv); err != nil {
		return c, err
	}
	if err := c.LogLevel.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, got %q", getenv("LOG_LEVEL"))
	}
	return c, nil
}

// Telegram takes a secret_token of 1–256 characters of A-Z a-z 0-9 _ -; we ask for at least 16 so it
// cannot be guessed.
const (
	minWebhookSecret = 16
	maxWebhookSecret = 256
)

// checkWebhookSecret checks WEBHOOK_SECRET against what setWebhook accepts, so a bad one stops the
// start with a clear line instead of a Bot API error.
func checkWebhookSecret(v string) error {
	switch {
	case v == "":
		return fmt.Errorf("WEBHOOK_SECRET is required when WEBHOOK_URL is set (%d–%d characters of A-Z a-z 0-9 _ -)", minWebhookSecret, maxWebhookSecret)
	case len(v) < minWebhookSecret:
		return fmt.Errorf("WEBHOOK_SECRET is %d characters long, want at least %d (of A-Z a-z 0-9 _ -)", len(v), minWebhookSecret)
	case len(v) > maxWebhookSecret:
		return fmt.Errorf("WEBHOOK_SECRET is %d characters long, Telegram takes at most %d", len(v), maxWebhookSecret)
	case strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "":
		return fmt.Errorf("WEBHOOK_SECRET may only hold A-Z a-z 0-9 _ - (Telegram refuses other characters)")
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// loadBroadcast reads the bulk lane's rate: BROADCAST_RATE messages a second over every replica, at
// most Telegram's free 30, or 1,000 with BROADCAST_PAID=1 (paid broadcasts).
func (c *config) loadBroadcast(getenv func(string) string) error {
	switch v := getenv("BROADCAST_PAID"); v {
	case "", "0", "false":
	case "1", "true":
		c.BroadcastPaid = true
	default:
		return fmt.Errorf("BROADCAST_PAID must be 1 or 0, got %q", v)
	}
	c.BroadcastRate = bot.DefaultBroadcastRate
	limit := float64(bot.MaxFreeRate)
	if c.BroadcastPaid {
		limit = bot.MaxPaidRate
	}
	if v := getenv("BROADCAST_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 1 || r > limit {
			if !c.BroadcastPaid && err == nil && r > limit && r <= bot.MaxPaidRate {
				return fmt.Errorf("BROADCAST_RATE above %d needs BROADCAST_PAID=1 (paid broadcasts), got %q", bot.MaxFreeRate, v)
			}
			return fmt.Errorf("BROADCAST_RATE must be messages per second from 1 to %.0f, got %q", limit, v)
		}
		c.BroadcastRate = r
	}
	return nil
}
