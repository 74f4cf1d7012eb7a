package ticket_test

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/alumnibot/alumnibot/ticket"
)

// TestQRDrawsTheLink decodes the PNG and reads every module back at its centre, comparing it with the
// symbol the QR library encodes for the link. (No pure-Go QR decoder is cheap enough to pull into
// the module for a test: the one there is, a ZXing port, is a 50 MB download. The encoding itself
// is the library's; what this package adds, the link and the drawing, is checked here.)
func TestQRDrawsTheLink(t *testing.T) {
	s := signer(t, secret)
	for _, link := range []string{
		ticket.Link("TemuAlumniBot", s.Token("gorontalo-2027", 7_412_345_678, "K7MQ2P")),
		// The largest link there can be: a 32-character username and the longest token.
		ticket.Link("abcdefghijklmnopqrstuvwxyz_12bot", s.Token(longestID, math.MinInt64, "K7MQ2P")),
	} {
		raw, err := ticket.QR(link)
		if err != nil {
			t.Fatalf("QR(%q): %v", link, err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("QR(%q) is not a PNG: %v", link, err)
		}

		q, err := qrcode.New(link, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		want := q.Bitmap()
		n := len(want)
		scale := ticket.QRSize / n
		if b := img.Bounds(); b.Dx() != n*scale || b.Dy() != n*scale {
			t.Fatalf("QR image is %v, want %d×%d (%d modules of %d px)", b.Size(), n*scale, n*scale, n, scale)
		}
		if size := n * scale; size > ticket.QRSize || size < ticket.QRSize*9/10 {
			t.Errorf("QR image is %d px, want about %d", size, ticket.QRSize)
		}
		for y := range n {
			for x := range n {
				if got := dark(img, x*scale+scale/2, y*scale+scale/2); got != want[y][x] {
					t.Fatalf("module (%d,%d) is dark=%v, want %v", x, y, got, want[y][x])
				}
			}
		}
		t.Logf("%d-byte link: %d modules (version %d), %d px, %d-byte PNG", len(link), n, (n-8-17)/4, n*scale, len(raw))
	}
}

func dark(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r+g+b < 3*0x8000
}

func TestQRRefusesWhatCannotBeEncoded(t *testing.T) {
	// Medium recovery holds at most 2,331 bytes; a link is never near that, but an error, not a
	// panic, is what a caller gets.
	if _, err := ticket.QR(string(bytes.Repeat([]byte("a"), 3000))); err == nil {
		t.Error("QR of 3,000 bytes: no error")
	}
}
