package bot

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/go-telegram/bot/models"
	json "github.com/goccy/go-json"
)

// Decoding updates is the bot's largest single cost when it is done the obvious way, for two reasons:
//   - while the offset is held (see poll) every getUpdates answer repeats the updates still in flight,
//     so each update comes three or four times under load; only its first coming is worth decoding;
//   - a button press carries the whole message the button sits on, text and keyboard (a keyboard of 38
//     provinces is 3 KB), which models.MaybeInaccessibleMessage decodes twice; the bot needs its id and
//     chat only.
// So a getUpdates answer is split into undecoded updates (fetchedUpdate), and an update is decoded
// with the button's message cut down to what convert reads (decodeUpdate). Both use goccy/go-json,
// which reads Telegram's JSON several times faster than encoding/json (BenchmarkDecodeUpdates).

// updatesAnswer is a getUpdates answer.
type updatesAnswer struct {
	OK          bool            `json:"ok"`
	Result      []fetchedUpdate `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// decodeAnswer decodes a getUpdates answer; nothing it returns points into raw (the decoder copies
// its input, and hands UnmarshalJSON a copy; TestFetchedUpdate checks).
func decodeAnswer(raw []byte) (updatesAnswer, error) {
	var a updatesAnswer
	err := json.Unmarshal(raw, &a)
	return a, err
}

// fetchedUpdate is one update of a getUpdates answer, its id read and the rest left undecoded.
type fetchedUpdate struct {
	ID  int64
	raw []byte // the update's JSON (the decoder hands UnmarshalJSON a copy)
}

// UnmarshalJSON keeps the update as it is and reads its id: from the first key, where Telegram writes
// it, without decoding anything else; else by decoding the object for it alone.
func (f *fetchedUpdate) UnmarshalJSON(b []byte) error {
	f.raw = b
	const first = `{"update_id":`
	if rest, ok := bytes.CutPrefix(b, []byte(first)); ok {
		end := bytes.IndexAny(rest, ",}")
		if end > 0 {
			if id, err := strconv.ParseInt(string(rest[:end]), 10, 64); err == nil {
				f.ID = id
				return nil
			}
		}
	}
	var v struct {
		ID *int64 `json:"update_id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.ID == nil {
		return fmt.Errorf("update without update_id: %.80s", b)
	}
	f.ID = *v.ID
	return nil
}

// decodeUpdate decodes one update as models.Update does, except a button's message: of that only the
// id, the date and the chat are read (a date of 0 marks a message the bot can no longer see).
func decodeUpdate(raw []byte) (*models.Update, error) {
	var w struct {
		models.Update
		CallbackQuery *wireCallbackQuery `json:"callback_query,omitempty"` // shadows Update's
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	u := w.Update
	if q := w.CallbackQuery; q != nil {
		u.CallbackQuery = q.model()
	}
	return &u, nil
}

// wireCallbackQuery is models.CallbackQuery with the message cut down to buttonMessage.
type wireCallbackQuery struct {
	ID              string         `json:"id"`
	From            models.User    `json:"from"`
	Message         *buttonMessage `json:"message"`
	InlineMessageID string         `json:"inline_message_id"`
	ChatInstance    string         `json:"chat_instance"`
	Data            string         `json:"data"`
	GameShortName   string         `json:"game_short_name"`
}

// buttonMessage is what the bot reads of the message a pressed button sits on.
type buttonMessage struct {
	ID   int         `json:"message_id"`
	Date int         `json:"date"`
	Chat models.Chat `json:"chat"`
}

func (q *wireCallbackQuery) model() *models.CallbackQuery {
	c := &models.CallbackQuery{ID: q.ID, From: q.From, InlineMessageID: q.InlineMessageID,
		ChatInstance: q.ChatInstance, Data: q.Data, GameShortName: q.GameShortName}
	switch m := q.Message; {
	case m == nil: // a button on an inline message: no message at all
	case m.Date == 0:
		c.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: m.Chat, MessageID: m.ID}}
	default:
		c.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: m.ID, Date: m.Date, Chat: m.Chat}}
	}
	return c
}
