package attach

import (
	"bytes"
	"encoding/csv"
)

// sheet is a CSV file as spreadsheet programs read it: UTF-8 with a byte-order mark, CRLF line ends,
// every cell defused against formula injection (csvCell).
type sheet struct {
	buf bytes.Buffer
	w   *csv.Writer
}

// newSheet starts a sheet with its header row.
func newSheet(header ...string) *sheet {
	s := &sheet{}
	s.buf.WriteString("\uFEFF")
	s.w = csv.NewWriter(&s.buf)
	s.w.UseCRLF = true
	_ = s.row(header...) // a bytes.Buffer does not fail; bytes reports anything else
	return s
}

// row writes one row, each cell defused; the cells given are left as they were.
func (s *sheet) row(cells ...string) error {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = csvCell(c)
	}
	return s.w.Write(out)
}

// bytes ends the sheet and returns the file.
func (s *sheet) bytes() ([]byte, error) {
	s.w.Flush()
	return s.buf.Bytes(), s.w.Error()
}
