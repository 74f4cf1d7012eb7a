package ticket

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// QRSize is the largest width and height of a ticket's QR image, in pixels.
const QRSize = 512

// QR returns a PNG of a QR code for a link (see Link), at medium error correction, which survives a
// scratched screen or a thumb over a corner. Every module gets the same whole number of pixels, so
// the image is at most QRSize square (a little less when the symbol does not divide it): an even
// grid scans better than one scaled by rounding, especially after Telegram recompresses the photo.
func QR(link string) ([]byte, error) {
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("QR code of %d-byte link: %w", len(link), err)
	}
	modules := len(q.Bitmap()) // the symbol and its quiet zone
	scale := max(1, QRSize/modules)
	png, err := q.PNG(-scale) // a negative size means pixels per module
	if err != nil {
		return nil, fmt.Errorf("QR code PNG: %w", err)
	}
	return png, nil
}
