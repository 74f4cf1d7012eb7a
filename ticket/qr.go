package ticket

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/skip2/go-qrcode"
)

// QRSize is the largest width and height of a ticket's QR image, in pixels.
const QRSize = 512

var qrPalette = color.Palette{color.White, color.Black}

// qrEncoder trades a few hundred bytes of PNG for several times less CPU: the image is two-coloured
// blocks, and Telegram recompresses photos anyway.
var qrEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// QR returns a PNG of a QR code for a link (see Link), at medium error correction, which survives a
// scratched screen or a thumb over a corner. Every module gets the same whole number of pixels, so
// the image is at most QRSize square (a little less when the symbol does not divide it): an even
// grid scans better than one scaled by rounding, especially after Telegram recompresses the photo.
func QR(link string) ([]byte, error) {
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("QR code of %d-byte link: %w", len(link), err)
	}
	bm := q.Bitmap() // the symbol and its quiet zone; true is dark
	scale := max(1, QRSize/len(bm))
	size := len(bm) * scale
	img := image.NewPaletted(image.Rect(0, 0, size, size), qrPalette)
	for y, row := range bm {
		line := img.Pix[y*scale*img.Stride : y*scale*img.Stride+size]
		for x, dark := range row {
			if dark {
				for i := x * scale; i < (x+1)*scale; i++ {
					line[i] = 1
				}
			}
		}
		for k := 1; k < scale; k++ { // the module row's other pixel rows are copies
			copy(img.Pix[(y*scale+k)*img.Stride:], line)
		}
	}
	var buf bytes.Buffer
	if err := qrEncoder.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("QR code PNG: %w", err)
	}
	return buf.Bytes(), nil
}
