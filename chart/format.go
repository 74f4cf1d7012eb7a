package chart

import (
	"math"
	"strconv"
	"strings"
)

// formatter writes the chart's numbers: whole numbers with thousands separated (1.250), others
// with one decimal (4,5); percentages whole, with a "%".
func (o options) formatter() func(float64) string {
	thousands, decimal := ".", ","
	if o.english {
		thousands, decimal = ",", "."
	}
	return func(v float64) string {
		if o.percent { // whole percents: short enough to fit inside a stacked bar
			return Number(math.Round(v), thousands, decimal) + "%"
		}
		return Number(v, thousands, decimal)
	}
}

// Number writes v with its thousands separated and at most one decimal, which is dropped when it
// is zero: Number(1250, ".", ",") is "1.250", Number(4.46, ".", ",") is "4,5".
func Number(v float64, thousands, decimal string) string {
	neg := v < 0
	v = math.Round(math.Abs(v)*10) / 10
	whole := math.Floor(v)
	tenth := int(math.Round((v - whole) * 10))
	digits := strconv.FormatFloat(whole, 'f', 0, 64)
	var b strings.Builder
	if neg && v != 0 {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(c)
	}
	if tenth != 0 {
		b.WriteString(decimal)
		b.WriteString(strconv.Itoa(tenth))
	}
	return b.String()
}
