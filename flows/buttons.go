package flows

import (
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// Callback data is "<flow>:<nonce>:<action>[:<arg>]". The nonce ties a button to the prompt that showed
// it, so a button from an old message (or forged data) is recognised instead of acted on.
type tap struct {
	flow   string
	nonce  int
	action string
	arg    string
}

func parseTap(data string) (tap, bool) {
	parts := strings.SplitN(data, ":", 4)
	if len(parts) < 3 {
		return tap{}, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return tap{}, false
	}
	t := tap{flow: parts[0], nonce: n, action: parts[2]}
	if len(parts) == 4 {
		t.arg = parts[3]
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
