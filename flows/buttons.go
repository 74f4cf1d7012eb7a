package flows

import (
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// Callback data is "<flow>:<nonce>:<action>[:<arg>]". The nonce ties a button to the prompt that showed
// it, so a button from an old message (or forged data) is recognised instead of acted on.

// Tap is a pressed button's callback data, read.
type Tap struct {
	Flow   string // the flow's Name
	Nonce  int
	Action string
	Arg    string
}

func parseTap(data string) (Tap, bool) {
	parts := strings.SplitN(data, ":", 4)
	if len(parts) < 3 {
		return Tap{}, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return Tap{}, false
	}
	t := Tap{Flow: parts[0], Nonce: n, Action: parts[2]}
	if len(parts) == 4 {
		t.Arg = parts[3]
	}
	return t, true
}

// button makes a button that belongs to the conversation's current prompt.
func (c *Conv) button(label locales.Text, action string, arg ...string) Button {
	data := c.Flow + ":" + strconv.Itoa(c.Nonce) + ":" + action
	if len(arg) > 0 {
		data += ":" + arg[0]
	}
	return Button{Text: label, Data: data}
}

// clampPage keeps a page number (from callback data or state) within a list of n items shown size at a
// time; anything out of range means the first page.
func clampPage(page, n, size int) int {
	if page < 0 || page*size >= n {
		return 0
	}
	return page
}

// pageArg reads the page number of a "pg" button; false for anything that is not one.
func pageArg(arg string) (int, bool) {
	page, err := strconv.Atoi(arg)
	return page, err == nil && page >= 0
}

// navRow is the "‹ Prev" and "Next ›" buttons of page page of a list of n items shown size at a time;
// empty when everything fits on one page.
func (t *Turn) navRow(page, n, size int) []Button {
	var row []Button
	if page > 0 {
		row = append(row, t.button(locales.Msg("btn.prev"), "pg", strconv.Itoa(page-1)))
	}
	if (page+1)*size < n {
		row = append(row, t.button(locales.Msg("btn.next"), "pg", strconv.Itoa(page+1)))
	}
	return row
}

// rows lays buttons out in rows of n.
func rows(bs []Button, n int) [][]Button {
	var out [][]Button
	for len(bs) > n {
		out = append(out, bs[:n:n])
		bs = bs[n:]
	}
	if len(bs) > 0 {
		out = append(out, bs)
	}
	return out
}

func trimEmpty(kb [][]Button) [][]Button {
	out := kb[:0]
	for _, r := range kb {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	return out
}
