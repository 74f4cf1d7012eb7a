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
