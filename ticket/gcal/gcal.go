// Package gcal builds the link that adds a meetup to Google Calendar: a plain URL the phone's browser
// or Calendar app opens, so it works where an .ics file does not (many cheap Android phones open an
// .ics with nothing). It imports nothing of alumnibot, so flows can use it.
package gcal

import (
	"net/url"
	"strings"
	"time"
)

// Base is Google Calendar's "add an event" template address.
const Base = "https://calendar.google.com/calendar/render"

// maxDetails bounds the URL-encoded description, so the link stays well under the length browsers and
// Telegram accept for a URL button (a title and a place add a few hundred bytes at most).
const maxDetails = 1000

// Event is what the link says.
type Event struct {
	Title      string
	Start, End time.Time
	Details    string // shown as the event's description; cut to keep the link short
	Location   string // searched on Google Maps by the Calendar app
}

// URL returns the Google Calendar link of an event:
//
//	https://calendar.google.com/calendar/render?action=TEMPLATE&text=…&dates=20270318T020000Z/20270318T080000Z&details=…&location=…
//
// Times are written in UTC ("Z"), so the calendar shows them in the phone's own zone. An end not after
// the start is taken as the start (Google rejects a negative range).
func URL(e Event) string {
	end := e.End
	if !end.After(e.Start) {
		end = e.Start
	}
	const layout = "20060102T150405Z"
	q := []string{
		"action=TEMPLATE",
		"text=" + url.QueryEscape(strings.TrimSpace(e.Title)),
		"dates=" + e.Start.UTC().Format(layout) + "/" + end.UTC().Format(layout),
	}
	if d := escapedCut(strings.TrimSpace(e.Details), maxDetails); d != "" {
		q = append(q, "details="+d)
	}
	if l := strings.TrimSpace(e.Location); l != "" {
		q = append(q, "location="+url.QueryEscape(l))
	}
	return Base + "?" + strings.Join(q, "&")
}

// escapedCut is s URL-encoded, shortened (ending in "…") until the encoding is at most n bytes.
func escapedCut(s string, n int) string {
	q := url.QueryEscape(s)
	if len(q) <= n {
		return q
	}
	r := []rune(s)
	for k := min(len(r), n); k > 0; k = k * 9 / 10 {
		if q = url.QueryEscape(strings.TrimSpace(string(r[:k])) + "…"); len(q) <= n {
			return q
		}
	}
	return ""
}
