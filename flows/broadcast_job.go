package flows

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

// An announcement (/siaran) becomes a broadcast job once the organizer confirms it: the store fixes
// its recipients from the audience indexes and the bulk lane sends one copy to each (store/broadcast.go
// and bot/broadcast.go). These are the job's terms as the flows and the transport share them.

// Audience kinds.
const (
	AudAll      = "all"  // every active alumnus (or, for a province-limited panitia, every one of their province)
	AudProvince = "prov" // one province
	AudRegency  = "reg"  // one regency (its province is Province)
	AudWaves    = "wave" // waves WaveFrom..WaveTo, within Province when set
	AudMeetup   = "mt"   // a group of one meetup's alumni
)

// Meetup groups an announcement can go to.
const (
	GroupGoing     = "going"  // confirmed seats
	GroupWaiting   = "wait"   // on the waitlist
	GroupCheckedIn = "in"     // checked in at the door
	GroupNoSeat    = "noseat" // alumni of the meetup's province without a place at it
)

// Audience is who an announcement goes to. Province is set whenever the audience lies inside one
// province (a province-limited panitia's audiences always do).
type Audience struct {
	Kind     string `json:"k"`
	Province string `json:"p,omitempty"`
	Regency  string `json:"r,omitempty"`
	WaveFrom int    `json:"wf,omitempty"`
	WaveTo   int    `json:"wt,omitempty"`
	Meetup   string `json:"m,omitempty"`
	Group    string `json:"g,omitempty"`
}

// Broadcast states.
const (
	BcScheduled = "scheduled" // waits for SendAt
	BcBuilding  = "building"  // the recipient list is being fixed
	BcSending   = "sending"   // recipients are being fed into the bulk lane
	BcFed       = "fed"       // every recipient is queued; waiting for the last outcomes
	BcDone      = "done"      // every recipient has an outcome
	BcStopped   = "stopped"   // the organizer stopped it; what is still queued is skipped
)

// Broadcast is one announcement job: what was decided at confirmation, and its figures.
type Broadcast struct {
	ID        string       `json:"id"`
	Organizer int64        `json:"o"`
	Lang      locales.Lang `json:"l"`
	Copy      CopyOf       `json:"c"`
	Text      string       `json:"t,omitempty"` // sent as text when Copy names no message (the console)
	Audience  Audience     `json:"a"`
	Meetup    string       `json:"m,omitempty"` // attached meetup: recipients get "Aku ikut"
	Survey    bool         `json:"s,omitempty"` // a survey is saved under the broadcast's id
	SendAt    time.Time    `json:"at"`
	Created   time.Time    `json:"cr"`
	Progress  int          `json:"pm,omitempty"` // the organizer's progress message, edited as it goes
	Zone      string       `json:"z,omitempty"`  // the organizer's zone for times: a province code

	// Figures, kept by the store.
	State    string    `json:"-"`
	Total    int64     `json:"-"`
	Sent     int64     `json:"-"`
	Failed   int64     `json:"-"`
	Blocked  int64     `json:"-"`
	NotFound int64     `json:"-"`
	Skipped  int64     `json:"-"`
	Started  time.Time `json:"-"`
	Finished time.Time `json:"-"`
}

// Settled counts the recipients that have an outcome.
func (b Broadcast) Settled() int64 { return b.Sent + b.Failed + b.Blocked + b.NotFound + b.Skipped }

// Over says whether nothing more will be sent.
func (b Broadcast) Over() bool { return b.State == BcDone || b.State == BcStopped }

// Broadcasts is what /siaran needs of the store; store.Store is one.
type Broadcasts interface {
	// AudienceSize counts an audience's alumni now, from the indexes.
	AudienceSize(ctx context.Context, a Audience) (int64, error)
	// CreateBroadcast saves a confirmed announcement: scheduled when SendAt is after now, else started.
	// Saving the same id again changes nothing and returns what is saved.
	CreateBroadcast(ctx context.Context, b Broadcast, now time.Time) (Broadcast, error)
	// Broadcast reads one job with its figures; nil when there is none.
	Broadcast(ctx context.Context, id string) (*Broadcast, error)
	// StopBroadcast stops a job that is not over; it returns the job as it is after.
	StopBroadcast(ctx context.Context, id string, now time.Time) (*Broadcast, error)
	// RecentBroadcasts lists up to n jobs, newest first.
	RecentBroadcasts(ctx context.Context, n int) ([]Broadcast, error)
	// SaveSurvey keeps the survey a broadcast carries.
	SaveSurvey(ctx context.Context, bc string, sv Survey) error
}

// MaxBroadcastID is the longest broadcast id: survey buttons carry it within Telegram's 64 bytes.
const MaxBroadcastID = 30

// BroadcastID names the broadcast an update confirms: drawn from the update's operation id, so a
// re-run of the update confirms the same broadcast, never a second one.
func BroadcastID(op string, now time.Time) string {
	if op == "" {
		op = now.Format(time.RFC3339Nano)
	}
	sum := sha256.Sum256([]byte(op))
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:8]))
}
