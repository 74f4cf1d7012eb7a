package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/store"
	"github.com/alumnibot/alumnibot/ticket"
)

type consoleOptions struct {
	Admin    bool
	LangCode string
}

// consoleUser is the Telegram user the console plays.
const consoleUser = 1001

// console chats with the real flows in the terminal on an in-memory Redis. Buttons are numbered; typing
// a number presses one. It reads a pipe as well as a terminal, so conversations can be scripted.
func console(ctx context.Context, opts consoleOptions, stdin io.Reader, stdout io.Writer) error {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		return fmt.Errorf("in-memory redis: %w", err)
	}
	defer mr.Close()
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	st := store.New(rdb, "")
	var admins []int64
	if opts.Admin {
		admins = append(admins, consoleUser)
	}
	engine, cat, err := newApp(st, admins)
	if err != nil {
		return err
	}
	engine.NoFloodLimit = true // one person at a keyboard; a pasted script must not be dropped
	demo, err := meetupfile.Demo(engine.App.Atlas)
	if err != nil {
		return err
	}
	for _, m := range demo {
		if err := st.SaveMeetup(ctx, m); err != nil {
			return err
		}
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	signer, err := ticket.NewSigner(secret)
	if err != nil {
		return err
	}
	engine.App.BotUsername = "alumnibot_console_bot"
	engine.App.Tickets = signer
	engine.App.ButtonKey = buttonKey(secret)
	files := &attach.Renderer{Meetups: st, Atlas: engine.App.Atlas, Signer: signer, People: st,
		BotUsername: func() string { return engine.App.BotUsername }}
	c := &chat{engine: engine, cat: cat, out: stdout, echo: !isTerminal(stdin), opts: opts, files: files, ctx: ctx}
	lang := locales.LangFromCode(opts.LangCode)
	fmt.Fprintln(stdout, cat.Render(lang, locales.Msg("console.banner")))
	fmt.Fprintln(stdout, cat.Render(lang, locales.Msg("console.demo")))
	for _, m := range demo {
		prov, _ := engine.App.Atlas.Province(m.Province)
		fmt.Fprintln(stdout, cat.Render(lang, locales.Msg("console.demo_meetup",
			"Title", m.Title, "When", locales.FormatDateTimeRange(m.Start.In(prov.Zone), m.End.In(prov.Zone), lang, prov.ZoneName), "Venue", m.Venue.Name)))
	}
	if opts.Admin {
		fmt.Fprintln(stdout, cat.Render(lang, locales.Msg("console.admin")))
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for ctx.Err() == nil && sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line == "/keluar" || line == "/quit" {
			break
		}
		if err := c.say(ctx, line); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, cat.Render(lang, locales.Msg("console.bye")))
	return sc.Err()
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// chat is the console's side of one conversation.
type chat struct {
	engine  *flows.Engine
	cat     *locales.Catalog
	out     io.Writer
	echo    bool // print what the user typed (stdin is a pipe)
	opts    consoleOptions
	update  int64
	lastMsg int
	buttons []flows.Button // the buttons on screen, numbered from 1
	btnMsg  int            // the message they belong to
	files   *attach.Renderer
	ctx     context.Context
}

func (c *chat) say(ctx context.Context, line string) error {
	c.update++
	in := flows.Input{
		UpdateID: c.update, UserID: consoleUser, FirstName: "Vita", LangCode: c.opts.LangCode,
		Now: time.Now(),
	}
	if c.echo {
		fmt.Fprintf(c.out, "\n> %s\n", line)
	}
	n, err := strconv.Atoi(line)
	switch {
	case err == nil && n >= 1 && n <= len(c.buttons):
		in.Kind, in.Data, in.MessageID = flows.KindButton, c.buttons[n-1].Data, c.btnMsg
	case strings.HasPrefix(line, "/"):
		word, rest, _ := strings.Cut(line, " ")
		in.Kind, in.Command, in.Payload = flows.KindCommand, strings.ToLower(strings.TrimPrefix(word, "/")), strings.TrimSpace(rest)
	default:
		in.Kind, in.Text = flows.KindText, line
	}
	out, err := c.engine.Handle(ctx, in)
	if err != nil {
		fmt.Fprintln(c.out, c.cat.Render(locales.LangFromCode(c.opts.LangCode), locales.Common.Generic))
		return nil
	}
	if out.Notice.ID != "" || out.Notice.Raw != "" {
		fmt.Fprintf(c.out, "  (%s)\n", c.cat.Render(out.Lang, out.Notice))
	}
	hasButtons := false
	for _, r := range out.Replies {
		c.print(out.Lang, r)
		hasButtons = hasButtons || len(r.Buttons) > 0
	}
	if !hasButtons && len(out.Replies) > 0 {
		c.buttons = nil // the bot now waits for a typed answer: numbers are answers, not button presses
	}
	return nil
}

func (c *chat) print(lang locales.Lang, r flows.Reply) {
	id := c.lastMsg + 1
	if r.Edit && c.btnMsg != 0 {
		id = c.btnMsg
	} else {
		c.lastMsg = id
	}
	fmt.Fprintln(c.out)
	if r.File != nil {
		// The terminal cannot show a photo or a file: name it, so the conversation reads the same.
		if f, err := c.files.Render(c.ctx, *r.File, lang); err == nil {
			fmt.Fprintf(c.out, "🤖 📎 %s (%d bytes)\n", f.Name, len(f.Data))
		}
	}
	for _, l := range strings.Split(c.cat.Render(lang, r.Text), "\n") {
		fmt.Fprintln(c.out, "🤖 "+l)
	}
	if len(r.Buttons) == 0 {
		return
	}
	c.buttons, c.btnMsg = c.buttons[:0], id
	for _, row := range r.Buttons {
		var cells []string
		for _, b := range row {
			c.buttons = append(c.buttons, b)
			cells = append(cells, fmt.Sprintf("[%d] %s", len(c.buttons), c.cat.Render(lang, b.Text)))
		}
		fmt.Fprintln(c.out, "   "+strings.Join(cells, "   "))
	}
}
