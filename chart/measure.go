package chart

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-analyze/charts"
)

// ruler measures text as the chart will draw it.
type ruler struct{ p *charts.Painter }

func newRuler() ruler {
	return ruler{charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: Width, Height: 100})}
}

// width is the width in pixels of s in the labels' type.
func (r ruler) width(s string) int {
	return r.p.MeasureText(s, 0, charts.FontStyle{FontSize: labelSize, Font: charts.GetDefaultFont(), FontColor: charts.ColorBlack}).Width()
}

func (r ruler) widest(ss []string) int {
	w := 0
	for _, s := range ss {
		w = max(w, r.width(s))
	}
	return w
}

// legendRows is how many rows the legend's entries take, laid out as the library does: a swatch,
// the name and a gap each, wrapped at the chart's width. None without a legend.
func legendRows(r ruler, names []string) int {
	if len(names) < 2 && (len(names) == 0 || names[0] == "") {
		return 0
	}
	rows, x := 1, 0
	for _, n := range names {
		w := 60 + r.p.MeasureText(n, 0, charts.FontStyle{FontSize: legendSize, Font: charts.GetDefaultFont(), FontColor: charts.ColorBlack}).Width()
		if x > 0 && x+w > Width-48 {
			rows++
			x = 0
		}
		x += w
	}
	return rows
}

// lightColor says whether dark text reads better than white on c.
func lightColor(c charts.Color) bool {
	return 299*int(c.R)+587*int(c.G)+114*int(c.B) > 150*1000
}

// wrap breaks s at spaces into lines of at most n runes, and cuts it after max lines.
func wrap(s string, n, lines int) string {
	var out []string
	var line string
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= n:
			line += " " + w
		default:
			out = append(out, line)
			line = w
		}
	}
	if line != "" {
		out = append(out, line)
	}
	for i, l := range out {
		if utf8.RuneCountInString(l) > n { // one word longer than a line
			out[i] = string([]rune(l)[:n-1]) + "…"
		}
	}
	if len(out) > lines {
		out = out[:lines]
		last := []rune(out[lines-1])
		if len(last) > n-1 {
			last = last[:n-1]
		}
		out[lines-1] = strings.TrimSpace(string(last)) + "…"
	}
	return strings.Join(out, "\n")
}

// drawable keeps of s what the font can draw, on one line: an emoji an organizer typed into an
// answer would be an empty box, so it is left out (the message beside the chart still shows it).
func drawable(s string) string {
	font := charts.GetDefaultFont()
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || font.Index(r) != 0 {
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
