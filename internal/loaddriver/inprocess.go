package loaddriver

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// BotConfig wires an in-process bot for StartBot.
type BotConfig struct {
	APIURL  string                // the fake Bot API server
	Token   string                // any token the server accepts; "" means a fixed test token
	Redis   redis.UniversalClient // its pool should cover Workers
	Prefix  string                // key prefix; "" means store.DefaultPrefix
	Workers int                   // 0 means the bot's default (64)
	Log     *slog.Logger          // nil discards the bot's logs
}

// StartBot runs the real bot — bot.Bot over flows.Engine over store.Store, wired as `alumnibot serve`
// wires them, long polling cfg.APIURL — until stop is called. stop finishes the updates in flight,
// confirms them to the server and returns Run's error; calling it again returns the same.
func StartBot(cfg BotConfig) (stop func() error, err error) {
	atlas, err := area.Load()
	if err != nil {
		return nil, err
	}
	cat, err := locales.Load()
	if err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		cfg.Token = "123456789:alumniload"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Redis == nil {
		return nil, errors.New("loaddriver: BotConfig.Redis is required")
	}
	st := store.New(cfg.Redis, cfg.Prefix)
	b, err := bot.New(bot.Config{
		Token: cfg.Token, APIURL: cfg.APIURL, Workers: cfg.Workers,
		Engine: &flows.Engine{App: &flows.App{Atlas: atlas}, Sessions: st}, Users: st, Catalog: cat,
		Log: cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	return sync.OnceValue(func() error {
		cancel()
		return <-done
	}), nil
}
