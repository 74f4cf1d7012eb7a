package attach

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/go-analyze/charts"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// The /laporan chart: one PNG with two bar charts, who came by regency above and how many gave each
// rating below, drawn with github.com/go-analyze/charts — the library of the survey results' charts
// (its font is embedded, so nothing is read from the machine, and the same input draws the same bytes).
// TODO(lead): once the survey branch's chart package is merged, draw through it so both look alike.

// Chart geometry: wide enough to read on a phone, bars thick enough to tap a finger on.
const (
	chartWidth      = 1080
	chartRowHeight  = 56
	chartHeadHeight = 120
	chartRegencies  = 10 // regencies shown; the rest are one "Other" bar
	chartFontSize   = 22
	chartTitleSize  = 28
)

// FeedbackStore is what the feedback files need of the store, beside Rosters; the Renderer's Meetups
// store provides it (store.Store does), found with a type assertion like Rosters.
type FeedbackStore interface {
	Ratings(ctx context.Context, meetup string) (flows.Ratings, error)
	FeedbackComments(ctx context.Context, meetup string) ([]flows.FeedbackComment, error)
	Suggestions(ctx context.Context, province string, limit int) ([]flows.Suggestion, error)
}

// feedbackCatalog renders the chart's words; the chart is drawn here, not by the transport.
var feedbackCatalog = sync.OnceValue(locales.MustLoad)

func (r *Renderer) feedbackStore() (FeedbackStore, error) {
	fs, ok := r.Meetups.(FeedbackStore)
	if !ok {
		return nil, fmt.Errorf("the store keeps no feedback")
	}
	return fs, nil
}

// reportChart draws the /laporan chart of a meetup.
func (r *Renderer) reportChart(ctx context.Context, meetup string, lang locales.Lang) (File, error) {
	if _, _, err := r.meetup(ctx, meetup); err != nil {
		return File{}, err
	}
	fs, err := r.feedbackStore()
	if err != nil {
		return File{}, err
	}
	ros, ok := r.Meetups.(Rosters)
	if !ok {
		return File{}, fmt.Errorf("chart of %s: the store cannot list rosters", meetup)
	}
	roster, err := ros.Roster(ctx, meetup)
	if err != nil {
		return File{}, err
	}
	ratings, err := fs.Ratings(ctx, meetup)
	if err != nil {
		return File{}, err
	}
	say := func(t locales.Text) string { return feedbackCatalog().Render(lang, t) }
	names, came, heading := r.attendance(roster, say)
	stars := make([]string, 5)
	counts := make([]float64, 5)
	for i := range 5 { // 5 stars on top
		stars[i] = say(locales.Msg("fb.chart_stars", "N", 5-i))
		counts[i] = float64(ratings.Dist[4-i])
	}
	png, err := drawReport(lang, heading, names, came, say(locales.Msg("fb.chart_ratings")), stars, counts, say(locales.Msg("fb.chart_empty")))
	if err != nil {
		return File{}, fmt.Errorf("chart of %s: %w", meetup, err)
	}
	return File{Name: "laporan-" + meetup + ".png", Data: png, Photo: true}, nil
}

// attendance counts who checked in by regency, most first, the regencies past chartRegencies as one
// bar, those without a known regency last; before anyone checked in (the meetup is still to come),
// those holding a seat, under a heading that says so.
func (r *Renderer) attendance(roster []flows.RosterEntry, say func(locales.Text) string) ([]string, []float64, string) {
	came := slices.ContainsFunc(roster, func(e flows.RosterEntry) bool { return !e.CheckedIn.IsZero() })
	heading := say(locales.Msg("fb.chart_attendance"))
	if !came {
		heading = say(locales.Msg("fb.chart_seats"))
	}
	by := map[string]int{}
	unknown := 0
	for _, e := range roster {
		if came && e.CheckedIn.IsZero() || !came && e.Status != flows.SeatConfirmed {
			continue
		}
		if g, ok := r.Atlas.Regency(e.Regency); ok {
			by[g.Name]++
		} else {
			unknown++
		}
	}
	type row struct {
		name string
		n    int
	}
	rows := make([]row, 0, len(by))
	for name, n := range by {
		rows = append(rows, row{name, n})
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.name, b.name)) })
	if len(rows) > chartRegencies {
		rest := 0
		for _, x := range rows[chartRegencies-1:] {
			rest += x.n
		}
		rows = append(rows[:chartRegencies-1], row{say(locales.Msg("fb.chart_other_regencies")), rest})
	}
	if unknown > 0 {
		rows = append(rows, row{say(locales.Msg("fb.chart_unknown_regency")), unknown})
	}
	names := make([]string, len(rows))
	values := make([]float64, len(rows))
	for i, x := range rows {
		names[i], values[i] = x.name, float64(x.n)
	}
	return names, values, heading
}

// drawReport draws the two bar charts one above the other. The library draws a horizontal bar
// chart's first category at the bottom, so the rows go in reversed: the largest on top.
func drawReport(lang locales.Lang, topTitle string, topNames []string, topValues []float64,
	bottomTitle string, bottomNames []string, bottomValues []float64, empty string) ([]byte, error) {
	if len(topNames) == 0 {
		topNames, topValues = []string{empty}, []float64{0}
	}
	topH := chartHeadHeight + chartRowHeight*len(topNames)
	bottomH := chartHeadHeight + chartRowHeight*len(bottomNames)
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: chartWidth, Height: topH + bottomH})
	p.FilledRect(0, 0, chartWidth, topH+bottomH, charts.ColorWhite, charts.ColorWhite, 0)
	top := p.Child(charts.PainterBoxOption(charts.NewBox(0, 0, chartWidth, topH)))
	bottom := p.Child(charts.PainterBoxOption(charts.NewBox(0, topH, chartWidth, topH+bottomH)))
	if err := top.BarChart(barOption(lang, topTitle, topNames, topValues, 0)); err != nil {
		return nil, err
	}
	if err := bottom.BarChart(barOption(lang, bottomTitle, bottomNames, bottomValues, 1)); err != nil {
		return nil, err
	}
	return p.Bytes()
}

// barOption is one horizontal bar chart: large type, counts written beside the bars in the reader's
// number format.
func barOption(lang locales.Lang, title string, names []string, values []float64, color int) charts.BarChartOption {
	names, values = slices.Clone(names), slices.Clone(values)
	slices.Reverse(names)
	slices.Reverse(values)
	format := func(v float64) string { return locales.FormatNumber(int64(v+0.5), lang) }
	font := charts.FontStyle{FontSize: chartFontSize, FontColor: charts.ColorBlack}
	opt := charts.NewBarChartOptionWithSeries(charts.NewSeriesListBar([][]float64{values}, charts.BarSeriesOption{
		Label: charts.SeriesLabel{Show: charts.Ptr(true), ValueFormatter: format, FontStyle: font},
	}))
	opt.Horizontal = true
	opt.Theme = charts.GetTheme(charts.ThemeLight)
	opt.Padding = charts.Box{Top: 24, Right: 72, Bottom: 24, Left: 24, IsSet: true}
	opt.Title = charts.TitleOption{Text: title, FontStyle: charts.FontStyle{FontSize: chartTitleSize, FontColor: charts.ColorBlack}}
	opt.Legend = charts.LegendOption{Show: charts.Ptr(false)}
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: names, LabelFontStyle: font}
	// The counts stand beside the bars, so the value axis would only repeat them.
	opt.ValueAxis = []charts.ValueAxisOption{{
		Show: charts.Ptr(false), Min: charts.Ptr(0.0), Max: charts.Ptr(max(slices.Max(values)*1.1, 1)),
	}}
	opt.SeriesLabelPosition = charts.PositionRight
	opt.BarSize = 0.7
	opt.SeriesList[0].Label.Show = charts.Ptr(true)
	if color > 0 {
		th := opt.Theme.WithSeriesColors([]charts.Color{charts.ColorFromHex("#f5a623")})
		opt.Theme = th
	}
	return opt
}
