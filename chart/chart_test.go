package chart

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden charts in testdata")

// survey is a survey's answers by province, as the results view draws them.
func surveyChart(t *testing.T, opts ...Option) []byte {
	t.Helper()
	labels := []string{"Semua provinsi", "Jawa Barat", "Kepulauan Bangka Belitung", "Nusa Tenggara Timur", "Papua Barat Daya"}
	series := []Series{
		{Name: "Bekerja", Values: []float64{46.7, 50, 40, 30, 12.5}},
		{Name: "Usaha sendiri", Values: []float64{16.1, 20, 20, 30, 37.5}},
		{Name: "Masih mencari kerja", Values: []float64{36.7, 25, 40, 35, 50}},
		{Name: "Kuliah lagi", Values: []float64{0.5, 5, 0, 5, 0}},
	}
	b, err := Bars("Apa status pekerjaanmu sekarang?", labels, series, append([]Option{Stacked(), Percent(), Subtitle("2.674 jawaban")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

func TestBarsDrawsAPhoneSizedPNG(t *testing.T) {
	for _, tc := range []struct {
		name   string
		labels int
		series int
		opts   []Option
	}{
		{"one series", 4, 1, nil},
		{"grouped", 3, 2, []Option{English()}},
		{"stacked percent", 38, 6, []Option{Stacked(), Percent()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			labels := make([]string, tc.labels)
			for i := range labels {
				labels[i] = string(rune('A'+i%26)) + " label"
			}
			series := make([]Series, tc.series)
			for s := range series {
				series[s].Name = "series " + string(rune('a'+s))
				series[s].Values = make([]float64, tc.labels)
				for i := range series[s].Values {
					series[s].Values[i] = float64((i*7+s*3)%11) * 125
				}
			}
			if tc.series == 1 {
				series[0].Name = ""
			}
			b, err := Bars("Judul", labels, series, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			r := decode(t, b).Bounds()
			if r.Dx() != Width || r.Dx() < 800 {
				t.Errorf("width %d, want %d", r.Dx(), Width)
			}
			// Each label gets a row at least as high as the labels' type, whatever the count.
			if min := tc.labels * int(labelSize); r.Dy() < min {
				t.Errorf("height %d for %d labels, want at least %d", r.Dy(), tc.labels, min)
			}
		})
	}
}

func TestBarsIsDeterministicAndMatchesTheGolden(t *testing.T) {
	a, b := surveyChart(t), surveyChart(t)
	if !bytes.Equal(a, b) {
		t.Fatal("the same chart drawn twice gives different bytes")
	}
	golden := filepath.Join("testdata", "survey.png")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, a, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	// Pixels, not bytes: another Go version may compress the same picture differently.
	got, exp := decode(t, a), decode(t, want)
	if got.Bounds() != exp.Bounds() {
		t.Fatalf("size %v, golden %v", got.Bounds(), exp.Bounds())
	}
	diff := 0
	for y := got.Bounds().Min.Y; y < got.Bounds().Max.Y; y++ {
		for x := got.Bounds().Min.X; x < got.Bounds().Max.X; x++ {
			r1, g1, b1, _ := got.At(x, y).RGBA()
			r2, g2, b2, _ := exp.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				diff++
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d pixels differ from %s (look at it; -update if the change is meant)", diff, golden)
	}
	counts := []Series{{Values: []float64{1250, 430}}}
	id, err := Bars("Jawaban", []string{"Bekerja", "Usaha sendiri"}, counts)
	if err != nil {
		t.Fatal(err)
	}
	en, err := Bars("Jawaban", []string{"Bekerja", "Usaha sendiri"}, counts, English())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(id, en) {
		t.Error("1.250 and 1,250 draw the same picture")
	}
}

func TestBarsRefusesWhatItCannotDraw(t *testing.T) {
	one := []Series{{Values: []float64{1}}}
	for name, tc := range map[string]struct {
		labels []string
		series []Series
	}{
		"no labels":       {nil, one},
		"no series":       {[]string{"a"}, nil},
		"values mismatch": {[]string{"a", "b"}, one},
		"too many labels": {make([]string, MaxLabels+1), []Series{{Values: make([]float64, MaxLabels+1)}}},
		"too many series": {[]string{"a"}, make([]Series, MaxSeries+1)},
	} {
		if _, err := Bars("x", tc.labels, tc.series); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		v      float64
		id, en string
	}{
		{0, "0", "0"},
		{7, "7", "7"},
		{1250, "1.250", "1,250"},
		{18900000, "18.900.000", "18,900,000"},
		{4.46, "4,5", "4.5"},
		{999.96, "1.000", "1,000"},
		{-1250.5, "-1.250,5", "-1,250.5"},
	} {
		if got := Number(tc.v, ".", ","); got != tc.id {
			t.Errorf("Number(%v) id = %q, want %q", tc.v, got, tc.id)
		}
		if got := Number(tc.v, ",", "."); got != tc.en {
			t.Errorf("Number(%v) en = %q, want %q", tc.v, got, tc.en)
		}
	}
}

func TestWrapKeepsTitlesToThreeLines(t *testing.T) {
	long := "Apa status pekerjaanmu sekarang, setelah lulus dari program dan kembali ke daerah asal untuk membangun kampung halaman bersama?"
	fits := newRuler().titleFits
	got := wrap(long, fits, titleLines)
	lines := bytes.Count([]byte(got), []byte("\n")) + 1
	if lines != titleLines {
		t.Errorf("%q has %d lines, want %d", got, lines, titleLines)
	}
	for _, l := range strings.Split(got, "\n") {
		if !fits(l) {
			t.Errorf("line %q is wider than the chart", l)
		}
	}
	if !strings.HasSuffix(got, "…") {
		t.Errorf("%q does not say it was cut", got)
	}
	if wrap("Pendek", fits, titleLines) != "Pendek" {
		t.Error("a short title is changed")
	}
}

func TestDrawableLeavesOutWhatTheFontLacks(t *testing.T) {
	for in, want := range map[string]string{
		"👍 Ya, tentu":         "Ya, tentu",
		"Kota Gorontalo":      "Kota Gorontalo",
		"Sangat puas 😍🎉":      "Sangat puas",
		"Apa kabar?\nBaik ya": "Apa kabar? Baik ya",
	} {
		if got := drawable(in); got != want {
			t.Errorf("drawable(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkBarsSurvey draws a survey's chart of 15 bars and 6 answers, as the results view does.
//
//	go test -run '^$' -bench Bars ./chart/
func BenchmarkBarsSurvey(b *testing.B) {
	labels := make([]string, 15)
	series := make([]Series, 6)
	for s := range series {
		series[s] = Series{Name: "Jawaban " + string(rune('A'+s)), Values: make([]float64, len(labels))}
	}
	for i := range labels {
		labels[i] = "Provinsi nomor " + string(rune('A'+i))
		for s := range series {
			series[s].Values[i] = 100.0 / 6
		}
	}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		png, err := Bars("Apa status pekerjaanmu sekarang?", labels, series, Stacked(), Percent())
		if err != nil {
			b.Fatal(err)
		}
		size = len(png)
	}
	b.ReportMetric(float64(size), "bytes/png")
}
