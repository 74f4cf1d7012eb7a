package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/alumnibot/alumnibot/flows"
)

// The broadcast runner moves announcements along on every replica: it starts scheduled ones that are
// due, builds recipient lists, feeds recipients into the bulk lane, and keeps each organizer's
// progress message current. Every step is safe on several replicas at once: building and feeding are
// scripts guarded by the job's cursors, a progress edit needs a lock that lives ProgressEvery (so the
// message is edited at most that often, by one replica), and the final summary is claimed once.

// Runner defaults.
const (
	DefaultBroadcastEvery = 500 * time.Millisecond
	ProgressEvery         = 3 * time.Second
	feedWindow            = 2 * time.Second // the stream holds about 2 × rate × this: enough for the lane's next pass
	minWaiting            = 100
	buildLease            = 5 * time.Minute
)

// BroadcastRunnerConfig configures a runner.
type BroadcastRunnerConfig struct {
	Store BroadcastStore
	App   *flows.App
	// Rate is the bulk lane's messages per second (BROADCAST_RATE): the feeder keeps about
	// 2 × Rate × 2 s entries waiting per job, never all of a job at once.
	Rate  float64
	Every time.Duration // between passes; default 500 ms
}

// BroadcastRunner is one replica's runner.
type BroadcastRunner struct {
	cfg BroadcastRunnerConfig
	bot *Bot
	log *slog.Logger
}

// BroadcastRunner builds this replica's runner; Run it on every replica.
func (b *Bot) BroadcastRunner(cfg BroadcastRunnerConfig) *BroadcastRunner {
	if cfg.Every <= 0 {
		cfg.Every = DefaultBroadcastEvery
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 25
	}
	return &BroadcastRunner{cfg: cfg, bot: b, log: b.log.With("part", "broadcasts")}
}

// Run makes a pass every Every until ctx ends.
func (r *BroadcastRunner) Run(ctx context.Context) {
	t := time.NewTicker(r.cfg.Every)
	defer t.Stop()
	for {
		if err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("broadcast pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *BroadcastRunner) maxWaiting() int {
	return max(minWaiting, int(2*r.cfg.Rate*feedWindow.Seconds()))
}

// RunOnce starts what is due and moves every active job one step.
func (r *BroadcastRunner) RunOnce(ctx context.Context) error {
	st := r.cfg.Store
	now := r.bot.cfg.Now()
	if _, err := st.StartDueBroadcasts(ctx, now); err != nil {
		return err
	}
	ids, err := st.ActiveBroadcasts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		if err := r.step(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *BroadcastRunner) step(ctx context.Context, id string) error {
	st := r.cfg.Store
	job, err := st.Broadcast(ctx, id)
	if err != nil {
		return err
	}
	if job == nil {
		return st.FinishBroadcast(ctx, id)
	}
	switch job.State {
	case flows.BcBuilding:
		unlock, ok, err := st.Lock(ctx, "bc-build:"+id, buildLease)
		if err != nil || !ok {
			return err
		}
		_, err = st.BuildBroadcast(ctx, id, r.bot.cfg.Now())
		unlock()
		if err != nil {
			return err
		}
	case flows.BcSending:
		w := r.maxWaiting()
		if _, err := st.Feed(ctx, id, w, w, r.bot.cfg.Now()); err != nil {
			return err
		}
	}
	if job.State == flows.BcSending || job.State == flows.BcFed {
		if err := st.RegisterBroadcastQueue(ctx, id); err != nil {
			return err
		}
	}
	return r.progress(ctx, id, job)
}

// progress edits the organizer's message: at most every ProgressEvery while the job runs (by whichever
// replica takes the lock), and once with the summary when it is over.
func (r *BroadcastRunner) progress(ctx context.Context, id string, job *flows.Broadcast) error {
	st := r.cfg.Store
	if job.State == flows.BcScheduled {
		return nil
	}
	if job.Over() {
		mine, err := st.ClaimSummary(ctx, id)
		if err != nil {
			return err
		}
		if mine {
			if fresh, err := st.Broadcast(ctx, id); err == nil && fresh != nil {
				job = fresh
			}
			r.show(ctx, job)
		}
		return st.FinishBroadcast(ctx, id)
	}
	if _, ok, err := st.Lock(ctx, "bc-progress:"+id, ProgressEvery); err != nil || !ok {
		return err // held: edited less than ProgressEvery ago (the lock is left to expire)
	}
	r.show(ctx, job)
	return nil
}

// show puts the job's figures on the organizer's progress message, sending one if it has none yet
// (a scheduled job that just started). Failures are logged: the next edit tries again.
func (r *BroadcastRunner) show(ctx context.Context, job *flows.Broadcast) {
	b := r.bot
	rp := r.cfg.App.BroadcastProgress(*job, b.cfg.Now())
	text := b.cfg.Catalog.Render(job.Lang, rp.Text)
	markup := b.keyboard(job.Lang, rp.Buttons)
	if job.Progress == 0 {
		err := b.send.do(ctx, "sendMessage", func(ctx context.Context) error {
			p := &tg.SendMessageParams{ChatID: job.Organizer, Text: text}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			msg, err := b.api.SendMessage(ctx, p)
			if err == nil && msg != nil {
				job.Progress = msg.ID
			}
			return err
		})
		if err == nil && job.Progress != 0 {
			err = r.cfg.Store.SetBroadcastProgress(ctx, job.ID, job.Progress)
		}
		if err != nil {
			r.log.Warn("broadcast progress", "broadcast", job.ID, "err", err)
		}
		return
	}
	err := b.send.do(ctx, "editMessageText", func(ctx context.Context) error {
		_, err := b.api.EditMessageText(ctx, &tg.EditMessageTextParams{
			ChatID: job.Organizer, MessageID: job.Progress, Text: text, ReplyMarkup: markup,
		})
		return err
	})
	if err != nil && !strings.Contains(err.Error(), "message is not modified") {
		r.log.Warn("broadcast progress", "broadcast", job.ID, "err", err)
	}
}
