package attach

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/chart"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// SurveyTallies is what the survey files need of the store. The Renderer's Meetups store provides
// it (store.Store does); it is found with a type assertion, like Rosters.
type SurveyTallies interface {
	Survey(ctx context.Context, bc string) (*flows.Survey, error)
	SurveyTally(ctx context.Context, bc string) (flows.SurveyTally, error)
}

// chartRows is how many provinces (or regencies) the survey chart shows below "all"; the others
// are summed in one bar. Indonesia has 38 provinces: the biggest are what an organizer looks at, and
// the CSV has every one.
const chartRows = 14

// catalog renders the chart's few words; the Renderer is wired without one, and the catalogs are
// embedded, so it is loaded once on first use.
var catalog = sync.OnceValues(locales.Load)

func (r *Renderer) surveyTally(ctx context.Context, bc string) (*flows.Survey, flows.SurveyTally, error) {
	src, ok := r.Meetups.(SurveyTallies)
	if !ok {
		return nil, flows.SurveyTally{}, fmt.Errorf("survey %s: the store keeps no surveys", bc)
	}
	def, err := src.Survey(ctx, bc)
	if err != nil {
		return nil, flows.SurveyTally{}, err
	}
	if def == nil {
		return nil, flows.SurveyTally{}, fmt.Errorf("survey %s: not found", bc)
	}
	tally, err := src.SurveyTally(ctx, bc)
	if err != nil {
		return nil, flows.SurveyTally{}, err
	}
	return def, tally, nil
}

// areaCount is one province's or regency's answers.
type areaCount struct {
	code, name string
	counts     []int
	total      int
}

// surveyChart draws the answers as 100% stacked bars: all answers first, then by province (by
// regency for a survey of one province's alumni), the most answered first, each bar split by answer.
func (r *Renderer) surveyChart(ctx context.Context, bc string, lang locales.Lang) (File, error) {
	def, tally, err := r.surveyTally(ctx, bc)
	if err != nil {
		return File{}, err
	}
	cat, err := catalog()
	if err != nil {
		return File{}, fmt.Errorf("survey chart %s: %w", bc, err)
	}
	say := func(t locales.Text) string { return cat.Render(lang, t) }

	groups, subtitle, others := tally.Provinces, locales.Msg("sv.chart_subtitle_provinces", "Count", tally.Answers), locales.Msg("sv.chart_other_provinces")
	if def.Province != "" {
		groups, subtitle, others = tally.Regencies, locales.Msg("sv.chart_subtitle_regencies", "Count", tally.Answers), locales.Msg("sv.chart_other_regencies")
	}
	areas := r.areas(groups, def.Province == "", say(locales.Msg("sv.chart_unknown")))
	slices.SortFunc(areas, func(a, b areaCount) int {
		return cmp.Or(cmp.Compare(b.total, a.total), strings.Compare(a.name, b.name))
	})
	if len(areas) > chartRows {
		rest := areaCount{name: say(others), counts: make([]int, len(def.Options))}
		for _, a := range areas[chartRows-1:] {
			for i, c := range a.counts {
				rest.counts[i] += c
			}
			rest.total += a.total
		}
		areas = append(areas[:chartRows-1], rest)
	}
	all := areaCount{name: say(locales.Msg("sv.chart_all")), counts: tally.Options, total: tally.Answers}
	areas = append([]areaCount{all}, areas...)

	thousands, decimal := ".", ","
	opts := []chart.Option{chart.Stacked(), chart.Percent(), chart.Subtitle(say(subtitle))}
	if lang == locales.EN {
		thousands, decimal = ",", "."
		opts = append(opts, chart.English())
	}
	labels := make([]string, len(areas))
	series := make([]chart.Series, len(def.Options))
	for i, o := range def.Options {
		series[i] = chart.Series{Name: o, Values: make([]float64, len(areas))}
	}
	for row, a := range areas {
		labels[row] = withCount(a.name, chart.Number(float64(a.total), thousands, decimal))
		for i := range series {
			if i < len(a.counts) && a.total > 0 {
				series[i].Values[row] = 100 * float64(a.counts[i]) / float64(a.total)
			}
		}
	}
	png, err := chart.Bars(def.Question, labels, series, opts...)
	if err != nil {
		return File{}, fmt.Errorf("survey chart %s: %w", bc, err)
	}
	return File{Name: "survei-" + bc + ".png", Data: png, Photo: true}, nil
}

// areas names the province (or regency) counts of a tally. Counts under a code the atlas does not
// know are summed in one area named unknown.
func (r *Renderer) areas(groups map[string][]int, provinces bool, unknown string) []areaCount {
	out := make([]areaCount, 0, len(groups))
	var lost *areaCount
	for code, counts := range groups {
		name, ok := r.areaName(code, provinces)
		a := areaCount{code: code, name: name, counts: counts}
		for _, c := range counts {
			a.total += c
		}
		if !ok {
			if lost == nil {
				lost = &areaCount{name: unknown, counts: make([]int, len(counts))}
			}
			for i, c := range counts {
				lost.counts[i] += c
			}
			lost.total += a.total
			continue
		}
		out = append(out, a)
	}
	if lost != nil {
		out = append(out, *lost)
	}
	return out
}

func (r *Renderer) areaName(code string, province bool) (string, bool) {
	if province {
		p, ok := r.Atlas.Province(code)
		return p.Name, ok
	}
	g, ok := r.Atlas.Regency(code)
	return g.Name, ok
}

// withCount is a chart label: the area's name, abbreviated as Indonesians write it on a sign
// ("Kab. Gorontalo Utara", "Kep. Bangka Belitung") and cut to fit, and its number of answers.
func withCount(name, count string) string {
	for long, short := range map[string]string{"Kabupaten ": "Kab. ", "Kepulauan ": "Kep. "} {
		if rest, ok := strings.CutPrefix(name, long); ok {
			name = short + rest
		}
	}
	room := chart.LabelRunes - utf8.RuneCountInString(count) - 3
	if utf8.RuneCountInString(name) > room {
		name = strings.TrimSpace(string([]rune(name)[:room-1])) + "…"
	}
	return name + " (" + count + ")"
}

// surveyHeader's first columns; one column per answer follows, headed by the answer's text.
// Identifiers are fixed English, like the participants CSV, so a formula keeps working.
var surveyHeader = []string{"level", "province_code", "province", "regency_code", "regency", "answers"}

// surveyFile is the survey's answers as CSV: a row for all answers, then each province followed by
// its regencies and cities, names from the atlas, each with its count per answer. UTF-8 with a
// byte-order mark and CRLF, cells escaped against formula injection, as the participants CSV.
func (r *Renderer) surveyFile(ctx context.Context, bc string) (File, error) {
	def, tally, err := r.surveyTally(ctx, bc)
	if err != nil {
		return File{}, err
	}
	sh := newSheet(append(slices.Clone(surveyHeader), def.Options...)...)
	write := func(cells ...string) { _ = sh.row(cells...) } // a bytes.Buffer does not fail; bytes reports anything else
	row := func(level, pcode, pname, rcode, rname string, counts []int) {
		cells := []string{level, pcode, pname, rcode, rname, ""}
		total := 0
		for i := range def.Options {
			c := 0
			if i < len(counts) {
				c = counts[i]
			}
			total += c
			cells = append(cells, strconv.Itoa(c))
		}
		cells[5] = strconv.Itoa(total)
		write(cells...)
	}
	cells := []string{"all", "", "", "", "", strconv.Itoa(tally.Answers)}
	for i := range def.Options {
		c := 0
		if i < len(tally.Options) {
			c = tally.Options[i]
		}
		cells = append(cells, strconv.Itoa(c))
	}
	write(cells...)

	// Provinces by name, each followed by its regencies by name; a regency's province is the part
	// of its code before the dot (area codes: "75.71" is in "75").
	byProvince := map[string][]string{}
	for code := range tally.Regencies {
		p, _, _ := strings.Cut(code, ".")
		byProvince[p] = append(byProvince[p], code)
	}
	provinces := make([]string, 0, len(tally.Provinces))
	for code := range tally.Provinces {
		provinces = append(provinces, code)
	}
	for code := range byProvince {
		if _, ok := tally.Provinces[code]; !ok {
			provinces = append(provinces, code)
		}
	}
	name := func(code string, province bool) string {
		if n, ok := r.areaName(code, province); ok {
			return n
		}
		return ""
	}
	slices.SortFunc(provinces, func(a, b string) int {
		return cmp.Or(strings.Compare(name(a, true), name(b, true)), strings.Compare(a, b))
	})
	for _, p := range provinces {
		pname := name(p, true)
		if counts, ok := tally.Provinces[p]; ok {
			row("province", p, pname, "", "", counts)
		}
		regs := byProvince[p]
		slices.SortFunc(regs, func(a, b string) int {
			return cmp.Or(strings.Compare(name(a, false), name(b, false)), strings.Compare(a, b))
		})
		for _, g := range regs {
			row("regency", p, pname, g, name(g, false), tally.Regencies[g])
		}
	}
	data, err := sh.bytes()
	if err != nil {
		return File{}, fmt.Errorf("survey CSV %s: %w", bc, err)
	}
	return File{Name: "survei-" + bc + ".csv", Data: data}, nil
}
