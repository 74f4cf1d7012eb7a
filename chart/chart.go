package chart

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-analyze/charts"
)

// Series is one set of bars: a value for each label, drawn in one colour and named in the legend.
type Series struct {
	Name   string    // the legend's entry; with one series and no name there is no legend
	Values []float64 // one per label, in the labels' order; negative values are drawn as zero
}

// Limits of one chart: more labels would make bars too thin to read on a phone (sum the rest up in
// an "others" label), more series more colours than anyone tells apart.
const (
	MaxLabels = 40
	MaxSeries = 8
	// LabelRunes is how much of a label is shown; longer ones are cut with an ellipsis.
	LabelRunes = 28
)

// Width is the width of every chart in pixels: a phone shows a photo about 360 points wide, so the
// type below is drawn large enough to stay readable when Telegram scales the picture down.
const Width = 900

// Sizes in pixels.
const (
	titleSize  = 34.0
	subSize    = 24.0
	labelSize  = 26.0 // category labels and value labels
	legendSize = 24.0
	rowHeight  = 66 // one label's row with one bar (or one stacked bar)
	groupBar   = 36 // one bar of a group, when series are grouped
	headTitle  = 70 // room for the title line
	headSub    = 40 // and for the subtitle line
	legendRow  = 48 // one row of the legend
	footer     = 40 // the margin under the bars
	titleLines = 3  // a title's lines at most, wrapped at spaces; a longer one ends with an ellipsis
	insideSize = 22 // the numbers inside stacked segments: smaller, so narrower segments have theirs
)

// Option changes how a chart is drawn.
type Option func(*options)

type options struct {
	stacked  bool
	percent  bool
	english  bool
	subtitle string
}

// Stacked draws the series of a label one after the other in one bar, instead of side by side.
func Stacked() Option { return func(o *options) { o.stacked = true } }

// Percent says the values are percentages: they are written with a "%" and the axis ends at 100.
func Percent() Option { return func(o *options) { o.percent = true } }

// English writes numbers the English way (1,250 and 4.5); the default is Indonesian (1.250 and 4,5).
func English() Option { return func(o *options) { o.english = true } }

// Subtitle adds a smaller line under the title ("123 jawaban").
func Subtitle(s string) Option { return func(o *options) { o.subtitle = s } }

// Bars draws a horizontal bar chart as a PNG: labels down the left, top to bottom in the order
// given, each with its bars and their values written beside them (or inside, when stacked).
func Bars(title string, labels []string, series []Series, opts ...Option) ([]byte, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if err := check(labels, series); err != nil {
		return nil, fmt.Errorf("chart %q: %w", title, err)
	}
	// The library draws the first category at the bottom: reverse, so the first label is on top.
	ruler := newRuler()
	title, o.subtitle = wrap(drawable(title), ruler.titleFits, titleLines), drawable(o.subtitle)
	n := len(labels)
	cats := make([]string, n)
	for i, l := range labels {
		cats[n-1-i] = shorten(drawable(l))
	}
	sl := make(charts.BarSeriesList, len(series))
	names := make([]string, len(series))
	var top float64 // the longest bar, for the value axis and the labels' room
	totals := make([]float64, n)
	for s, se := range series {
		vals := make([]float64, n)
		for i, v := range se.Values {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			vals[n-1-i] = v
			totals[n-1-i] += v
			top = max(top, v)
		}
		names[s] = drawable(se.Name)
		if names[s] == "" && se.Name != "" { // all emoji: named by its place
			names[s] = strconv.Itoa(s + 1)
		}
		sl[s] = charts.BarSeries{Values: vals, Name: names[s]}
	}
	if o.stacked {
		top = 0
		for _, t := range totals {
			top = max(top, t)
		}
	}
	format := o.formatter()
	axisMax := niceMax(top * 1.15) // room for the value written after the longest bar
	if o.percent {
		axisMax = 100
		if !o.stacked {
			axisMax = 115
		}
	}
	theme := charts.GetTheme(charts.ThemeLight)
	plot := float64(Width - 24 - 40 - 16 - ruler.widest(cats)) // the bars' room: less paddings and labels
	for s := range sl {
		sl[s].Label = charts.SeriesLabel{Show: charts.Ptr(true), FontStyle: charts.FontStyle{FontSize: labelSize}, Distance: 8}
		if !o.stacked {
			sl[s].Label.ValueFormatter = format
			continue
		}
		// The library writes a stacked segment's number just after its end; moved back by the widest
		// number of the series it is inside its segment, in a colour that reads on the segment's.
		color := charts.ColorBlack
		if !lightColor(theme.GetSeriesColor(s)) {
			color = charts.ColorWhite
		}
		style := &charts.LabelStyle{FontStyle: charts.FontStyle{FontSize: insideSize, FontColor: color}}
		var widest int
		for _, v := range sl[s].Values {
			widest = max(widest, ruler.widthAt(format(v), insideSize))
		}
		sl[s].Label.Offset = charts.OffsetInt{Left: -(widest + 12)}
		sl[s].Label.LabelFormatter = func(_ int, _ string, v float64) (string, *charts.LabelStyle) {
			if v/axisMax*plot < float64(widest+10) { // too short for its number: left unlabelled
				return "", nil
			}
			return format(v), style
		}
	}

	opt := charts.NewBarChartOptionWithSeries(sl)
	opt.Horizontal = true
	opt.Theme = theme
	opt.StackSeries = charts.Ptr(o.stacked)
	opt.Title = charts.TitleOption{
		Text:             title,
		Offset:           charts.OffsetStr{Left: charts.PositionCenter},
		Subtext:          o.subtitle,
		FontStyle:        charts.FontStyle{FontSize: titleSize, FontColor: charts.ColorBlack},
		SubtextFontStyle: charts.FontStyle{FontSize: subSize, FontColor: charts.ColorGray},
	}
	if hasLegend(series) {
		opt.Legend = charts.LegendOption{
			SeriesNames: names,
			FontStyle:   charts.FontStyle{FontSize: legendSize},
			Offset:      charts.OffsetStr{Top: strconv.Itoa(titleHeight(title, o)), Left: charts.PositionCenter},
		}
	} else {
		opt.Legend = charts.LegendOption{Show: charts.Ptr(false)}
	}
	opt.CategoryAxis = charts.CategoryAxisOption{
		Labels:         cats,
		LabelFontStyle: charts.FontStyle{FontSize: labelSize, FontColor: charts.ColorBlack},
	}
	opt.ValueAxis[0] = charts.ValueAxisOption{
		Min:  charts.Ptr(0.0),
		Max:  charts.Ptr(axisMax),
		Show: charts.Ptr(false), // every bar has its number written beside it
	}
	opt.ValueFormatter = format
	opt.Padding = charts.Box{Top: 24, Right: 40, Bottom: 16, Left: 24, IsSet: true}

	p := charts.NewPainter(charts.PainterOptions{
		OutputFormat: charts.ChartOutputPNG,
		Width:        Width,
		Height:       height(title, o, n, len(series), legendRows(ruler, names)),
	})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("chart %q: %w", title, err)
	}
	png, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("chart %q: %w", title, err)
	}
	return png, nil
}

func check(labels []string, series []Series) error {
	switch {
	case len(labels) == 0:
		return errors.New("no labels")
	case len(labels) > MaxLabels:
		return fmt.Errorf("%d labels, at most %d", len(labels), MaxLabels)
	case len(series) == 0:
		return errors.New("no series")
	case len(series) > MaxSeries:
		return fmt.Errorf("%d series, at most %d", len(series), MaxSeries)
	}
	for _, s := range series {
		if len(s.Values) != len(labels) {
			return fmt.Errorf("series %q has %d values for %d labels", s.Name, len(s.Values), len(labels))
		}
	}
	return nil
}

func hasLegend(series []Series) bool {
	return len(series) > 1 || series[0].Name != ""
}

func titleHeight(title string, o options) int {
	h := headTitle * (strings.Count(title, "\n") + 1)
	if o.subtitle != "" {
		h += headSub
	}
	return h + 8
}

// height grows with the rows, so a chart of 5 options and one of 38 provinces are both readable.
func height(title string, o options, labels, series, legendRows int) int {
	row := rowHeight
	if !o.stacked && series > 1 {
		row = series*groupBar + 24
	}
	return titleHeight(title, o) + legendRows*legendRow + labels*row + footer
}

// niceMax rounds an axis end up to 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func shorten(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= LabelRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:LabelRunes-1])) + "…"
}
