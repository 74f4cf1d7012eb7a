package attach

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/chart"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

var keepChart = flag.String("survey-chart", "", "write the survey chart drawn by the test to this file, to look at it")

// surveyRenderer is a Renderer over a real store holding a survey with answers from three
// provinces: Gorontalo 3 (two in Kota Gorontalo), Jambi 2, Jawa Barat 1, and one of an area code the
// atlas does not know.
func surveyRenderer(t *testing.T, province string) *Renderer {
	t.Helper()
	ctx := context.Background()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(redistest.Start(t).Client(t), "")
	sv := flows.Survey{Question: "Apa status pekerjaanmu sekarang?", Options: []string{"Bekerja", "=Usaha sendiri", "Masih mencari"}, Province: province}
	if err := st.SaveSurvey(ctx, "b1", sv); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		alumnus      int64
		option       int
		prov, regncy string
	}{
		{1, 0, "75", "75.71"}, {2, 0, "75", "75.71"}, {3, 2, "75", "75.01"},
		{4, 1, "15", "15.71"}, {5, 0, "15", "15.71"},
		{6, 2, "32", "32.73"},
		{7, 1, "99", "99.99"},
	} {
		if _, err := st.AnswerSurvey(ctx, "b1", a.alumnus, a.option, a.prov, a.regncy); err != nil {
			t.Fatal(err)
		}
	}
	return &Renderer{Meetups: st, Atlas: atlas}
}

func TestSurveyCSVByProvinceAndRegency(t *testing.T) {
	r := surveyRenderer(t, "")
	f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileSurveyCSV, Ref: "b1"}, locales.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "survei-b1.csv" || f.Photo {
		t.Errorf("file %q photo %v", f.Name, f.Photo)
	}
	if !bytes.HasPrefix(f.Data, []byte("\uFEFF")) {
		t.Error("no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(f.Data, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"level", "province_code", "province", "regency_code", "regency", "answers", "Bekerja", "'=Usaha sendiri", "Masih mencari"},
		{"all", "", "", "", "", "7", "3", "2", "2"},
		{"province", "99", "", "", "", "1", "0", "1", "0"}, // an unknown code: no name, sorted first
		{"regency", "99", "", "99.99", "", "1", "0", "1", "0"},
		{"province", "75", "Gorontalo", "", "", "3", "2", "0", "1"},
		{"regency", "75", "Gorontalo", "75.01", "Kabupaten Gorontalo", "1", "0", "0", "1"},
		{"regency", "75", "Gorontalo", "75.71", "Kota Gorontalo", "2", "2", "0", "0"},
		{"province", "15", "Jambi", "", "", "2", "1", "1", "0"},
		{"regency", "15", "Jambi", "15.71", "Kota Jambi", "2", "1", "1", "0"},
		{"province", "32", "Jawa Barat", "", "", "1", "0", "0", "1"},
		{"regency", "32", "Jawa Barat", "32.73", "Kota Bandung", "1", "0", "0", "1"},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("CSV (-want +got):\n%s", d)
	}
	if !strings.Contains(string(f.Data), "\r\n") {
		t.Error("lines do not end in CRLF")
	}
}

func TestSurveyChartIsAPhonePNG(t *testing.T) {
	for _, tc := range []struct {
		name     string
		province string
		lang     locales.Lang
		rows     int // bars: all, then the areas
	}{
		{"national, by province", "", locales.ID, 5},
		{"a province's, by regency", "75", locales.EN, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := surveyRenderer(t, tc.province)
			f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileSurveyChart, Ref: "b1"}, tc.lang)
			if err != nil {
				t.Fatal(err)
			}
			if !f.Photo || f.Name != "survei-b1.png" {
				t.Errorf("file %q photo %v", f.Name, f.Photo)
			}
			img, err := png.Decode(bytes.NewReader(f.Data))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if w := img.Bounds().Dx(); w != chart.Width {
				t.Errorf("width %d, want %d", w, chart.Width)
			}
			if h := img.Bounds().Dy(); h < tc.rows*40 {
				t.Errorf("height %d for %d bars", h, tc.rows)
			}
			if *keepChart != "" {
				_ = os.WriteFile(strings.Replace(*keepChart, ".png", "-"+tc.province+".png", 1), f.Data, 0o644)
			}
		})
	}
}

func TestSurveyChartLabels(t *testing.T) {
	for _, tc := range []struct{ name, count, want string }{
		{"Gorontalo", "3", "Gorontalo (3)"},
		{"Kepulauan Bangka Belitung", "1.234", "Kep. Bangka Belitung (1.234)"},
		{"Kabupaten Kepulauan Siau Tagulandang Biaro", "12", "Kab. Kepulauan Siau Ta… (12)"},
	} {
		got := withCount(tc.name, tc.count)
		if got != tc.want {
			t.Errorf("withCount(%q, %q) = %q, want %q", tc.name, tc.count, got, tc.want)
		}
		if n := len([]rune(got)); n > chart.LabelRunes {
			t.Errorf("%q is %d runes, over %d", got, n, chart.LabelRunes)
		}
	}
}

func TestSurveyFilesOfNoSurveyFail(t *testing.T) {
	r := surveyRenderer(t, "")
	for _, k := range []flows.AttachmentKind{flows.FileSurveyChart, flows.FileSurveyCSV} {
		if _, err := r.Render(context.Background(), flows.Attachment{Kind: k, Ref: "nope"}, locales.ID); err == nil {
			t.Errorf("%s of no survey: no error", k)
		}
	}
}
