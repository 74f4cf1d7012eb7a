package meetupfile

import (
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
)

func TestFeedbackAfter(t *testing.T) {
	const file = `meetups:
  - id: x-1
    title: T
    province: "15"
    regency: "15.71"
    venue: {name: V}
    start: 2027-03-18 09:00
    end: 2027-03-18 15:00
    capacity: 10
`
	for _, tc := range []struct {
		line string
		want time.Duration
		err  bool
	}{
		{"", 0, false},
		{"feedback_after: 2h", 2 * time.Hour, false},
		{"feedback_after: 90m", 90 * time.Minute, false},
		{"feedback_after: 168h", flows.MaxFeedbackAfter, false},
		{"feedback_after: 169h", 0, true},
		{"feedback_after: 30s", 0, true},
		{"feedback_after: sejam", 0, true},
	} {
		ms, err := Parse(strings.NewReader(file+"    "+tc.line+"\n"), atlas(t))
		if tc.err {
			if err == nil || !strings.Contains(err.Error(), "feedback_after") {
				t.Errorf("%q: %v, want an error about feedback_after", tc.line, err)
			}
			continue
		}
		if err != nil || ms[0].FeedbackAfter != tc.want {
			t.Errorf("%q: %v %v, want %v", tc.line, ms, err, tc.want)
		}
	}
	ms, _ := Parse(strings.NewReader(file), atlas(t))
	if at := flows.FeedbackAt(ms[0]); !at.Equal(ms[0].End.Add(time.Hour)) {
		t.Errorf("default feedback moment %s, want an hour after the end", at)
	}
}
