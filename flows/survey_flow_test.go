package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

var (
	svKey = []byte("flows test button key, 32 bytes!")
	svJob = flows.Survey{Question: "Apa status pekerjaanmu sekarang?", Options: []string{"Bekerja", "Usaha sendiri", "Masih mencari"}}
)

// newSurveyWorld is the survey flows over a real store, with the report tests' organizers: a
// super-admin, a panitia of Jambi only, and an alumnus who is neither.
func newSurveyWorld(t *testing.T) *meetupWorld {
	t.Helper()
	w := newReportWorld(t)
	w.app.Surveys, w.app.ButtonKey = w.st, svKey
	return w
}

func (w *meetupWorld) saveSurvey(bc string, sv flows.Survey) {
	w.t.Helper()
	if err := w.st.SaveSurvey(context.Background(), bc, sv); err != nil {
		w.t.Fatal(err)
	}
}

// receive puts an announcement's survey buttons, as sent to m, on m's screen.
func (w *meetupWorld) receive(m *member, bc string, sv flows.Survey) {
	m.last = flows.Result{Lang: locales.ID, Replies: []flows.Reply{{Buttons: w.app.SurveyButtons(m.id, bc, sv)}}}
}

func (w *meetupWorld) svTally(bc string) flows.SurveyTally {
	w.t.Helper()
	tl, err := w.st.SurveyTally(context.Background(), bc)
	if err != nil {
		w.t.Fatal(err)
	}
	return tl
}

func (w *meetupWorld) notice(m *member) string { return w.cat.Render(locales.ID, m.last.Notice) }

func TestSurveyAnswerThenChange(t *testing.T) {
	w := newSurveyWorld(t)
	w.saveSurvey("b1", svJob)
	vita := w.alumnus(1, "75", "75.71")
	w.receive(vita, "b1", svJob)

	got := w.tap(vita, "Bekerja")
	expectIn(t, got, "✅ Terima kasih, jawabanmu tercatat: Bekerja", "Ketuk jawaban lain")
	if n := w.notice(vita); n != "✅ Jawaban tercatat" {
		t.Errorf("toast %q", n)
	}
	if len(vita.last.Replies) != 1 || len(vita.last.Replies[0].Buttons) == 0 {
		t.Errorf("answered with %+v, want one message with a way on", vita.last.Replies)
	}
	// The announcement's buttons stay; another of them replaces the answer, and says so.
	w.receive(vita, "b1", svJob)
	expectIn(t, w.tap(vita, "Usaha sendiri"), "🔄 Jawabanmu diganti jadi Usaha sendiri (sebelumnya: Bekerja)")
	// A double tap (the same button again at once) is one press: nothing more is said or counted.
	w.receive(vita, "b1", svJob)
	if got := w.tap(vita, "Usaha sendiri"); got != "" {
		t.Errorf("a double tap answered:\n%s", got)
	}
	w.now = w.now.Add(time.Minute) // later, the same answer again: said to be saved already
	w.receive(vita, "b1", svJob)
	expectIn(t, w.tap(vita, "Usaha sendiri"), "Jawabanmu sudah tercatat: Usaha sendiri")

	want := flows.SurveyTally{Answers: 1, Options: []int{0, 1, 0},
		Provinces: map[string][]int{"75": {0, 1, 0}}, Regencies: map[string][]int{"75.71": {0, 1, 0}}}
	if d := cmp.Diff(want, w.svTally("b1")); d != "" {
		t.Errorf("tally (-want +got):\n%s", d)
	}
}

// Buttons that must change nothing: another alumnus's, tampered, of an option or a survey that does
// not exist, and of a closed survey. Each gets a toast and a message with a way on.
func TestSurveyButtonsThatChangeNothing(t *testing.T) {
	w := newSurveyWorld(t)
	w.saveSurvey("b1", svJob)
	vita := w.alumnus(1, "75", "75.71")
	other := w.alumnus(2, "15", "15.71")
	sixOptions := flows.Survey{Question: svJob.Question, Options: []string{"a", "b", "c", "d", "e", "f"}}

	for _, tc := range []struct {
		name   string
		button flows.Button
	}{
		{"another alumnus's", w.app.SurveyButtons(other.id, "b1", svJob)[0][0]},
		{"option changed", flows.Button{Text: locales.Raw("x"), Data: strings.Replace(w.app.SurveyButtons(vita.id, "b1", svJob)[0][0].Data, ":0:", ":2:", 1)}},
		{"signed for an option the survey lacks", w.app.SurveyButtons(vita.id, "b1", sixOptions)[5][0]},
		{"of no survey", w.app.SurveyButtons(vita.id, "b9", svJob)[0][0]},
		{"malformed", flows.Button{Text: locales.Raw("x"), Data: "sv:0:b1"}},
	} {
		vita.last = flows.Result{Replies: []flows.Reply{{Buttons: [][]flows.Button{{tc.button}}}}}
		got := w.tap(vita, w.cat.Render(locales.ID, tc.button.Text))
		expectIn(t, got, "Tombol survei ini tidak berlaku")
		if n := w.notice(vita); n != "⚠️ Tombol tidak berlaku" {
			t.Errorf("%s: toast %q", tc.name, n)
		}
		if len(vita.last.Replies) != 1 || len(vita.last.Replies[0].Buttons) == 0 {
			t.Errorf("%s: answered with %+v, want one message with a way on", tc.name, vita.last.Replies)
		}
		w.now = w.now.Add(time.Minute)
	}
	if tl := w.svTally("b1"); tl.Answers != 0 {
		t.Fatalf("refused buttons counted: %+v", tl)
	}

	if err := w.st.CloseSurvey(context.Background(), "b1"); err != nil {
		t.Fatal(err)
	}
	w.receive(vita, "b1", svJob)
	expectIn(t, w.tap(vita, "Bekerja"), "🔒 Survei ini sudah ditutup")
	if tl := w.svTally("b1"); tl.Answers != 0 {
		t.Fatalf("a closed survey counted an answer: %+v", tl)
	}

	// Before onboarding a survey button is stale: there is no profile to count the answer for.
	stranger := &member{id: 3}
	w.receive(stranger, "b1", svJob)
	expectIn(t, w.tap(stranger, "Bekerja"), "Tombol ini sudah tidak berlaku")
}

// The organizer's results: only for organizers whose role covers the announcement's audience; a
// forged or unknown broadcast is answered like one of another province.
func TestSurveyResultsForOrganizersWhoCoverIt(t *testing.T) {
	w := newSurveyWorld(t)
	national := svJob
	jambi := svJob
	jambi.Province = "15"
	w.saveSurvey("nat", national)
	w.saveSurvey("jbi", jambi)
	for i, a := range []struct {
		id      int64
		prov    string
		regency string
		option  int
	}{{1, "75", "75.71", 0}, {2, "15", "15.71", 0}, {3, "15", "15.05", 2}} {
		m := w.alumnus(a.id, a.prov, a.regency)
		for _, bc := range []string{"nat", "jbi"} {
			w.receive(m, bc, svJob)
			w.tap(m, svJob.Options[a.option])
			w.now = w.now.Add(time.Duration(i+1) * time.Minute)
		}
	}

	super := w.rpOrganizer(rpSuper)
	open := func(m *member, bc string) string {
		m.last = flows.Result{Replies: []flows.Reply{{Buttons: [][]flows.Button{{flows.SurveyResultsButton(bc)}}}}}
		w.now = w.now.Add(time.Minute)
		return w.tap(m, "📊 Hasil survei")
	}
	got := open(super, "nat")
	expectIn(t, got, "📊 Hasil survei\n❓ Apa status pekerjaanmu sekarang?", "• Bekerja: 2 (67%)", "• Usaha sendiri: 0 (0%)",
		"• Masih mencari: 1 (33%)", "Total 3 jawaban dari 2 provinsi.", "Survei masih terbuka")
	r := super.last.Replies
	if len(r) != 1 || r[0].File == nil || r[0].File.Kind != flows.FileSurveyChart || r[0].File.Ref != "nat" {
		t.Fatalf("results = %+v, want one photo of the chart", r)
	}

	// A panitia of Jambi sees the Jambi survey, not the national one (nor a forged id).
	jambiOrg := w.rpOrganizer(rpJambiOrg)
	expectIn(t, open(jambiOrg, "jbi"), "📍 Untuk alumni Jambi", "• Bekerja: 2 (67%)")
	for _, bc := range []string{"nat", "nope", "../x"} {
		expectIn(t, open(jambiOrg, bc), "Survei itu tidak ditemukan atau di luar wilayahmu")
		if f := jambiOrg.last.Replies[0].File; f != nil {
			t.Errorf("%s: a file was sent: %+v", bc, f)
		}
	}
	// An alumnus pressing a results button (forged) is refused by the router.
	alumnus := w.users[1]
	expectIn(t, open(alumnus, "nat"), "perintah ini khusus untuk panitia")

	// The CSV, then closing: asked first, then closed; answers are refused afterwards.
	open(super, "nat")
	w.now = w.now.Add(time.Minute)
	w.tap(super, "📄 CSV")
	if f := super.last.Replies[0].File; f == nil || f.Kind != flows.FileSurveyCSV || f.Ref != "nat" {
		t.Fatalf("CSV = %+v", super.last.Replies)
	}
	open(super, "nat")
	expectIn(t, w.tap(super, "🔒 Tutup survei"), "Tutup survei \"Apa status pekerjaanmu sekarang?\"?")
	expectIn(t, w.tap(super, "Ya, tutup"), "🔒 Survei sudah ditutup: jawaban yang masuk tetap tersimpan.")
	if !w.svTally("nat").Closed {
		t.Error("the survey is not closed")
	}
	w.receive(alumnus, "nat", svJob)
	expectIn(t, w.tap(alumnus, "Usaha sendiri"), "Survei ini sudah ditutup")
	expectIn(t, open(super, "nat"), "• Bekerja: 2 (67%)")
}

func TestSurveyResultsWithoutAnswersHaveNoChart(t *testing.T) {
	w := newSurveyWorld(t)
	w.saveSurvey("b1", svJob)
	super := w.rpOrganizer(rpSuper)
	super.last = flows.Result{Replies: []flows.Reply{{Buttons: [][]flows.Button{{flows.SurveyResultsButton("b1")}}}}}
	expectIn(t, w.tap(super, "📊 Hasil survei"), "• Bekerja: 0 (0%)", "Belum ada jawaban")
	if f := super.last.Replies[0].File; f != nil {
		t.Errorf("a chart of no answers: %+v", f)
	}
}

// An answer redelivered after a crash, or stepped again after a version conflict, is counted once and
// answered as the first run answered: a change is still told as a change, not as "saved already".
func TestSurveyAnswerOnceAcrossRedeliveryAndConflict(t *testing.T) {
	var answers []string
	var tallies []flows.SurveyTally
	for _, f := range []fault{noFault, crashBeforeCommit, conflictAtCommit} {
		w := newEffectsWorld(t)
		w.app.Surveys, w.app.ButtonKey = w.st, svKey
		w.saveSurvey("b1", svJob)
		vita := w.alumnus(1, "75", "75.71")
		w.receive(vita, "b1", svJob)
		w.tap(vita, "Bekerja")
		w.receive(vita, "b1", svJob)
		answers = append(answers, w.act(vita, f, func() { w.tap(vita, "Usaha sendiri") }))
		tallies = append(tallies, w.svTally("b1"))
	}
	if !strings.Contains(answers[0], "Jawabanmu diganti jadi Usaha sendiri") {
		t.Fatalf("without a fault: %q", answers[0])
	}
	for i, f := range []fault{crashBeforeCommit, conflictAtCommit} {
		if d := cmp.Diff(answers[0], answers[i+1]); d != "" {
			t.Errorf("%s: the answer differs (-want +got):\n%s", f, d)
		}
		if d := cmp.Diff(tallies[0], tallies[i+1]); d != "" {
			t.Errorf("%s: the counts differ (-want +got):\n%s", f, d)
		}
	}
}

// The results go as a photo's caption, which Telegram cuts at 1,024 UTF-16 units: the longest survey
// (six long answers full of emoji, a long question, counts in the hundreds of thousands) stays within.
func TestSurveyResultsCaptionFits(t *testing.T) {
	w := newSurveyWorld(t)
	long := flows.Survey{Question: strings.Repeat("Apakah 🎉 ", 60), Province: "15"}
	for range flows.MaxSurveyOptions {
		long.Options = append(long.Options, strings.Repeat("👍🏽", 40))
	}
	w.saveSurvey("big", long)
	m := w.alumnus(1, "15", "15.71")
	w.receive(m, "big", long)
	w.tap(m, long.Options[0])
	for _, lang := range []locales.Lang{locales.ID, locales.EN} {
		super := w.rpOrganizer(rpSuper)
		super.last = flows.Result{Replies: []flows.Reply{{Buttons: [][]flows.Button{{flows.SurveyResultsButton("big")}}}}}
		w.now = w.now.Add(time.Minute)
		w.tap(super, "📊 Hasil survei")
		caption := w.cat.Render(lang, super.last.Replies[0].Text)
		if n := len(utf16.Encode([]rune(caption))); n > 1024 {
			t.Errorf("%s: caption of %d UTF-16 units:\n%s", lang, n, caption)
		}
	}
}

// Whatever a survey button's data says, nothing panics, every press is answered, and an alumnus is
// counted at most once, for an option the survey has.
func FuzzSurveyButtons(f *testing.F) {
	key := svKey
	a := &flows.App{ButtonKey: key}
	valid := a.SurveyButtons(1, "b1", svJob)[1][0].Data
	for _, seed := range []string{valid, "sv:0:b1:1:xxxxxxxxxxx", "sv:0:b1:9:", "svr:0:r:b1", "svr:0:xy:b1", "svr:0:c:../x",
		"svr:0:m", "sv:", "svr:0:r:" + strings.Repeat("b", 40), "sv:0:b1:-1:" + valid[len(valid)-11:]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		w := newSurveyWorld(t) // a store of its own per input (a redis-server each: slow, but honest)
		w.saveSurvey("b1", svJob)
		vita := w.alumnus(1, "75", "75.71")
		super := w.rpOrganizer(rpSuper)
		for _, m := range []*member{vita, super} {
			m.last = flows.Result{Replies: []flows.Reply{{Buttons: [][]flows.Button{{{Text: locales.Raw("x"), Data: data}}}}}}
			w.now = w.now.Add(time.Minute)
			w.tap(m, "x")
			if len(m.last.Replies) == 0 {
				t.Errorf("%q: no answer", data)
			}
		}
		if tl := w.svTally("b1"); tl.Answers > 1 || tl.Options[0]+tl.Options[1]+tl.Options[2] != tl.Answers {
			t.Errorf("%q: tally %+v", data, tl)
		}
	})
}
