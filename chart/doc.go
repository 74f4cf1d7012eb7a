// Package chart draws the bar charts the bot sends organizers as photos: survey answers, and
// attendance or ratings in reports. It wraps github.com/go-analyze/charts behind one small call so
// every chart of the bot looks alike and is readable on a phone: horizontal bars (long names fit on
// the left), 1080 px wide, large type, numbers in the reader's format (1.250 or 1,250).
//
// Rendering is deterministic: the same input gives the same bytes. The font (Roboto) is embedded in
// the library, so nothing is read from the machine.
//
// It imports nothing of the project.
package chart
