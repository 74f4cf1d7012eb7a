package bottest

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// Button is one inline keyboard button.
type Button struct {
	Text string
	Data string // callback_data
	URL  string
}

// Message is a bot message as the user sees it.
type Message struct {
	ID     int
	ChatID int64
	// Text is the text, or the caption of a media message, exactly as the
	// bot sent it (markup included; see ParseMode).
	Text    string
	Buttons [][]Button // inline keyboard, nil if none
	// Document is the file name of a sent document ("" if none).
	Document string
	// Edited reports whether the message was edited since it was sent.
	Edited bool
	// Media is "" for a text message, else what it carries: "photo",
	// "document", "sticker", "video", ... (the send method's noun).
	Media string
	// ParseMode is the parse_mode the text was sent with ("" for none).
	ParseMode string
}

// Event is one step of a chat's transcript.
type Event struct {
	// Kind is "user" (an injected update: Msg.Text is what the user typed, or
	// "[tap] <button label>", "[photo] <caption>", "[sticker]"), or a bot
	// action: "send", "edit" (Msg is the message after the edit), "delete"
	// (Msg is the message as it was), or "answer" (answerCallbackQuery:
	// Msg.Text is its text, Msg.ID the message whose button was tapped).
	Kind string
	Msg  Message
	// ShowAlert is answerCallbackQuery's show_alert.
	ShowAlert bool
}

type chat struct {
	id        int64
	user      User // the last user seen in a private chat
	nextMsgID int
	msgs      map[int]*botMsg
	order     []*botMsg
	userMsgs  map[int]*userMsg
	events    []Event
	botEvents int
	wake      chan struct{} // closed on the next bot event; nil if nobody waits
	blocked   bool
	missing   bool // MissingChat: "chat not found"
	bucket    bucket
}

type botMsg struct {
	Message
	deleted  bool
	date     int
	editDate int
	photo    []models.PhotoSize
	doc      *models.Document
	fileID   string // other media
}

type userMsg struct {
	text, caption, media, fileID, fileName string
}

type callbackRef struct {
	chatID    int64
	messageID int
	answered  bool
}

type file struct {
	id, uniqueID, name string
	data               []byte
}

func (s *Server) chatLocked(id int64) *chat {
	c := s.chats[id]
	if c == nil {
		c = &chat{id: id, msgs: make(map[int]*botMsg), userMsgs: make(map[int]*userMsg)}
		s.chats[id] = c
	}
	return c
}

func (s *Server) addFileLocked(id, name string, data []byte) *file {
	f := &file{id: id, uniqueID: "AQAD" + strconv.FormatInt(s.nextSeqLocked(), 36), name: name, data: data}
	s.files[id] = f
	return f
}

func (s *Server) botEventLocked(c *chat, ev Event) {
	c.events = append(c.events, ev)
	c.botEvents++
	if c.wake != nil {
		close(c.wake)
		c.wake = nil
	}
}

func copyButtons(b [][]Button) [][]Button {
	if b == nil {
		return nil
	}
	out := make([][]Button, len(b))
	for i, row := range b {
		out[i] = slices.Clone(row)
	}
	return out
}

func (m Message) clone() Message {
	m.Buttons = copyButtons(m.Buttons)
	return m
}

// Chat returns the bot's messages in chatID, in the order sent, each as it is
// now (edits applied, deleted ones left out).
func (s *Server) Chat(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	out := make([]Message, 0, len(c.order))
	for _, bm := range c.order {
		if !bm.deleted {
			out = append(out, bm.Message.clone())
		}
	}
	return out
}

// LastMessage returns the bot's most recent (not deleted) message in chatID.
func (s *Server) LastMessage(chatID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return Message{}, false
	}
	for i := len(c.order) - 1; i >= 0; i-- {
		if bm := c.order[i]; !bm.deleted {
			return bm.Message.clone(), true
		}
	}
	return Message{}, false
}

// Events returns chatID's transcript: injected user updates and the bot's
// actions, interleaved in the order the server saw them.
func (s *Server) Events(chatID int64) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	out := make([]Event, len(c.events))
	for i, ev := range c.events {
		ev.Msg = ev.Msg.clone()
		out[i] = ev
	}
	return out
}

// BotEvents returns how many bot actions (send, edit, delete, answer) chatID
// has seen.
func (s *Server) BotEvents(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		return c.botEvents
	}
	return 0
}

// WaitEvents blocks until chatID has seen at least n bot actions in total
// (send, edit, delete, answer; user events do not count), or ctx ends
// (ctx.Err()) or the server closes (ErrClosed).
func (s *Server) WaitEvents(ctx context.Context, chatID int64, n int) error {
	for {
		s.mu.Lock()
		c := s.chatLocked(chatID)
		if c.botEvents >= n {
			s.mu.Unlock()
			return nil
		}
		if c.wake == nil {
			c.wake = make(chan struct{})
		}
		ch := c.wake
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closing:
			return ErrClosed
		}
	}
}

// Transcript renders chatID's events one per line, for golden files:
//
//	user: /start
//	bot #2: Selamat datang!
//	    [Daftar] [Lewati]
//	    [Situs → https://example.org]
//	user: [tap] Daftar
//	bot answers: Oke
//	bot edits #2: Terdaftar.
//	bot deletes #2
//
// Continuation lines of multi-line texts are indented by four spaces; media
// show as "[photo]", "[document name.ics]", ...; alerts as "bot alerts: ...".
func (s *Server) Transcript(chatID int64) string {
	var b strings.Builder
	for _, ev := range s.Events(chatID) {
		m := ev.Msg
		var head string
		switch ev.Kind {
		case "user":
			head = "user: "
		case "send":
			head = fmt.Sprintf("bot #%d: ", m.ID)
		case "edit":
			head = fmt.Sprintf("bot edits #%d: ", m.ID)
		case "delete":
			fmt.Fprintf(&b, "bot deletes #%d\n", m.ID)
			continue
		case "answer":
			head = "bot answers: "
			if ev.ShowAlert {
				head = "bot alerts: "
			}
			if m.Text == "" {
				b.WriteString(strings.TrimSuffix(head, " ") + "\n")
				continue
			}
		default:
			head = ev.Kind + ": "
		}
		text := m.Text
		if ev.Kind != "user" {
			switch {
			case m.Document != "":
				text = strings.TrimSpace("[document " + m.Document + "] " + text)
			case m.Media != "":
				text = strings.TrimSpace("[" + m.Media + "] " + text)
			}
		}
		b.WriteString(head)
		b.WriteString(strings.ReplaceAll(text, "\n", "\n    "))
		b.WriteByte('\n')
		for _, row := range m.Buttons {
			b.WriteString("   ")
			for _, btn := range row {
				if btn.URL != "" {
					fmt.Fprintf(&b, " [%s → %s]", btn.Text, btn.URL)
				} else {
					fmt.Fprintf(&b, " [%s]", btn.Text)
				}
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// dispatch handles one API call (other than getUpdates) and records it.
func (s *Server) dispatch(method, token string, p map[string]string, files map[string][]byte, names map[string]string) (any, *apiError) {
	pre := prepare(p) // the pure, costlier checks, outside the lock
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	if method == "answerCallbackQuery" {
		if ref := s.callbacks[p["callback_query_id"]]; ref != nil {
			chatID = ref.chatID
		}
	}
	res, aerr := s.applyLocked(method, p, files, names, chatID, pre)
	s.recordLocked(Call{Method: method, Params: p, Files: files, FileNames: names, ChatID: chatID, Token: token}, aerr)
	return res, aerr
}

func isSendMethod(method string) bool {
	return (strings.HasPrefix(method, "send") && method != "sendChatAction") ||
		method == "copyMessage" || method == "forwardMessage"
}

// prepared holds the checks of a call's text, caption and reply_markup,
// which need no server state.
type prepared struct {
	buttons   [][]Button
	markupErr *apiError
	textErr   *apiError // checkText(text, parse_mode, false)
	capErr    *apiError // checkText(caption, parse_mode, true)
}

func prepare(p map[string]string) *prepared {
	pre := &prepared{}
	pre.buttons, pre.markupErr = parseMarkup(p["reply_markup"])
	if t, ok := p["text"]; ok {
		pre.textErr = checkText(t, p["parse_mode"], false)
	} else {
		pre.textErr = badRequest("message text is empty")
	}
	pre.capErr = checkText(p["caption"], p["parse_mode"], true)
	return pre
}

func (s *Server) applyLocked(method string, p map[string]string, files map[string][]byte, names map[string]string, chatID int64, pre *prepared) (any, *apiError) {
	if aerr := s.takeFaultLocked(method); aerr != nil {
		return nil, aerr
	}
	if chatID != 0 {
		if c := s.chats[chatID]; c != nil && c.blocked {
			return nil, errorFor(http.StatusForbidden, 0)
		}
		if c := s.chats[chatID]; c != nil && c.missing {
			return nil, badRequest("chat not found")
		}
	}
	switch method {
	case "getMe":
		return botUser, nil
	case "setWebhook":
		s.webhookURL, s.webhookSecret = p["url"], p["secret_token"]
		if s.webhookURL == "" {
			s.webhookSecret = ""
		}
		if p["drop_pending_updates"] == "true" {
			s.dropPendingLocked()
		}
		return true, nil
	case "deleteWebhook":
		s.webhookURL, s.webhookSecret = "", ""
		if p["drop_pending_updates"] == "true" {
			s.dropPendingLocked()
		}
		return true, nil
	case "getWebhookInfo":
		return map[string]any{"url": s.webhookURL, "has_custom_certificate": false, "pending_update_count": len(s.queue)}, nil
	case "setMyCommands":
		var cmds []models.BotCommand
		if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
			return nil, badRequest("can't parse commands JSON object")
		}
		if len(cmds) > 100 {
			return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
		}
		for _, c := range cmds {
			if !validCommand(c.Command) {
				return nil, badRequest("BOT_COMMAND_INVALID")
			}
			if n := utf8.RuneCountInString(c.Description); n < 1 || n > 256 {
				return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
			}
		}
		s.commands[commandsKey(p)] = p["commands"]
		return true, nil
	case "deleteMyCommands":
		delete(s.commands, commandsKey(p))
		return true, nil
	case "getMyCommands":
		if raw, ok := s.commands[commandsKey(p)]; ok {
			return rawJSON(raw), nil
		}
		return rawJSON("[]"), nil
	case "sendChatAction", "logOut", "close":
		return true, nil
	case "editMessageText", "editMessageCaption", "editMessageReplyMarkup":
		return s.editLocked(method, p, chatID, pre)
	case "deleteMessage":
		id, _ := strconv.Atoi(p["message_id"])
		if !s.deleteLocked(chatID, id) {
			return nil, badRequest("message to delete not found")
		}
		return true, nil
	case "deleteMessages":
		var ids []int
		if err := json.Unmarshal([]byte(p["message_ids"]), &ids); err != nil {
			return nil, badRequest("can't parse message identifiers list")
		}
		for _, id := range ids {
			s.deleteLocked(chatID, id)
		}
		return true, nil
	case "answerCallbackQuery":
		ref := s.callbacks[p["callback_query_id"]]
		if ref == nil || ref.answered {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		text := p["text"]
		if utf8.RuneCountInString(text) > 200 {
			return nil, badRequest("MESSAGE_TOO_LONG")
		}
		ref.answered = true
		s.botEventLocked(s.chatLocked(ref.chatID), Event{
			Kind:      "answer",
			Msg:       Message{ID: ref.messageID, ChatID: ref.chatID, Text: text},
			ShowAlert: p["show_alert"] == "true",
		})
		return true, nil
	case "getFile":
		f := s.files[p["file_id"]]
		if f == nil {
			return nil, badRequest("invalid file_id")
		}
		return models.File{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: int64(len(f.data)), FilePath: "files/" + f.id}, nil
	case "getChat":
		if chatID == 0 {
			return nil, badRequest("chat not found")
		}
		return s.chatModelLocked(s.chatLocked(chatID)), nil
	case "getChatMember":
		uid, _ := strconv.ParseInt(p["user_id"], 10, 64)
		u := models.User{ID: uid, FirstName: "User"}
		if c := s.chats[uid]; c != nil && c.user.ID == uid {
			u = c.user.model()
		}
		return map[string]any{"status": "member", "user": u}, nil
	}
	if isSendMethod(method) {
		return s.sendLocked(method, p, files, names, chatID, pre)
	}
	return true, nil
}

func validCommand(c string) bool {
	if len(c) < 1 || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// commandsKey identifies a command list by scope and language.
func commandsKey(p map[string]string) string {
	var scope struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID int64           `json:"user_id"`
	}
	_ = json.Unmarshal([]byte(p["scope"]), &scope)
	if scope.Type == "" {
		scope.Type = "default"
	}
	return fmt.Sprintf("%s/%s/%d|%s", scope.Type, strings.Trim(string(scope.ChatID), `"`), scope.UserID, p["language_code"])
}

// MyCommands returns the commands last set with setMyCommands for the default
// scope and the given language code ("" for all languages).
func (s *Server) MyCommands(languageCode string) []models.BotCommand {
	s.mu.Lock()
	raw := s.commands["default//0|"+languageCode]
	s.mu.Unlock()
	var cmds []models.BotCommand
	_ = json.Unmarshal([]byte(raw), &cmds)
	return cmds
}

func (s *Server) dropPendingLocked() {
	if len(s.queue) > 0 {
		clear(s.queue)
		s.queue = s.queue[:0]
		s.wakeIdleLocked()
	}
}

func (s *Server) chatModelLocked(c *chat) models.Chat {
	mc := models.Chat{ID: c.id}
	switch {
	case c.id > 0:
		mc.Type = models.ChatTypePrivate
		mc.FirstName, mc.LastName, mc.Username = c.user.FirstName, c.user.LastName, c.user.Username
	case c.id < -1_000_000_000_000:
		mc.Type, mc.Title = models.ChatTypeSupergroup, "Group "+strconv.FormatInt(c.id, 10)
	default:
		mc.Type, mc.Title = models.ChatTypeGroup, "Group "+strconv.FormatInt(c.id, 10)
	}
	return mc
}

// modelMessageLocked renders a bot message as the API returns it.
func (s *Server) modelMessageLocked(c *chat, bm *botMsg) *models.Message {
	m := &models.Message{
		ID:       bm.ID,
		From:     ptr(botUser),
		Date:     bm.date,
		EditDate: bm.editDate,
		Chat:     s.chatModelLocked(c),
	}
	if bm.Media == "" {
		m.Text = bm.Text
	} else {
		m.Caption = bm.Text
	}
	switch bm.Media {
	case "photo":
		m.Photo = bm.photo
	case "document":
		m.Document = bm.doc
	case "sticker":
		m.Sticker = &models.Sticker{FileID: bm.fileID, FileUniqueID: "AQADst" + bm.fileID, Type: "regular", Width: 512, Height: 512}
	}
	if len(bm.Buttons) > 0 {
		kb := make([][]models.InlineKeyboardButton, len(bm.Buttons))
		for i, row := range bm.Buttons {
			kb[i] = make([]models.InlineKeyboardButton, len(row))
			for j, b := range row {
				kb[i][j] = models.InlineKeyboardButton{Text: b.Text, CallbackData: b.Data, URL: b.URL}
			}
		}
		m.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: kb}
	}
	return m
}

// mediaFileLocked resolves a media parameter (an uploaded part, or a file_id
// or URL string) to a registered file.
func (s *Server) mediaFileLocked(field string, p map[string]string, files map[string][]byte, names map[string]string) (*file, *apiError) {
	if data, ok := files[field]; ok {
		return s.addFileLocked(fmt.Sprintf("BQACAgFile%d", s.nextSeqLocked()), names[field], data), nil
	}
	v := p[field]
	if name, ok := strings.CutPrefix(v, "attach://"); ok {
		if data, ok := files[name]; ok {
			return s.addFileLocked(fmt.Sprintf("BQACAgFile%d", s.nextSeqLocked()), names[name], data), nil
		}
		return nil, badRequest("wrong file identifier/HTTP URL specified")
	}
	if v == "" {
		return nil, badRequest("there is no " + field + " in the request")
	}
	if f := s.files[v]; f != nil {
		return f, nil
	}
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		return s.addFileLocked(fmt.Sprintf("BQACAgURL%d", s.nextSeqLocked()), path.Base(v), nil), nil
	}
	return nil, badRequest("wrong file identifier/HTTP URL specified")
}

func (s *Server) sendLocked(method string, p map[string]string, files map[string][]byte, names map[string]string, chatID int64, pre *prepared) (any, *apiError) {
	if chatID == 0 {
		// go-telegram/bot sends a nil ChatID as the text "null".
		if v := p["chat_id"]; v == "" || v == "null" {
			return nil, badRequest("chat_id is empty")
		}
		return nil, badRequest("chat not found")
	}
	c := s.chatLocked(chatID)
	bm := &botMsg{Message: Message{ChatID: chatID, ParseMode: p["parse_mode"]}}
	switch method {
	case "sendMessage":
		if pre.textErr != nil {
			return nil, pre.textErr
		}
		bm.Text = p["text"]
	case "copyMessage", "forwardMessage":
		from, _ := strconv.ParseInt(p["from_chat_id"], 10, 64)
		id, _ := strconv.Atoi(p["message_id"])
		src := s.chats[from]
		if src == nil {
			return nil, badRequest("message to copy not found")
		}
		if sm := src.msgs[id]; sm != nil && !sm.deleted {
			bm.Text, bm.Media, bm.Document, bm.ParseMode = sm.Text, sm.Media, sm.Document, sm.ParseMode
			bm.photo, bm.doc, bm.fileID = sm.photo, sm.doc, sm.fileID
		} else if um := src.userMsgs[id]; um != nil {
			bm.Text, bm.Media, bm.fileID = um.text, um.media, um.fileID
			if um.media != "" {
				bm.Text = um.caption
			}
			if f := s.files[um.fileID]; f != nil && um.media == "photo" {
				bm.photo = s.fakePhotoSizesLocked(f.data, f.name)
			}
			if um.media == "document" {
				bm.Document = um.fileName
				bm.doc = &models.Document{FileID: um.fileID, FileUniqueID: "AQADdoc" + um.fileID, FileName: um.fileName}
			}
		} else {
			return nil, badRequest("message to copy not found")
		}
		if method == "copyMessage" {
			if capt, ok := p["caption"]; ok {
				bm.Text, bm.ParseMode = capt, p["parse_mode"]
			}
		}
		if bm.Media == "" {
			if aerr := checkText(bm.Text, bm.ParseMode, false); aerr != nil {
				return nil, aerr
			}
		} else if aerr := checkText(bm.Text, bm.ParseMode, true); aerr != nil {
			return nil, aerr
		}
	default: // sendPhoto, sendDocument and the other media
		media := strings.ToLower(strings.TrimPrefix(method, "send"))
		switch media {
		case "videonote":
			media = "video_note"
		case "mediagroup":
			return s.sendMediaGroupLocked(c, p, files, names)
		}
		bm.Media = media
		if pre.capErr != nil {
			return nil, pre.capErr
		}
		bm.Text = p["caption"]
		switch media {
		case "photo":
			f, aerr := s.mediaFileLocked("photo", p, files, names)
			if aerr != nil {
				return nil, aerr
			}
			bm.photo = s.fakePhotoSizesLocked(f.data, f.name)
		case "document":
			f, aerr := s.mediaFileLocked("document", p, files, names)
			if aerr != nil {
				return nil, aerr
			}
			bm.Document = f.name
			bm.doc = &models.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: mime.TypeByExtension(path.Ext(f.name)), FileSize: int64(len(f.data))}
		case "location", "venue", "contact", "poll", "dice":
			// No file; the transcript shows the kind.
			switch media {
			case "poll":
				bm.Text = p["question"]
			case "venue": // what the phone shows on the pin
				if p["latitude"] == "" || p["longitude"] == "" || p["title"] == "" || p["address"] == "" {
					return nil, badRequest("venue needs latitude, longitude, title and address")
				}
				bm.Text = p["title"] + "\n" + p["address"]
			}
		default:
			f, aerr := s.mediaFileLocked(media, p, files, names)
			if aerr != nil {
				return nil, aerr
			}
			bm.fileID = f.id
		}
	}
	if pre.markupErr != nil {
		return nil, pre.markupErr
	}
	bm.Buttons = pre.buttons
	now := time.Now()
	if aerr := s.floodLocked(c, now); aerr != nil {
		return nil, aerr
	}
	c.nextMsgID++
	bm.ID = c.nextMsgID
	bm.date = int(now.Unix())
	c.msgs[bm.ID] = bm
	c.order = append(c.order, bm)
	s.botEventLocked(c, Event{Kind: "send", Msg: bm.Message.clone()})
	if method == "copyMessage" {
		return models.MessageID{ID: bm.ID}, nil
	}
	return s.modelMessageLocked(c, bm), nil
}

// sendMediaGroupLocked sends each item of an album as its own message.
func (s *Server) sendMediaGroupLocked(c *chat, p map[string]string, files map[string][]byte, names map[string]string) (any, *apiError) {
	var items []struct {
		Type      string `json:"type"`
		Media     string `json:"media"`
		Caption   string `json:"caption"`
		ParseMode string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(p["media"]), &items); err != nil || len(items) == 0 {
		return nil, badRequest("can't parse media JSON object")
	}
	if len(items) > 10 {
		return nil, badRequest("too many messages to send as an album")
	}
	now := time.Now()
	if aerr := s.floodLocked(c, now); aerr != nil {
		return nil, aerr
	}
	var out []*models.Message
	for _, it := range items {
		if aerr := checkText(it.Caption, it.ParseMode, true); aerr != nil {
			return nil, aerr
		}
		f, aerr := s.mediaFileLocked("media", map[string]string{"media": it.Media}, files, names)
		if aerr != nil {
			return nil, aerr
		}
		bm := &botMsg{Message: Message{ChatID: c.id, Text: it.Caption, ParseMode: it.ParseMode, Media: it.Type}}
		switch it.Type {
		case "photo":
			bm.photo = s.fakePhotoSizesLocked(f.data, f.name)
		case "document":
			bm.Document = f.name
			bm.doc = &models.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, FileSize: int64(len(f.data))}
		default:
			bm.fileID = f.id
		}
		c.nextMsgID++
		bm.ID = c.nextMsgID
		bm.date = int(now.Unix())
		c.msgs[bm.ID] = bm
		c.order = append(c.order, bm)
		s.botEventLocked(c, Event{Kind: "send", Msg: bm.Message.clone()})
		out = append(out, s.modelMessageLocked(c, bm))
	}
	return out, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editLocked(method string, p map[string]string, chatID int64, pre *prepared) (any, *apiError) {
	if p["inline_message_id"] != "" {
		return true, nil
	}
	id, _ := strconv.Atoi(p["message_id"])
	c := s.chats[chatID]
	if c == nil || id == 0 {
		return nil, badRequest("message to edit not found")
	}
	bm := c.msgs[id]
	if bm == nil || bm.deleted {
		if c.userMsgs[id] != nil {
			return nil, badRequest("message can't be edited")
		}
		return nil, badRequest("message to edit not found")
	}
	text, mode := bm.Text, bm.ParseMode
	switch method {
	case "editMessageText":
		if bm.Media != "" {
			return nil, badRequest("there is no text in the message to edit")
		}
		text, mode = p["text"], p["parse_mode"]
		if pre.textErr != nil {
			return nil, pre.textErr
		}
	case "editMessageCaption":
		if bm.Media == "" {
			return nil, badRequest("there is no caption in the message to edit")
		}
		text, mode = p["caption"], p["parse_mode"]
		if pre.capErr != nil {
			return nil, pre.capErr
		}
	}
	// Telegram removes the inline keyboard when an edit carries none.
	buttons := pre.buttons
	if pre.markupErr != nil {
		return nil, pre.markupErr
	}
	if text == bm.Text && mode == bm.ParseMode && buttonsEqual(buttons, bm.Buttons) {
		return nil, badRequest(notModified)
	}
	bm.Text, bm.ParseMode, bm.Buttons, bm.Edited = text, mode, buttons, true
	bm.editDate = int(time.Now().Unix())
	s.botEventLocked(c, Event{Kind: "edit", Msg: bm.Message.clone()})
	return s.modelMessageLocked(c, bm), nil
}

func buttonsEqual(a, b [][]Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// deleteLocked deletes a bot or user message; it reports whether it existed.
func (s *Server) deleteLocked(chatID int64, id int) bool {
	c := s.chats[chatID]
	if c == nil {
		return false
	}
	if bm := c.msgs[id]; bm != nil && !bm.deleted {
		bm.deleted = true
		s.botEventLocked(c, Event{Kind: "delete", Msg: bm.Message.clone()})
		return true
	}
	if um := c.userMsgs[id]; um != nil {
		delete(c.userMsgs, id)
		s.botEventLocked(c, Event{Kind: "delete", Msg: Message{ID: id, ChatID: chatID, Text: um.text}})
		return true
	}
	return false
}

// checkText applies Telegram's checks to a text (caption=false) or a caption.
func checkText(text, parseMode string, caption bool) *apiError {
	if !caption && strings.TrimSpace(text) == "" {
		return badRequest("message text is empty")
	}
	plain, err := plainText(text, parseMode)
	if err != nil {
		return badRequest("can't parse entities: " + err.Error())
	}
	if !caption && strings.TrimSpace(plain) == "" {
		return badRequest("message text is empty")
	}
	n := utf16Len(plain)
	switch {
	case !caption && n > 4096:
		return badRequest("message is too long")
	case caption && n > 1024:
		return badRequest("message caption is too long")
	}
	return nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// serveFile serves {token}/files/{file_id} as returned by getFile.
func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		http.NotFound(w, nil)
		return
	}
	id := strings.TrimPrefix(rest[i+1:], "files/")
	s.mu.Lock()
	f := s.files[id]
	s.mu.Unlock()
	if f == nil {
		writeAnswer(w, nil, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	if ct := mime.TypeByExtension(path.Ext(f.name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	_, _ = w.Write(f.data)
}
