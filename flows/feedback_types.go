package flows

import (
	"context"
	"time"
)

// Feedback after a meetup (issue 9 §7): an hour (Meetup.FeedbackAfter) after a meetup ends, every
// alumnus who checked in is asked once "Bagaimana acaranya?" with 1–5 buttons (feedback.go), then for
// an optional comment (feedback_comment.go); /masukan takes a free-form suggestion at any time
// (masukan.go); /laporan shows the ratings and exports comments and suggestions
// (reports_feedback.go).

// DefaultFeedbackAfter is how long after a meetup's end its alumni are asked for feedback when the
// meetup says nothing else.
const DefaultFeedbackAfter = time.Hour

// MaxFeedbackAfter bounds Meetup.FeedbackAfter: later than a week, nobody remembers the day.
const MaxFeedbackAfter = 7 * 24 * time.Hour

// FeedbackAt is when a meetup's alumni are asked for feedback.
func FeedbackAt(m Meetup) time.Time {
	after := m.FeedbackAfter
	if after <= 0 {
		after = DefaultFeedbackAfter
	}
	return m.End.Add(after)
}

// Feedback is what the feedback flows need of the store: App.Feedback (store.Store is one). Without
// it the rating buttons are stale and /masukan answers as unknown.
type Feedback interface {
	// Rate keeps an alumnus's rating (1–5) of a meetup they checked in at; a second rating changes
	// nothing and answers RateAlready with the first one.
	Rate(ctx context.Context, meetup string, alumnus int64, rating int, now time.Time) (RateResult, error)
	// Comment keeps the comment that goes with an alumnus's rating; false when they have not rated
	// the meetup (nothing is kept).
	Comment(ctx context.Context, meetup string, alumnus int64, text string, now time.Time) (bool, error)
	// Ratings counts a meetup's ratings.
	Ratings(ctx context.Context, meetup string) (Ratings, error)
	// AddSuggestion keeps a /masukan suggestion.
	AddSuggestion(ctx context.Context, s Suggestion) error
}

// RateStatus is how a rating went.
type RateStatus string

// Rate statuses.
const (
	RateOK           RateStatus = "ok"
	RateAlready      RateStatus = "already"      // rated before: nothing changed
	RateNotCheckedIn RateStatus = "not_attended" // not checked in at that meetup: nothing kept
	RateBad          RateStatus = "bad"          // not 1–5: nothing kept
)

// RateResult is the answer to a rating.
type RateResult struct {
	Status RateStatus
	Rating int // the rating kept: this one (RateOK) or the earlier one (RateAlready)
}

// Ratings are a meetup's ratings: how many gave each of 1–5 stars.
type Ratings struct {
	Dist [5]int // Dist[0] ratings of 1 star … Dist[4] of 5 stars
}

// Count is the number of ratings.
func (r Ratings) Count() int {
	n := 0
	for _, c := range r.Dist {
		n += c
	}
	return n
}

// Average is the mean rating; 0 without ratings.
func (r Ratings) Average() float64 {
	n, sum := 0, 0
	for i, c := range r.Dist {
		n += c
		sum += (i + 1) * c
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// FeedbackComment is one alumnus's rating of a meetup with their comment, for the export.
type FeedbackComment struct {
	Alumnus int64
	Rating  int
	Text    string // "" when they skipped the comment
	At      time.Time
}

// Suggestion is one /masukan suggestion, tagged with where its alumnus lives.
type Suggestion struct {
	Alumnus  int64
	Province string // area codes, from the profile when it was sent
	Regency  string
	Text     string
	At       time.Time
}

// Suggestion and comment lengths, in characters.
const (
	MinSuggestion = 10
	MaxSuggestion = 2000
	MaxComment    = 2000
)

// Attachment kinds of the feedback exports and the report chart. Meetup names the meetup; for the
// suggestions, Ref is the province the organizer covers ("" for all).
const (
	FileFeedbackCSV    AttachmentKind = "csv_feedback"    // a meetup's ratings and comments
	FileSuggestionsCSV AttachmentKind = "csv_suggestions" // /masukan suggestions of a province
	FileReportChart    AttachmentKind = "png_report"      // attendance by regency and the ratings, one image
)
