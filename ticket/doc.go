// Package ticket owns what an alumnus carries to a meetup: the signed check-in token behind the
// deep link /start ci_<token> (token.go), the QR code that encodes that link (qr.go), and the
// meetup's .ics calendar file (ics.go).
//
// It is pure computation: no Telegram, no Redis, no configuration or clock of its own (the secret
// and the time are parameters). Of the project it may import flows and area only; the bot and the
// flows call it.
package ticket
