// Package area holds Indonesia's provinces and regencies (kabupaten/kota) and the time zone of each
// province, embedded in the binary from idn-area-data (ODbL, see data/SOURCE.md and the NOTICE file).
//
// It imports nothing of the project; every other package may use it.
package area
