package flows

import "time"

// MeetupStatus says whether alumni can see a meetup.
type MeetupStatus string

// Meetup statuses.
const (
	MeetupDraft     MeetupStatus = "draft"
	MeetupPublished MeetupStatus = "published"
	MeetupCancelled MeetupStatus = "cancelled"
)

// Meetup is a regional Temu Alumni: one venue, one day, a number of seats and its workshops.
// Times are instants; they are shown in the venue's zone, which follows from the province.
type Meetup struct {
	ID          string       `json:"id"` // short slug, used in deep links: /start ev_<id>
	Title       string       `json:"title"`
	Province    string       `json:"province"` // area code, e.g. "75"
	Regency     string       `json:"regency"`  // area code, e.g. "75.71"
	Venue       Venue        `json:"venue"`
	Start       time.Time    `json:"start"`
	End         time.Time    `json:"end"`
	Capacity    int          `json:"capacity"`
	Description string       `json:"description,omitempty"`
	Workshops   []Workshop   `json:"workshops,omitempty"`
	Status      MeetupStatus `json:"status"`
	// ClaimWindow is how long a freed seat is held for the next waitlisted alumnus; 0 means
	// DefaultClaimWindow.
	ClaimWindow time.Duration `json:"claim_window,omitempty"`
	// Reminders are when its seat holders are reminded (flows/remind.go): specs such as "19:00" (the
	// day before) and "2h" (before the start); none means DefaultReminders, "off" none at all.
	Reminders []string `json:"reminders,omitempty"`
	// FeedbackAfter is how long after the end its alumni who checked in are asked how it went; 0
	// means DefaultFeedbackAfter (feedback_types.go).
	FeedbackAfter time.Duration `json:"feedback_after,omitempty"`
}

// Venue is where a meetup happens.
type Venue struct {
	Name    string  `json:"name"`
	Address string  `json:"address,omitempty"`
	Lat     float64 `json:"lat,omitempty"`
	Lon     float64 `json:"lon,omitempty"`
}

// Workshop is one session of a meetup's agenda.
type Workshop struct {
	Title   string    `json:"title"`
	Trainer string    `json:"trainer,omitempty"` // a person or a training organisation
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
}

// SeatStatus is where an alumnus stands for a meetup.
type SeatStatus string

// Seat statuses.
const (
	SeatNone       SeatStatus = "none"
	SeatConfirmed  SeatStatus = "confirmed"
	SeatOffered    SeatStatus = "offered"    // a freed seat is held for them until OfferExpires
	SeatWaitlisted SeatStatus = "waitlisted" // Position in the queue, from 1
	SeatClosed     SeatStatus = "closed"     // the meetup is not open for RSVPs (draft, cancelled or over)
	SeatUnknown    SeatStatus = "unknown"    // no such meetup
	SeatExpired    SeatStatus = "expired"    // the offer ran out before it was claimed
)

// Seat is an alumnus's place for a meetup.
type Seat struct {
	Status       SeatStatus
	Code         string // check-in code when confirmed
	Position     int    // place on the waitlist
	OfferExpires time.Time
}

// Notice is something to tell an alumnus about their place at a meetup that did not come from their
// own action: a freed seat offered, an offer run out, the meetup changed or cancelled. The store queues
// it in the same script as the change (the outbound queue); App.NoticeReply (notices.go) says it.
type Notice struct {
	Kind    NoticeKind
	Meetup  string
	Alumnus int64
	Until   time.Time // for an offer: when it runs out
}

// NoticeKind says what a Notice is about.
type NoticeKind string

// Notice kinds.
const (
	NoticeOffer   NoticeKind = "offer"
	NoticeExpired NoticeKind = "expired"
)

// CheckIn is the answer to a check-in.
type CheckIn struct {
	Status  CheckInStatus
	Alumnus int64
	At      time.Time // when they were checked in (now, or earlier for CheckInAlready)
}

// CheckInStatus is how a check-in went.
type CheckInStatus string

// Check-in statuses.
const (
	CheckInOK      CheckInStatus = "ok"
	CheckInAlready CheckInStatus = "already" // the code was used before
	CheckInUnknown CheckInStatus = "unknown" // no such code at this meetup, or its RSVP was cancelled
)

// NoticeCancelled tells an alumnus who held a seat, an offer or a waitlist place that the meetup was
// cancelled.
const NoticeCancelled NoticeKind = "cancelled"

// NoticeChanged tells an alumnus who holds a seat, an offer or a waitlist place that the meetup's
// date, time or venue changed.
const NoticeChanged NoticeKind = "changed"
