package ticket

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// A check-in token travels in a /start payload, which Telegram limits to 64 characters of
// A-Z a-z 0-9 _ -. "ci_" takes 3 of them, leaving 61 for the token: 45 bytes in unpadded base64url.
//
// The layout, before base64url without padding:
//
//	version   1 byte     1
//	alumnus   1–10 bytes the Telegram user id as a uvarint (int64 bits reinterpreted, so any id encodes)
//	meetup    8 bytes    HMAC-SHA256(meetup key, meetup id), truncated: the meetup hash
//	code      the rest   the check-in code (6 bytes)
//	mac       12 bytes   HMAC-SHA256(MAC key, everything above), truncated to 96 bits
//
// Why a hash of the meetup id rather than the id: an id is up to 41 characters, and even packed at
// log2(37) bits a character it takes 27 bytes; with the user id, the code and a 64-bit MAC that is
// 48 bytes, 64 characters, which does not fit. The verifier needs no id from the token anyway: the
// organizer checks someone in at a meetup, or the bot finds it among the alumnus's tickets, and
// VerifyFor (or Matches) then says whether the token belongs to it. The hash is keyed, so nobody
// without the secret can pick a meetup id that collides with another one's.
//
// Lengths, with a 6-character code: a Telegram user id today (< 2^35, a 5-byte uvarint) gives 32
// bytes, 43 characters; one at Telegram's 52-bit bound 47 characters; the largest int64 36 bytes,
// 48 characters; a negative id (10-byte uvarint) 37 bytes, 50 characters, the most there can be. A 96-bit MAC makes guessing hopeless (every guess is a
// Telegram message), and the spare room keeps the QR code small enough to scan off a cheap screen.

// StartPrefix begins the /start payload of a check-in deep link: /start ci_<token>.
const StartPrefix = "ci_"

// MaxTokenLen is the longest token Verify accepts: Telegram's 64-character /start payload less
// StartPrefix.
const MaxTokenLen = 64 - len(StartPrefix)

// MaxCodeLen is the longest check-in code whose token still fits MaxTokenLen for every user id.
// Check-in codes have 6 characters; a longer code gives a token that Verify rejects.
const MaxCodeLen = maxRaw - 1 - binary.MaxVarintLen64 - hashLen - macLen

// MinSecretLen is the shortest secret NewSigner accepts: 256 bits, the size of an HMAC-SHA256 key.
const MinSecretLen = 32

const (
	version = 1
	hashLen = 8
	macLen  = 12
	minRaw  = 1 + 1 + hashLen + 1 + macLen // shortest uvarint, a 1-byte code
	maxRaw  = MaxTokenLen * 6 / 8          // 45 bytes fill 60 characters; 46 would need 62
)

// ErrInvalid is the answer to a token that was not signed with this secret or was altered, cut
// short, lengthened, or is for another meetup. Errors wrapping it say which, for the logs only.
var ErrInvalid = errors.New("invalid check-in token")

// b64 rejects non-zero padding bits, so no two strings decode to the same token.
var b64 = base64.RawURLEncoding.Strict()

// MeetupHash stands for a meetup id in a token; see Signer.MeetupHash.
type MeetupHash [hashLen]byte

// Claim is what a valid token says: this alumnus holds this check-in code for this meetup.
type Claim struct {
	MeetupHash MeetupHash // compare with Signer.MeetupHash(id), or use VerifyFor
	Alumnus    int64      // Telegram user id
	Code       string     // check-in code
}

// Signer makes and checks check-in tokens under one secret. It is safe for concurrent use.
type Signer struct {
	hashKey []byte // keys the meetup hash
	macKey  []byte // keys the token's MAC
}

// NewSigner returns a Signer for a secret of at least MinSecretLen bytes. The secret must stay the
// same across restarts and replicas, or tickets already handed out stop verifying.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("check-in secret has %d bytes, want at least %d", len(secret), MinSecretLen)
	}
	// Separate keys for the two uses, so a meetup hash can never pass for a MAC or the reverse.
	return &Signer{
		hashKey: mac(secret, []byte("alumnibot ticket meetup-hash v1")),
		macKey:  mac(secret, []byte("alumnibot ticket mac v1")),
	}, nil
}

func mac(key, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)
}

// MeetupHash returns the keyed hash that stands for a meetup id in tokens.
func (s *Signer) MeetupHash(meetup string) MeetupHash {
	var h MeetupHash
	copy(h[:], mac(s.hashKey, []byte(meetup)))
	return h
}

// Token returns the signed check-in token of an alumnus's code for a meetup. The same inputs give
// the same token. With a code of up to MaxCodeLen bytes it has at most MaxTokenLen characters.
func (s *Signer) Token(meetup string, alumnus int64, code string) string {
	b := make([]byte, 0, 1+binary.MaxVarintLen64+hashLen+len(code)+macLen)
	b = append(b, version)
	b = binary.AppendUvarint(b, uint64(alumnus))
	h := s.MeetupHash(meetup)
	b = append(b, h[:]...)
	b = append(b, code...)
	b = append(b, mac(s.macKey, b)[:macLen]...)
	return b64.EncodeToString(b)
}

// Verify checks a token's signature and returns its claim. Anything not made by Token under this
// secret, byte for byte, gets an error wrapping ErrInvalid. The claim names the meetup only by its
// hash: check it with Matches, or call VerifyFor when the meetup is known.
func (s *Signer) Verify(token string) (Claim, error) {
	if len(token) < b64.EncodedLen(minRaw) || len(token) > MaxTokenLen {
		return Claim{}, fmt.Errorf("%w: %d characters", ErrInvalid, len(token))
	}
	// The decoder skips CR and LF; a token has none.
	for i := 0; i < len(token); i++ {
		if !isPayloadChar(token[i]) {
			return Claim{}, fmt.Errorf("%w: character %d is not base64url", ErrInvalid, i)
		}
	}
	raw, err := b64.DecodeString(token)
	if err != nil {
		return Claim{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(raw) < minRaw {
		return Claim{}, fmt.Errorf("%w: %d bytes", ErrInvalid, len(raw))
	}
	body, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(sum, mac(s.macKey, body)[:macLen]) { // constant time
		return Claim{}, fmt.Errorf("%w: bad signature", ErrInvalid)
	}
	// Only our own tokens get this far; the checks below guard against a future layout.
	if body[0] != version {
		return Claim{}, fmt.Errorf("%w: version %d", ErrInvalid, body[0])
	}
	alumnus, n := binary.Uvarint(body[1:])
	if n <= 0 || len(body) < 1+n+hashLen+1 {
		return Claim{}, fmt.Errorf("%w: malformed", ErrInvalid)
	}
	c := Claim{Alumnus: int64(alumnus), Code: string(body[1+n+hashLen:])}
	copy(c.MeetupHash[:], body[1+n:])
	return c, nil
}

// VerifyFor is Verify for a token that must belong to the given meetup: a valid token of another
// meetup is invalid here.
func (s *Signer) VerifyFor(token, meetup string) (Claim, error) {
	c, err := s.Verify(token)
	if err != nil {
		return Claim{}, err
	}
	if !s.Matches(c, meetup) {
		return Claim{}, fmt.Errorf("%w: for another meetup", ErrInvalid)
	}
	return c, nil
}

// Matches reports whether a verified claim is for the given meetup id. (The hash is no secret from
// the token's holder, so a plain comparison is fine.)
func (s *Signer) Matches(c Claim, meetup string) bool {
	return c.MeetupHash == s.MeetupHash(meetup)
}

func isPayloadChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// Payload returns the /start payload of a check-in token: "ci_" and the token.
func Payload(token string) string { return StartPrefix + token }

// TokenFromPayload returns the token of a /start payload, and whether the payload is a check-in one.
// The token still has to be verified.
func TokenFromPayload(payload string) (string, bool) {
	return strings.CutPrefix(payload, StartPrefix)
}

// Link returns the deep link an organizer's phone opens when it scans the ticket's QR code:
// https://t.me/<bot>?start=ci_<token>. The username may carry its "@". Username and token use only
// URL-safe characters, so nothing needs escaping.
func Link(botUsername, token string) string {
	return "https://t.me/" + strings.TrimPrefix(botUsername, "@") + "?start=" + Payload(token)
}
