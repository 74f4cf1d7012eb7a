package chart

import (
	"strings"
	"unicode"

	"github.com/go-analyze/charts"
)

// ruler measures text as the chart will draw it.
type ruler struct{ p *charts.Painter }

func newRuler() ruler {
	return ruler{charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: Width, Height: 100})}
}

// width is the width in pixels of s in the labels' type.
func (r ruler) width(s string) int { return r.widthAt(s, labelSize) }

// widthAt is the width in pixels of s in type of a size.
func (r ruler) widthAt(s string, size float64) int {
	return r.p.MeasureText(s, 0, charts.FontStyle{FontSize: size, Font: charts.GetDefaultFont(), FontColor: charts.ColorBlack}).Width()
}

// titleFits says whether a line of the title fits the chart's width, with a margin each side.
func (r ruler) titleFits(s string) bool { return r.widthAt(s, titleSize) <= Width-2*48 }

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

// wrap breaks s at spaces into lines that fit, and cuts it after max lines with an ellipsis.
func wrap(s string, fits func(string) bool, lines int) string {
	var out []string
	var line string
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case fits(line + " " + w):
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
		out[i] = cut(l, fits) // one word longer than a line
	}
	if len(out) > lines {
		out = out[:lines]
		out[lines-1] = cut(out[lines-1]+"…", fits)
		if !strings.HasSuffix(out[lines-1], "…") {
			out[lines-1] += "…"
		}
	}
	return strings.Join(out, "\n")
}

// cut shortens l, ending it with an ellipsis, until it fits.
func cut(l string, fits func(string) bool) string {
	r := []rune(l)
	for len(r) > 1 && !fits(string(r)) {
		r = append(r[:len(r)-2], '…')
	}
	return string(r)
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
