package flows

import "context"

// Surveys is what the survey flows need of the store: App.Surveys (store.Store is one). Without it
// survey buttons are answered as stale.
type Surveys interface {
	// Survey is the survey of broadcast bc; nil when it has none.
	Survey(ctx context.Context, bc string) (*Survey, error)
	// AnswerSurvey records the alumnus's answer, replacing an earlier one, and counts it for the
	// province and regency given (the profile's at the time): at most once per operation id.
	AnswerSurvey(ctx context.Context, bc string, alumnus int64, option int, province, regency string) (SurveyAnswer, error)
	// SurveyTally counts the answers as they stand.
	SurveyTally(ctx context.Context, bc string) (SurveyTally, error)
	// CloseSurvey stops the survey taking answers; closing it again changes nothing.
	CloseSurvey(ctx context.Context, bc string) error
}

// AnswerStatus is what became of an answer.
type AnswerStatus string

// Answer statuses.
const (
	AnswerNew      AnswerStatus = "new"      // the alumnus's first answer
	AnswerChanged  AnswerStatus = "changed"  // it replaced another: SurveyAnswer.Previous
	AnswerSame     AnswerStatus = "same"     // they had given this answer already
	AnswerClosed   AnswerStatus = "closed"   // the survey takes no more answers
	AnswerUnknown  AnswerStatus = "unknown"  // no such survey
	AnswerNoOption AnswerStatus = "nooption" // the survey has no such option
)

// SurveyAnswer is the outcome of AnswerSurvey.
type SurveyAnswer struct {
	Status   AnswerStatus
	Previous int // the option replaced, when Status is AnswerChanged
}

// SurveyTally is a survey's answers counted: in all, by province and by regency (area codes), each
// a count per option. An alumnus is counted where their profile said they lived when they answered.
type SurveyTally struct {
	Answers   int // alumni who answered
	Options   []int
	Provinces map[string][]int
	Regencies map[string][]int
	Closed    bool
}
