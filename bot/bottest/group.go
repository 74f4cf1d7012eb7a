package bottest

import (
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
)

// Group chats: the bot's moderation chat is a Telegram group whose members press the buttons of the
// bot's messages and reply to them. A group's id is negative (below -1,000,000,000,000 a supergroup,
// as Telegram numbers them); its transcript shows each member's action as "user: <first name>: …".

// SendGroupCallback injects a press by u of the button with callback data data on the bot's message
// messageID in group chat group, and returns its update_id. The answer to the query shows in the
// group's transcript.
func (s *Server) SendGroupCallback(u User, group int64, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbackLocked(u, s.chatLocked(group), messageID, data, u.FirstName+": ")
}

// SendGroupReply injects a text by u in group chat group replying to message replyTo (the bot's), and
// returns its update_id.
func (s *Server) SendGroupReply(u User, group int64, replyTo int, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(group)
	c.nextMsgID++
	m := &models.Message{ID: c.nextMsgID, From: ptr(u.model()), Date: int(time.Now().Unix()), Chat: s.chatModelLocked(c), Text: text}
	if bm, ok := c.msgs[replyTo]; ok && !bm.deleted {
		m.ReplyToMessage = s.modelMessageLocked(c, bm)
	} else {
		m.ReplyToMessage = &models.Message{ID: replyTo, Chat: s.chatModelLocked(c)}
	}
	c.userMsgs[m.ID] = &userMsg{text: text}
	return s.injectLocked(&models.Update{Message: m}, group,
		&Event{Kind: "user", Msg: Message{ID: m.ID, ChatID: group, Text: u.FirstName + " (reply to #" + strconv.Itoa(replyTo) + "): " + text}})
}
