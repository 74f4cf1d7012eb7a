package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
)

func TestSurveyIsKeptWithItsBroadcast(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if sv, err := st.Survey(ctx, "b1"); err != nil || sv != nil {
		t.Fatalf("Survey of a broadcast without one = %v, %v; want nil, nil", sv, err)
	}
	want := flows.Survey{Question: "Apa status pekerjaanmu sekarang?", Options: []string{"Bekerja", "Usaha sendiri", "Masih mencari"}}
	if err := st.SaveSurvey(ctx, "b1", want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Survey(ctx, "b1")
	if err != nil || got == nil {
		t.Fatalf("Survey = %v, %v", got, err)
	}
	if d := cmp.Diff(want, *got); d != "" {
		t.Errorf("survey (-want +got):\n%s", d)
	}
}
