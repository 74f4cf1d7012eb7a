package flows

import (
	"strings"
	"testing"
)

func TestSurveyButtonsAreSignedForTheirAlumnus(t *testing.T) {
	a := &App{ButtonKey: []byte("0123456789abcdef0123456789abcdef")}
	rows := a.SurveyButtons(42, "b7", Survey{Question: "Apa status pekerjaanmu?", Options: []string{"Bekerja", "Usaha sendiri", "Masih mencari"}})
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	for i, r := range rows {
		d := r[0].Data
		if len(d) > 64 {
			t.Errorf("data %q is %d bytes, over Telegram's 64", d, len(d))
		}
		rest := strings.TrimPrefix(d, surveyFlowName+":")
		bc, opt, ok := surveyAnswer(a.ButtonKey, 42, rest)
		if !ok || bc != "b7" || opt != i {
			t.Errorf("button %d: %q reads as %q %d %v", i, d, bc, opt, ok)
		}
		if _, _, ok := surveyAnswer(a.ButtonKey, 43, rest); ok {
			t.Errorf("button %d accepted from another alumnus", i)
		}
	}
	forged := strings.Replace(strings.TrimPrefix(rows[0][0].Data, surveyFlowName+":"), ":0:", ":1:", 1)
	if _, _, ok := surveyAnswer(a.ButtonKey, 42, forged); ok {
		t.Error("a button whose option was changed is accepted")
	}
	for _, bad := range []string{"", "0", "0:b7:9:x", "1:b7:0:" + surveySignature(a.ButtonKey, 42, "b7", 0), "0:b7:-1:x"} {
		if _, _, ok := surveyAnswer(a.ButtonKey, 42, bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
