package loaddriver

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
	"github.com/alumnibot/alumnibot/ticket"
)

// BotConfig wires an in-process bot for StartBot.
type BotConfig struct {
	APIURL  string                // the fake Bot API server
	Token   string                // any token the server accepts; "" means a fixed test token
	Redis   redis.UniversalClient // its pool should cover Workers
	Prefix  string                // key prefix; "" means store.DefaultPrefix
	Workers int                   // 0 means the bot's default (64)
	Log     *slog.Logger          // nil discards the bot's logs
	// WebhookURL and WebhookSecret make the bot take updates by webhook, served on HTTPAddr (e.g.
	// "127.0.0.1:0") at WebhookURL's path; "" polls.
	WebhookURL, WebhookSecret, HTTPAddr string
}

// StartBot runs the real bot — bot.Bot over flows.Engine over store.Store, wired as `alumnibot serve`
// wires them (meetups, tickets and their files included), long polling cfg.APIURL — until stop is
// called. stop finishes the updates in flight, confirms them to the server and returns Run's error;
// calling it again returns the same.
func StartBot(cfg BotConfig) (stop func() error, err error) {
	_, stop, err = StartWebhookBot(cfg)
	return stop, err
}

// StartWebhookBot is StartBot for a bot that may take its updates by webhook (cfg.WebhookURL): it
// returns once the bot's HTTP server listens, with its address.
func StartWebhookBot(cfg BotConfig) (addr string, stop func() error, err error) {
	atlas, err := area.Load()
	if err != nil {
		return "", nil, err
	}
	cat, err := locales.Load()
	if err != nil {
		return "", nil, err
	}
	if cfg.Token == "" {
		cfg.Token = "123456789:alumniload"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Redis == nil {
		return "", nil, errors.New("loaddriver: BotConfig.Redis is required")
	}
	st := store.New(cfg.Redis, cfg.Prefix)
	signer, err := ticket.NewSigner([]byte("alumniload check-in secret, not for production"))
	if err != nil {
		return "", nil, err
	}
	app := &flows.App{Atlas: atlas, Meetups: st, Roles: st, Grants: st, Desk: st, Writer: st, Reports: st, Tickets: signer}
	files := &attach.Renderer{Meetups: st, Atlas: atlas, Signer: signer, BotUsername: func() string { return app.BotUsername }}
	b, err := bot.New(bot.Config{
		Token: cfg.Token, APIURL: cfg.APIURL, Workers: cfg.Workers,
		WebhookURL: cfg.WebhookURL, WebhookSecret: cfg.WebhookSecret, HTTPAddr: cfg.HTTPAddr,
		Engine: &flows.Engine{App: app, Sessions: st}, Users: st, Files: files, Catalog: cat, Transient: store.Transient,
		Log: cfg.Log, OnConnect: func(username string) { app.BotUsername = username },
	})
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	stop = sync.OnceValue(func() error {
		cancel()
		return <-done
	})
	select {
	case <-b.Ready():
	case err := <-done:
		cancel()
		if err == nil {
			err = errors.New("loaddriver: the bot stopped at once")
		}
		done <- err
		return "", stop, err
	}
	return b.Addr(), stop, nil
}
