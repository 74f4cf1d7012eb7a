package flows

import (
	"encoding/json"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// Kind says what an Input is.
type Kind int

// Input kinds.
const (
	KindText    Kind = iota + 1 // a text message that is not a command
	KindCommand                 // a /command, possibly with a payload
	KindButton                  // an inline button press (callback query)
	KindPhoto                   // a photo, with or without caption
	KindOther                   // anything else: sticker, voice, location, ...
)

// Input is one thing a user did, as the flows see it.
type Input struct {
	UpdateID  int64
	UserID    int64 // also the private chat id
	FirstName string
	LangCode  string // Telegram's language_code
	Kind      Kind
	Command   string // lower case, without "/" and "@bot": "start"
	Payload   string // what follows a command: "ref_123"
	Text      string // message text or photo caption
	Data      string // callback data of a button
	MessageID int    // the bot message a button was on
	// OwnMessageID is the id of the user's own message (text, photo, anything): what copyMessage
	// copies, e.g. an organizer's announcement with its formatting.
	OwnMessageID int
	PhotoID      string // KindPhoto: the Telegram file id of the photo's largest size
	Media        string // KindOther: what it is — "document", "sticker", "voice", "video", "location", …
	Now          time.Time
}

// Button is an inline keyboard button: Data goes back to the bot as callback data (at most 64 bytes),
// or URL opens a link.
type Button struct {
	Text locales.Text `json:"t"`
	Data string       `json:"d,omitempty"`
	URL  string       `json:"u,omitempty"`
}

// Reply is one message the bot says.
type Reply struct {
	Text    locales.Text `json:"t"`
	Buttons [][]Button   `json:"b,omitempty"`
	Edit    bool         `json:"e,omitempty"` // replace the message the button was pressed on
	// EditButtons replaces only the buttons of the message the button was pressed on: the message itself
	// stays (a copied announcement, a photo). Nothing is sent when that message is gone.
	EditButtons bool        `json:"eb,omitempty"`
	File        *Attachment `json:"f,omitempty"` // send a file (or photo) with Text as its caption
	Venue       *VenuePin   `json:"v,omitempty"` // send a map pin (Telegram venue) instead of text; Text is not shown
	// Photo is a Telegram file id: send that photo with Text as its caption (at most 1,024 characters).
	Photo string `json:"ph,omitempty"`
	// Copy sends a copy of a message (copyMessage: its text, formatting and media as they are) with
	// Buttons instead of Text, which is not shown.
	Copy *CopyOf `json:"c,omitempty"`
}

// CopyOf names a message to copy: the chat it is in and its id there.
type CopyOf struct {
	Chat    int64 `json:"c"`
	Message int   `json:"m"`
}

// VenuePin is a place on the map, sent as a Telegram venue: the phone opens it in its maps app.
type VenuePin struct {
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Title   string  `json:"t"`
	Address string  `json:"a,omitempty"`
}

// Attachment names a file for the transport to make and send: flows decide what is sent (after every
// check), the transport renders the bytes, so replies stay small enough to keep for a replay.
type Attachment struct {
	Kind    AttachmentKind `json:"k"`
	Meetup  string         `json:"m,omitempty"`
	Alumnus int64          `json:"a,omitempty"` // whose ticket
	Code    string         `json:"c,omitempty"` // the ticket's check-in code
	Ref     string         `json:"r,omitempty"` // what other kinds are about: a broadcast, a survey, an export
}

// AttachmentKind is what an Attachment is.
type AttachmentKind string

// Attachment kinds.
const (
	FileCalendar AttachmentKind = "ics" // the meetup's .ics file
	FileTicketQR AttachmentKind = "qr"  // a photo of the QR code of an alumnus's check-in link
)

// Result is what the bot does in answer to one Input.
type Result struct {
	Lang    locales.Lang `json:"l"`
	Replies []Reply      `json:"r,omitempty"`
	Notice  locales.Text `json:"n,omitempty"` // shown briefly on the pressed button (answerCallbackQuery)
	// Forget: the user's data was erased; once the replies went out, the transport has the
	// conversation's own records deleted too (Engine.Forget).
	Forget bool `json:"x,omitempty"`
}

// Role is what a user may do beyond being an alumnus. It is looked up on every update.
type Role struct {
	Organizer bool   // may use the organizer commands
	Super     bool   // a super-admin from ADMIN_IDS: may also grant and revoke the organizer role
	Province  string // "" for every province; else the only province they organize
}

// Covers says whether the role may act on a meetup of a province.
func (r Role) Covers(province string) bool {
	return r.Super || r.Organizer && (r.Province == "" || r.Province == province)
}

// Profile is what an alumnus told us about themselves.
type Profile struct {
	Name       string
	Province   string // area province code, e.g. "15"
	Regency    string // area regency code, e.g. "15.71"
	Wave       int    // gelombang
	Lang       locales.Lang
	ConsentAt  time.Time // consent to processing personal data (UU 27/2022)
	CreatedAt  time.Time
	Active     bool  // false once the alumnus blocked the bot
	ReferredBy int64 // the alumnus whose /start ref_ link brought this one, 0 if none
}

// Conv is the state of the conversation a chat is in, kept between inputs. What the flow itself
// keeps is State: the JSON of the flow's own state struct, decoded by the router into that type
// (flow.go), so no flow reads another's state and a step name means something only in its flow.
type Conv struct {
	Flow      string          `json:"f,omitempty"` // the flow's Name; "" when idle
	Step      string          `json:"s,omitempty"` // a step of that flow
	State     json.RawMessage `json:"d,omitempty"`
	Nonce     int             `json:"n,omitempty"`  // buttons carry it, so old buttons are recognised
	LastTap   string          `json:"t,omitempty"`  // callback data last applied: a double tap has one effect
	LastTapAt int64           `json:"ta,omitempty"` // when (unix s): a later tap of the same button is stale
	Payload   string          `json:"p,omitempty"`  // a /start payload waiting for onboarding to finish
}

// Session is everything a step may read or change about one chat.
type Session struct {
	Profile *Profile // nil until onboarding is finished
	Conv    Conv
}

// restart replaces the conversation by a new one (flow "" for idle). The nonce moves on, so buttons of
// the old conversation are stale, and the last tap is kept, so a double tap on the button that ended
// the old conversation is still recognised.
func (c *Conv) restart(flow, step string) {
	*c = Conv{Flow: flow, Step: step, Nonce: c.Nonce + 1, LastTap: c.LastTap, LastTapAt: c.LastTapAt}
}

// lang is the language to answer in: the profile's choice, else Telegram's language_code.
func (s Session) lang(in Input) locales.Lang {
	if s.Profile != nil && s.Profile.Lang != "" {
		return s.Profile.Lang
	}
	return locales.LangFromCode(in.LangCode)
}

// Attachment kinds of the organizer exports.
const (
	FileParticipantsCSV AttachmentKind = "csv_participants" // a meetup's roster for /peserta, as CSV
	FileMyData          AttachmentKind = "json_mydata"      // everything kept about Alumnus, for /datasaya
)
