package bottest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// User is a simulated Telegram user. Its ID is also its private chat's ID.
type User struct {
	ID                                          int64
	FirstName, LastName, Username, LanguageCode string
}

func (u User) model() models.User {
	return models.User{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username, LanguageCode: u.LanguageCode}
}

func (u User) privateChat() models.Chat {
	return models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
}

// injected is one update as it was created, encoded once.
type injected struct {
	id   int64
	kind string // "message", "callback_query", ... (the update's field name)
	body []byte
}

// pending is an entry of the getUpdates queue.
type pending struct {
	u           *injected
	redelivered bool // queued again by Redeliver
	delivered   bool // handed out by getUpdates at least once
}

// defaultAllowed is what Telegram sends when allowed_updates was never set.
func defaultAllowed(kind string) bool {
	switch kind {
	case "chat_member", "message_reaction", "message_reaction_count":
		return false
	}
	return true
}

// injectLocked assigns an update_id if needed, encodes and queues upd, and
// records the user's event in chatID's transcript (if chatID != 0).
func (s *Server) injectLocked(upd *models.Update, chatID int64, ev *Event) int64 {
	if upd.ID == 0 {
		upd.ID = s.nextUpdateID
	}
	if upd.ID >= s.nextUpdateID {
		s.nextUpdateID = upd.ID + 1
	}
	body, err := json.Marshal(upd)
	if err != nil {
		panic(fmt.Sprintf("bottest: cannot encode the injected update (models types with a Type field, such as ChatMember, need it set): %v", err))
	}
	in := &injected{id: upd.ID, kind: updateKind(body), body: body}
	s.updates[in.id] = in
	s.enqueueLocked(&pending{u: in})
	if chatID != 0 && ev != nil {
		c := s.chatLocked(chatID)
		c.events = append(c.events, *ev)
	}
	return upd.ID
}

func (s *Server) enqueueLocked(p *pending) {
	id := p.u.id
	n := len(s.queue)
	if n == 0 || s.queue[n-1].u.id <= id {
		s.queue = append(s.queue, p)
	} else {
		i := sort.Search(n, func(i int) bool { return s.queue[i].u.id > id })
		s.queue = append(s.queue, nil)
		copy(s.queue[i+1:], s.queue[i:])
		s.queue[i] = p
	}
	if s.pollWake != nil {
		close(s.pollWake)
		s.pollWake = nil
	}
}

// updateKind returns the name of the update's one field besides update_id.
func updateKind(body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for k := range m {
		if k != "update_id" {
			return k
		}
	}
	return ""
}

func (s *Server) nextSeqLocked() int64 {
	s.seq++
	return s.seq
}

// commandEntity returns a bot_command entity over the leading command word
// of text, in UTF-16 units, or nil.
func commandEntity(text string) []models.MessageEntity {
	if !strings.HasPrefix(text, "/") {
		return nil
	}
	word := text
	if i := strings.IndexAny(text, " \t\n\r"); i >= 0 {
		word = text[:i]
	}
	if len(word) < 2 {
		return nil
	}
	return []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(utf16.Encode([]rune(word)))}}
}

// newUserMessageLocked makes a message from u in u's private chat, with the
// next message id of that chat.
func (s *Server) newUserMessageLocked(u User) (*models.Message, *chat) {
	c := s.chatLocked(u.ID)
	c.user = u
	c.nextMsgID++
	return &models.Message{
		ID:   c.nextMsgID,
		From: ptr(u.model()),
		Date: int(time.Now().Unix()),
		Chat: u.privateChat(),
	}, c
}

func ptr[T any](v T) *T { return &v }

// SendText injects a text message from u in u's private chat and returns its
// update_id. A text starting with "/" gets a bot_command entity over the
// command word (e.g. "/start@alumnibot_test_bot"), as Telegram's clients send.
func (s *Server) SendText(u User, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, c := s.newUserMessageLocked(u)
	m.Text = text
	m.Entities = commandEntity(text)
	c.userMsgs[m.ID] = &userMsg{text: text}
	return s.injectLocked(&models.Update{Message: m}, u.ID,
		&Event{Kind: "user", Msg: Message{ID: m.ID, ChatID: u.ID, Text: text}})
}

// SendCallback injects a tap on the inline button with callback data `data`
// of the bot's message messageID in u's chat, and returns its update_id. The
// callback query gets a unique id; its message is the bot message as it is
// now (chat, message_id, date, text or caption, reply_markup). If the chat
// has no such bot message (never sent, or deleted), the query carries an
// inaccessible message (date 0), as Telegram does for old messages. The
// transcript shows "[tap] <button label>" (or "[tap] <data>" if no button on
// that message carries the data).
func (s *Server) SendCallback(u User, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(u.ID)
	c.user = u
	return s.callbackLocked(u, c, messageID, data, "")
}

// callbackLocked injects a press by u of the button with callback data data on the bot's message
// messageID in chat c (private or group), as SendCallback says; who starts the transcript line.
func (s *Server) callbackLocked(u User, c *chat, messageID int, data, who string) int64 {
	id := strconv.FormatInt(4_000_000_000_000_000+s.nextSeqLocked(), 10)
	q := &models.CallbackQuery{
		ID:           id,
		From:         u.model(),
		ChatInstance: "ci" + strconv.FormatInt(c.id, 10),
		Data:         data,
	}
	label := data
	if bm, ok := c.msgs[messageID]; ok && !bm.deleted {
		q.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: s.modelMessageLocked(c, bm)}
		for _, row := range bm.Buttons {
			for _, b := range row {
				if b.Data == data {
					label = b.Text
				}
			}
		}
	} else {
		q.Message = models.MaybeInaccessibleMessage{
			Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: s.chatModelLocked(c), MessageID: messageID},
		}
	}
	s.callbacks[id] = &callbackRef{chatID: c.id, messageID: messageID}
	return s.injectLocked(&models.Update{CallbackQuery: q}, c.id,
		&Event{Kind: "user", Msg: Message{ID: messageID, ChatID: c.id, Text: who + "[tap] " + label}})
}

// fakePhotoSizes returns photo sizes for a new fake photo, registered in
// s.files.
func (s *Server) fakePhotoSizesLocked(data []byte, name string) []models.PhotoSize {
	n := s.nextSeqLocked()
	var sizes []models.PhotoSize
	for i, dim := range []int{90, 320, 800} {
		f := s.addFileLocked(fmt.Sprintf("AgACAgPhoto%d_%d", n, i), name, data)
		sizes = append(sizes, models.PhotoSize{FileID: f.id, FileUniqueID: f.uniqueID, Width: dim, Height: dim * 3 / 4, FileSize: len(data)})
	}
	return sizes
}

// SendPhoto injects a photo (three sizes with fake file ids; getFile and the
// download URL serve a small PNG) with an optional caption, and returns its
// update_id. The transcript shows "[photo]" or "[photo] <caption>".
func (s *Server) SendPhoto(u User, caption string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, c := s.newUserMessageLocked(u)
	m.Photo = s.fakePhotoSizesLocked(tinyPNG, "photo.png")
	m.Caption = caption
	c.userMsgs[m.ID] = &userMsg{caption: caption, media: "photo", fileID: m.Photo[len(m.Photo)-1].FileID}
	text := "[photo]"
	if caption != "" {
		text += " " + caption
	}
	return s.injectLocked(&models.Update{Message: m}, u.ID,
		&Event{Kind: "user", Msg: Message{ID: m.ID, ChatID: u.ID, Text: text, Media: "photo"}})
}

// SendSticker injects a sticker message and returns its update_id. The
// transcript shows "[sticker]".
func (s *Server) SendSticker(u User) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, c := s.newUserMessageLocked(u)
	f := s.addFileLocked(fmt.Sprintf("CAACAgSticker%d", s.nextSeqLocked()), "sticker.webp", tinyPNG)
	m.Sticker = &models.Sticker{FileID: f.id, FileUniqueID: f.uniqueID, Type: "regular", Width: 512, Height: 512, Emoji: "👍", FileSize: len(tinyPNG)}
	c.userMsgs[m.ID] = &userMsg{media: "sticker", fileID: f.id}
	return s.injectLocked(&models.Update{Message: m}, u.ID,
		&Event{Kind: "user", Msg: Message{ID: m.ID, ChatID: u.ID, Text: "[sticker]", Media: "sticker"}})
}

// SendRaw injects an arbitrary update and returns its update_id. If
// upd.ID is 0 the server assigns the next one; a larger explicit id moves the
// counter past it. For a message (or edited message, channel post) with no
// message_id the server assigns the chat's next one, and a zero date becomes
// now. Callback queries sent this way can be answered with
// answerCallbackQuery. The transcript of the update's chat shows the text
// or caption, "[tap] <data>", or "[<update kind>]".
func (s *Server) SendRaw(upd models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var chatID int64
	text := ""
	msgID := 0
	for _, mp := range []**models.Message{&upd.Message, &upd.EditedMessage, &upd.ChannelPost, &upd.EditedChannelPost, &upd.BusinessMessage} {
		if *mp == nil {
			continue
		}
		m := ptr(**mp) // the caller's message stays untouched
		*mp = m
		c := s.chatLocked(m.Chat.ID)
		if m.ID == 0 {
			c.nextMsgID++
			m.ID = c.nextMsgID
		} else if m.ID > c.nextMsgID {
			c.nextMsgID = m.ID
		}
		if m.Date == 0 {
			m.Date = int(time.Now().Unix())
		}
		chatID, msgID = m.Chat.ID, m.ID
		um := &userMsg{text: m.Text, caption: m.Caption}
		switch {
		case len(m.Photo) > 0:
			um.media, um.fileID = "photo", m.Photo[len(m.Photo)-1].FileID
		case m.Document != nil:
			um.media, um.fileID, um.fileName = "document", m.Document.FileID, m.Document.FileName
		case m.Sticker != nil:
			um.media, um.fileID = "sticker", m.Sticker.FileID
		}
		c.userMsgs[m.ID] = um
		text = describeUserMessage(m)
		break
	}
	if upd.CallbackQuery != nil {
		q := ptr(*upd.CallbackQuery) // the caller's query stays untouched
		upd.CallbackQuery = q
		chatID = q.From.ID
		switch {
		case q.Message.Message != nil:
			chatID, msgID = q.Message.Message.Chat.ID, q.Message.Message.ID
		case q.Message.InaccessibleMessage != nil:
			chatID, msgID = q.Message.InaccessibleMessage.Chat.ID, q.Message.InaccessibleMessage.MessageID
		}
		if q.ID == "" {
			q.ID = strconv.FormatInt(4_000_000_000_000_000+s.nextSeqLocked(), 10)
		}
		s.callbacks[q.ID] = &callbackRef{chatID: chatID, messageID: msgID}
		text = "[tap] " + q.Data
	}
	for _, cm := range []*models.ChatMemberUpdated{upd.MyChatMember, upd.ChatMember} {
		if cm != nil {
			chatID = cm.Chat.ID
		}
	}
	if upd.ChatJoinRequest != nil {
		chatID = upd.ChatJoinRequest.Chat.ID
	}
	var ev *Event
	if chatID != 0 {
		ev = &Event{Kind: "user", Msg: Message{ID: msgID, ChatID: chatID, Text: text}}
	}
	id := s.injectLocked(&upd, chatID, ev)
	if ev != nil && text == "" {
		// Name the update by its kind, now that it is known.
		c := s.chats[chatID]
		c.events[len(c.events)-1].Msg.Text = "[" + s.updates[id].kind + "]"
	}
	return id
}

func describeUserMessage(m *models.Message) string {
	var kind string
	switch {
	case len(m.Photo) > 0:
		kind = "[photo]"
	case m.Document != nil:
		kind = "[document " + m.Document.FileName + "]"
	case m.Sticker != nil:
		kind = "[sticker]"
	case m.Location != nil:
		kind = "[location]"
	case m.Contact != nil:
		kind = "[contact]"
	case m.Voice != nil:
		kind = "[voice]"
	case m.Video != nil:
		kind = "[video]"
	}
	body := m.Text
	if body == "" {
		body = m.Caption
	}
	switch {
	case kind == "":
		return body
	case body == "":
		return kind
	default:
		return kind + " " + body
	}
}

// Redeliver queues an already injected update again, with the same update_id,
// as Telegram does when it did not get a confirmation. The next getUpdates
// returns it even if its id is below the current offset (it is forgotten
// once a getUpdates after that has an offset above it). Unknown ids are
// ignored.
func (s *Server) Redeliver(updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.updates[updateID]
	if !ok {
		return
	}
	s.enqueueLocked(&pending{u: in, redelivered: true})
}

// PendingUpdates returns how many injected updates are not yet confirmed.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// confirmLocked applies a getUpdates offset: a positive offset forgets every
// update below it (except redelivered ones not yet handed out); a negative
// one keeps only the last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	changed := false
	switch {
	case offset > 0:
		keep := s.queue[:0]
		for _, p := range s.queue {
			if p.u.id < offset && (!p.redelivered || p.delivered) {
				changed = true
				continue
			}
			keep = append(keep, p)
		}
		clear(s.queue[len(keep):])
		s.queue = keep
	case offset < 0:
		if n := int(-offset); n < len(s.queue) {
			changed = true
			k := copy(s.queue, s.queue[len(s.queue)-n:])
			clear(s.queue[k:])
			s.queue = s.queue[:k]
		}
	}
	if changed {
		s.wakeIdleLocked()
	}
}

// takeBatchLocked returns up to limit queued updates, dropping those that
// allowed_updates excludes.
func (s *Server) takeBatchLocked(limit int) [][]byte {
	var out [][]byte
	dropped := false
	keep := s.queue[:0]
	for i, p := range s.queue {
		if len(out) >= limit {
			keep = append(keep, s.queue[i:]...)
			break
		}
		ok := defaultAllowed(p.u.kind)
		if s.allowed != nil {
			ok = s.allowed[p.u.kind]
		}
		if !ok {
			dropped = true
			continue
		}
		p.delivered = true
		out = append(out, p.u.body)
		keep = append(keep, p)
	}
	clear(s.queue[len(keep):])
	s.queue = keep
	if dropped {
		s.wakeIdleLocked()
	}
	return out
}

func (s *Server) handleGetUpdates(w http.ResponseWriter, r *http.Request, token string) {
	params, _, _, err := parseBody(r)
	if err != nil {
		aerr := badRequest("can't parse request: " + err.Error())
		s.mu.Lock()
		s.recordLocked(Call{Method: "getUpdates", Params: params, Token: token}, aerr)
		s.mu.Unlock()
		writeAnswer(w, nil, aerr)
		return
	}
	offset, _ := strconv.ParseInt(params["offset"], 10, 64)
	limit, _ := strconv.Atoi(params["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.ParseFloat(params["timeout"], 64)
	var allowed []string
	if a := params["allowed_updates"]; a != "" {
		if json.Unmarshal([]byte(a), &allowed) != nil {
			allowed = strings.Split(a, ",")
		}
	}

	s.mu.Lock()
	call := Call{Method: "getUpdates", Params: params, Token: token}
	if aerr := s.takeFaultLocked("getUpdates"); aerr != nil {
		s.recordLocked(call, aerr)
		s.mu.Unlock()
		writeAnswer(w, nil, aerr)
		return
	}
	if s.webhookURL != "" {
		aerr := &apiError{code: http.StatusConflict, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		s.recordLocked(call, aerr)
		s.mu.Unlock()
		writeAnswer(w, nil, aerr)
		return
	}
	s.recordLocked(call, nil)
	if _, ok := params["allowed_updates"]; ok {
		if len(allowed) == 0 {
			s.allowed = nil
		} else {
			s.allowed = make(map[string]bool, len(allowed))
			for _, a := range allowed {
				s.allowed[strings.TrimSpace(a)] = true
			}
		}
	}
	s.pollGen++
	gen := s.pollGen
	if s.pollWake != nil { // a poll already waiting: it is now outdated
		close(s.pollWake)
		s.pollWake = nil
	}
	s.confirmLocked(offset)

	var timer *time.Timer
	for {
		if gen != s.pollGen {
			s.mu.Unlock()
			writeAnswer(w, nil, errorFor(http.StatusConflict, 0))
			return
		}
		batch := s.takeBatchLocked(limit)
		if len(batch) > 0 || timeout <= 0 {
			s.mu.Unlock()
			writeUpdates(w, batch)
			return
		}
		if s.pollWake == nil {
			s.pollWake = make(chan struct{})
		}
		ch := s.pollWake
		s.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(time.Duration(timeout * float64(time.Second)))
			defer timer.Stop()
		}
		select {
		case <-ch:
		case <-timer.C:
			writeUpdates(w, nil)
			return
		case <-r.Context().Done():
			writeUpdates(w, nil)
			return
		case <-s.closing:
			writeUpdates(w, nil)
			return
		}
		s.mu.Lock()
	}
}

func writeUpdates(w http.ResponseWriter, batch [][]byte) {
	n := 0
	for _, b := range batch {
		n += len(b) + 1
	}
	buf := make([]byte, 0, n+24)
	buf = append(buf, '[')
	for i, b := range batch {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, b...)
	}
	buf = append(buf, ']')
	writeAnswer(w, rawJSON(buf), nil)
}

// Deliver POSTs the injected update updateID as JSON to url, as Telegram's
// webhook does: Content-Type application/json and, if secret is not empty,
// the X-Telegram-Bot-Api-Secret-Token header. It returns the HTTP status. On
// a 2xx answer the update counts as confirmed (it leaves the pending queue).
// The update may be delivered any number of times.
func (s *Server) Deliver(ctx context.Context, url, secret string, updateID int64) (status int, err error) {
	s.mu.Lock()
	in, ok := s.updates[updateID]
	s.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("bottest: no update %d was injected", updateID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(in.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		s.mu.Lock()
		keep := s.queue[:0]
		for _, p := range s.queue {
			if p.u.id != updateID {
				keep = append(keep, p)
			}
		}
		if len(keep) != len(s.queue) {
			clear(s.queue[len(keep):])
			s.queue = keep
			s.wakeIdleLocked()
		}
		s.mu.Unlock()
	}
	return resp.StatusCode, nil
}

// Webhook returns the URL and secret token of the last successful
// setWebhook ("" after deleteWebhook).
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}
