package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// startWorkers starts the per-chat scheduler: a chat's updates are applied one after another in
// arrival order, different chats in parallel on Workers goroutines. A slow chat holds only itself.
func (b *Bot) startWorkers(ctx context.Context) {
	b.chats = newChats(b.cfg.Workers, max(16*b.cfg.Workers, maxBatch), func(j job) { b.handle(ctx, j) })
}

func (b *Bot) stopWorkers() {
	b.chats.close()
}

// dispatch queues an update behind its chat's earlier ones; done is called once it was handled, with
// how (see handled). It waits only while the scheduler's buffer is full.
func (b *Bot) dispatch(u *models.Update, done func(in flows.Input, h handled)) {
	ib := convert(u, b.cfg.Now())
	b.metrics.inflight.Inc()
	j := job{ib: ib, done: done, start: time.Now()} // real time for the latency histogram, whatever the flows' clock
	if ib.chat == 0 {
		b.metrics.update(ib.kind)
		b.finish(j)
		return
	}
	if !b.chats.add(ib.chat, j) {
		// The scheduler closes only after the poller and the webhook server stopped; should an update
		// still come, it is handled here rather than dropped.
		b.handle(context.Background(), j)
	}
}

func (b *Bot) finish(j job) {
	b.metrics.inflight.Dec()
	b.metrics.duration.Observe(time.Since(j.start).Seconds())
	if j.done != nil {
		j.done(j.ib.in, j.h)
	}
}

// handle applies one update and carries out its replies. It never panics. The engine hands out the
// replies of an update applied before only when this replica claimed their sending (the one that
// applied it holds the claim, see flows.Sessions), so replicas holding the same update at once send
// them once; replies that fail are given up for the chat's next update or a redelivery to send.
func (b *Bot) handle(ctx context.Context, j job) {
	ib := j.ib
	defer func() { b.finish(j) }()
	defer func() {
		if r := recover(); r != nil {
			b.metrics.fail("panic")
			b.log.Error("panic while handling update", "update", ib.in.UpdateID, "chat", ib.chat, "panic", r, "stack", string(debug.Stack()))
			b.apologize(ctx, ib, locales.Common.Panic)
		}
	}()
	if ib.group != nil {
		b.handleGroup(ctx, ib)
		return
	}
	if ib.blocked {
		b.metrics.update(ib.kind)
		if err := b.cfg.Users.MarkInactive(ctx, ib.chat); err != nil {
			b.log.Warn("mark inactive", "chat", ib.chat, "err", err)
		}
		return
	}
	out, err := b.handleRetrying(ctx, ib.in)
	if err != nil {
		b.metrics.fail("handle")
		b.log.Error("handle update", "update", ib.in.UpdateID, "chat", ib.chat, "err", err)
		b.apologize(ctx, ib, locales.Common.Generic)
		return
	}
	kind := ib.kind
	if out.Skipped != "" {
		kind = out.Skipped
	}
	b.metrics.update(kind)
	if out.Skipped == "held" {
		j.h.held = true
		return
	}
	if ib.callbackID != "" {
		// A tap dropped by the flood limit is answered too, or its button keeps spinning: with a toast
		// saying why nothing happened, except on the tap that gets the warning as a message.
		notice := out.Notice
		if out.Skipped == "flood" && len(out.Replies) == 0 {
			notice = locales.Common.SlowDownShort
		}
		b.answerCallback(ctx, ib.callbackID, b.cfg.Catalog.Render(out.Lang, notice))
	}
	// Between the replies of an update that has several, note how many went out: a replay after a
	// crash then repeats at most the one being sent.
	progress := func(n int) {
		if err := b.cfg.Engine.Sent(ctx, ib.in, out.SentBefore+n); err != nil {
			b.log.Warn("note replies sent", "update", ib.in.UpdateID, "err", err) // a crash now repeats more
		}
	}
	if out.Skipped == "flood" {
		progress = nil
	}
	release := func() {}
	if out.Skipped != "flood" && len(out.Replies) > 0 {
		release = b.holdClaim(ctx, ib.in)
	}
	err = b.deliver(ctx, ib, out.Result, progress)
	release()
	if err != nil {
		b.metrics.fail("send")
		b.log.Warn("send replies", "update", ib.in.UpdateID, "chat", ib.chat, "err", err)
		if out.Skipped != "flood" {
			// Not lost: the chat's next update sends them first.
			if err := b.cfg.Engine.Undelivered(ctx, ib.in); err != nil {
				b.log.Warn("note undelivered", "update", ib.in.UpdateID, "err", err)
			}
		}
		return
	}
	j.h.sent = out.Skipped == "" || len(out.Replies) > 0
	if out.Forget {
		// Erased: the conversation's own records go too. Should this fail, they expire with the
		// conversation (store.ConvTTL).
		if err := b.cfg.Engine.Forget(ctx, ib.in); err != nil {
			b.log.Warn("forget an erased chat", "chat", ib.chat, "err", err)
		}
	}
}

// handleRetrying applies an update, again after a pause when that failed on a transient error
// (Config.Transient: Redis unreachable, hung, failing over), with the pauses of Config.HandleRetries: through a short outage the
// alumnus waits a little instead of being told to try again. On a hung Redis each attempt itself takes
// a few seconds (the client's timeouts), so the retries end once the pauses' total and handleSlack
// have passed since the first attempt. A step may run twice (see flows.Engine), so a retry has the
// same effects and the same answer as a first run.
func (b *Bot) handleRetrying(ctx context.Context, in flows.Input) (flows.Outcome, error) {
	budget := handleSlack
	for _, d := range b.cfg.HandleRetries {
		budget += d
	}
	start := time.Now()
	for i := 0; ; i++ {
		out, err := b.cfg.Engine.Handle(ctx, in)
		if err == nil || i >= len(b.cfg.HandleRetries) || b.cfg.Transient == nil || !b.cfg.Transient(err) ||
			time.Since(start)+b.cfg.HandleRetries[i] > budget {
			return out, err
		}
		b.metrics.fail("handle_retry")
		b.log.Warn("handle update: retrying", "update", in.UpdateID, "in", b.cfg.HandleRetries[i], "err", err)
		if sleepCtx(ctx, b.cfg.HandleRetries[i]) != nil {
			return out, err
		}
	}
}

// handleSlack is the time the attempts themselves may take, besides the pauses between them.
const handleSlack = 4 * time.Second

// holdClaim renews this replica's claim on the replies of in every Config.ClaimRenewal until release
// is called: however long the sending takes, no other replica sends them meanwhile, yet a replica
// that dies frees them within flows.ClaimTTL. A send that ends sooner costs a stopped timer.
func (b *Bot) holdClaim(ctx context.Context, in flows.Input) (release func()) {
	var (
		mu       sync.Mutex
		released bool
		t        *time.Timer
	)
	mu.Lock()
	defer mu.Unlock()
	t = time.AfterFunc(b.cfg.ClaimRenewal, func() {
		if err := b.cfg.Engine.Hold(ctx, in, b.cfg.Now()); err != nil {
			b.log.Warn("renew the claim on replies", "update", in.UpdateID, "err", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if !released {
			t.Reset(b.cfg.ClaimRenewal)
		}
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		released = true
		t.Stop()
	}
}

// apologize tells the user something went wrong, in their Telegram language; best effort.
func (b *Bot) apologize(ctx context.Context, ib inbound, msg locales.Text) {
	lang := locales.LangFromCode(ib.in.LangCode)
	if ib.callbackID != "" {
		b.answerCallback(ctx, ib.callbackID, "")
	}
	_ = b.deliver(ctx, ib, flows.Result{Lang: lang, Replies: []flows.Reply{{Text: msg}}}, nil)
}

func (b *Bot) answerCallback(ctx context.Context, id, text string) {
	// Failures don't matter: the spinner stops by itself, and a redelivered query is too old to answer.
	_ = b.send.do(ctx, "answerCallbackQuery", func(ctx context.Context) error {
		_, err := b.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
		return err
	})
}

// deliver sends a result's replies in order; progress (if not nil) hears how many went out after each
// one that has another after it. A user who blocked the bot is marked inactive.
func (b *Bot) deliver(ctx context.Context, ib inbound, res flows.Result, progress func(n int)) error {
	for i, r := range res.Replies {
		err := b.reply(ctx, ib, res.Lang, r)
		if errors.Is(err, ErrBlocked) {
			if err := b.cfg.Users.MarkInactive(ctx, ib.chat); err != nil {
				b.log.Warn("mark inactive", "chat", ib.chat, "err", err)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if progress != nil && i+1 < len(res.Replies) {
			progress(i + 1)
		}
	}
	return nil
}

func (b *Bot) reply(ctx context.Context, ib inbound, lang locales.Lang, r flows.Reply) error {
	ctx = withoutResult(ctx) // a reply never reads the message Telegram answers with
	text := b.cfg.Catalog.Render(lang, r.Text)
	markup := b.keyboard(lang, r.Buttons)
	if r.File != nil && b.cfg.Files != nil {
		f, err := b.cfg.Files.Render(ctx, *r.File, lang)
		if err != nil {
			return fmt.Errorf("render %s: %w", r.File.Kind, err)
		}
		return b.sendFile(ctx, ib.chat, f, text, markup)
	}
	if c := r.Copy; c != nil {
		return b.send.do(ctx, "copyMessage", func(ctx context.Context) error {
			p := &tg.CopyMessageParams{ChatID: ib.chat, FromChatID: c.Chat, MessageID: c.Message}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			_, err := b.api.CopyMessage(ctx, p)
			return err
		})
	}
	if r.Photo != "" {
		return b.send.do(ctx, "sendPhoto", func(ctx context.Context) error {
			p := &tg.SendPhotoParams{ChatID: ib.chat, Caption: text, Photo: &models.InputFileString{Data: r.Photo}}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			_, err := b.api.SendPhoto(ctx, p)
			return err
		})
	}
	if v := r.Venue; v != nil {
		return b.send.do(ctx, "sendVenue", func(ctx context.Context) error {
			p := &tg.SendVenueParams{ChatID: ib.chat, Latitude: v.Lat, Longitude: v.Lon, Title: v.Title, Address: v.Address}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			_, err := b.api.SendVenue(ctx, p)
			return err
		})
	}
	if r.EditButtons {
		if ib.in.MessageID == 0 {
			return nil // a message the bot can no longer see: its buttons stay as they are
		}
		err := b.send.do(ctx, "editMessageReplyMarkup", func(ctx context.Context) error {
			p := &tg.EditMessageReplyMarkupParams{ChatID: ib.chat, MessageID: ib.in.MessageID}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			_, err := b.api.EditMessageReplyMarkup(ctx, p)
			return err
		})
		if errors.Is(err, tg.ErrorBadRequest) {
			// Not modified (a repeated tap, a replay) or too old to edit: the buttons stay, which says
			// nothing wrong; the reply after this one answers the tap.
			return nil
		}
		return err
	}
	if r.Edit && ib.in.MessageID != 0 {
		err := b.send.do(ctx, "editMessageText", func(ctx context.Context) error {
			_, err := b.api.EditMessageText(ctx, &tg.EditMessageTextParams{
				ChatID: ib.chat, MessageID: ib.in.MessageID, Text: text, ReplyMarkup: markup,
			})
			return err
		})
		if err == nil || errors.Is(err, ErrBlocked) || !errors.Is(err, tg.ErrorBadRequest) {
			return err
		}
		if strings.Contains(err.Error(), "message is not modified") {
			// It shows this already: the edit of a replayed update, or a double tap. (The library has
			// no typed error for it.)
			return nil
		}
		// The message is too old or gone: send a new one.
	}
	return b.send.do(ctx, "sendMessage", func(ctx context.Context) error {
		p := &tg.SendMessageParams{ChatID: ib.chat, Text: text}
		if markup != nil {
			p.ReplyMarkup = markup
		}
		_, err := b.api.SendMessage(ctx, p)
		return err
	})
}

// sendFile sends a photo or a document with text as its caption. Each attempt reads the bytes anew.
func (b *Bot) sendFile(ctx context.Context, chat int64, f attach.File, caption string, markup models.ReplyMarkup) error {
	if f.Photo {
		return b.send.do(ctx, "sendPhoto", func(ctx context.Context) error {
			p := &tg.SendPhotoParams{ChatID: chat, Caption: caption,
				Photo: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			_, err := b.api.SendPhoto(ctx, p)
			return err
		})
	}
	return b.send.do(ctx, "sendDocument", func(ctx context.Context) error {
		p := &tg.SendDocumentParams{ChatID: chat, Caption: caption,
			Document: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}}
		if markup != nil {
			p.ReplyMarkup = markup
		}
		_, err := b.api.SendDocument(ctx, p)
		return err
	})
}

func (b *Bot) keyboard(lang locales.Lang, rows [][]flows.Button) models.ReplyMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := make([][]models.InlineKeyboardButton, len(rows))
	for i, row := range rows {
		kb[i] = make([]models.InlineKeyboardButton, len(row))
		for j, btn := range row {
			kb[i][j] = models.InlineKeyboardButton{Text: b.cfg.Catalog.Render(lang, btn.Text), CallbackData: btn.Data, URL: btn.URL}
		}
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: kb}
}
