package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
)

var jobSurvey = flows.Survey{Question: "Apa status pekerjaanmu sekarang?", Options: []string{"Bekerja", "Usaha sendiri", "Masih mencari"}}

func TestSurveyAnswerIsReplacedAndCountsMove(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if err := st.SaveSurvey(ctx, "b1", jobSurvey); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		alumnus int64
		option  int
		prov    string
		regency string
		want    flows.SurveyAnswer
	}{
		{1, 0, "75", "75.71", flows.SurveyAnswer{Status: flows.AnswerNew, Previous: -1}},
		{2, 0, "75", "75.01", flows.SurveyAnswer{Status: flows.AnswerNew, Previous: -1}},
		{3, 2, "15", "15.71", flows.SurveyAnswer{Status: flows.AnswerNew, Previous: -1}},
		{1, 0, "75", "75.71", flows.SurveyAnswer{Status: flows.AnswerSame, Previous: 0}},
		// Alumnus 2 moved to Jambi since, and changes their answer: the old count leaves Gorontalo.
		{2, 1, "15", "15.71", flows.SurveyAnswer{Status: flows.AnswerChanged, Previous: 0}},
		{1, 3, "75", "75.71", flows.SurveyAnswer{Status: flows.AnswerNoOption, Previous: -1}},
	}
	for i, s := range steps {
		got, err := st.AnswerSurvey(ctx, "b1", s.alumnus, s.option, s.prov, s.regency)
		if err != nil {
			t.Fatal(err)
		}
		if got != s.want {
			t.Errorf("step %d: %+v, want %+v", i, got, s.want)
		}
	}
	tally, err := st.SurveyTally(ctx, "b1")
	if err != nil {
		t.Fatal(err)
	}
	want := flows.SurveyTally{
		Answers:   3,
		Options:   []int{1, 1, 1},
		Provinces: map[string][]int{"75": {1, 0, 0}, "15": {0, 1, 1}},
		Regencies: map[string][]int{"75.71": {1, 0, 0}, "15.71": {0, 1, 1}},
	}
	if d := cmp.Diff(want, tally); d != "" {
		t.Errorf("tally (-want +got):\n%s", d)
	}
}

func TestSurveyUnknownOrClosedTakesNoAnswer(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if got, err := st.AnswerSurvey(ctx, "nope", 1, 0, "75", "75.71"); err != nil || got.Status != flows.AnswerUnknown {
		t.Errorf("answer to no survey = %+v, %v", got, err)
	}
	if err := st.SaveSurvey(ctx, "b2", jobSurvey); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AnswerSurvey(ctx, "b2", 1, 1, "75", "75.71"); err != nil {
		t.Fatal(err)
	}
	for range 2 { // closing twice is closing once
		if err := st.CloseSurvey(ctx, "b2"); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := st.AnswerSurvey(ctx, "b2", 1, 0, "75", "75.71"); err != nil || got.Status != flows.AnswerClosed {
		t.Errorf("answer to a closed survey = %+v, %v", got, err)
	}
	tally, err := st.SurveyTally(ctx, "b2")
	if err != nil {
		t.Fatal(err)
	}
	if !tally.Closed || tally.Answers != 1 || tally.Options[1] != 1 || tally.Options[0] != 0 {
		t.Errorf("tally after closing = %+v", tally)
	}
}

func TestSurveyAnswerRunsOncePerOperation(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if err := st.SaveSurvey(ctx, "b3", jobSurvey); err != nil {
		t.Fatal(err)
	}
	first := flows.WithOps(ctx, 7, 100)
	if _, err := st.AnswerSurvey(first, "b3", 7, 0, "75", "75.71"); err != nil {
		t.Fatal(err)
	}
	change := flows.WithOps(ctx, 7, 101)
	got, err := st.AnswerSurvey(change, "b3", 7, 1, "75", "75.71")
	if err != nil || got.Status != flows.AnswerChanged {
		t.Fatalf("change = %+v, %v", got, err)
	}
	// Update 101 redelivered: the same operation id gives the same answer and changes nothing.
	again, err := st.AnswerSurvey(flows.WithOps(ctx, 7, 101), "b3", 7, 1, "75", "75.71")
	if err != nil || again != got {
		t.Errorf("redelivered = %+v, %v; want %+v", again, err, got)
	}
	tally, err := st.SurveyTally(ctx, "b3")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{0, 1, 0}, tally.Options); d != "" || tally.Answers != 1 {
		t.Errorf("options (-want +got):\n%s answers %d", d, tally.Answers)
	}
}

// Many alumni answering and changing their answers at once: every count exact.
func TestSurveyConcurrentAnswersCountExactly(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if err := st.SaveSurvey(ctx, "b4", jobSurvey); err != nil {
		t.Fatal(err)
	}
	const alumni = 300
	provinces := []string{"75", "15", "32"}
	var wg sync.WaitGroup
	errs := make(chan error, alumni)
	for a := range alumni {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := provinces[a%3]
			reg := p + ".71"
			// Each answers option a%3 first, then changes to (a+1)%3; the last answer counts.
			for _, o := range []int{a % 3, (a + 1) % 3} {
				if _, err := st.AnswerSurvey(flows.WithOps(ctx, int64(a), int64(o)), "b4", int64(a), o, p, reg); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	tally, err := st.SurveyTally(ctx, "b4")
	if err != nil {
		t.Fatal(err)
	}
	want := flows.SurveyTally{Answers: alumni, Options: []int{100, 100, 100}, Provinces: map[string][]int{}, Regencies: map[string][]int{}}
	for i, p := range provinces {
		row := make([]int, 3)
		row[(i+1)%3] = alumni / 3
		want.Provinces[p] = row
		want.Regencies[p+".71"] = row
	}
	if d := cmp.Diff(want, tally); d != "" {
		t.Errorf("tally (-want +got):\n%s", d)
	}
}
