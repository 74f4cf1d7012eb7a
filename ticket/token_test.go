package ticket_test

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/ticket"
)

const payloadChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// longestID is the longest meetup id meetupfile accepts (41 characters of a-z, 0-9 and -).
var longestID = strings.Repeat("z", 41)

func signer(t testing.TB, secret string) *ticket.Signer {
	t.Helper()
	s, err := ticket.NewSigner([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const secret = "0123456789abcdef0123456789abcdef-test" // 37 bytes

// alumni are user ids of every uvarint length that matters: small, today's Telegram ids, the
// largest int64, and negative ones (10-byte uvarint, the worst case).
var alumni = []int64{1, 123456789, 7_412_345_678, 1 << 52, math.MaxInt64, -1, math.MinInt64}

func TestNewSignerNeedsALongSecret(t *testing.T) {
	for _, n := range []int{0, 16, 31} {
		if _, err := ticket.NewSigner(bytes.Repeat([]byte("k"), n)); err == nil {
			t.Errorf("NewSigner with a %d-byte secret: no error", n)
		}
	}
	if _, err := ticket.NewSigner(bytes.Repeat([]byte("k"), 32)); err != nil {
		t.Errorf("NewSigner with a 32-byte secret: %v", err)
	}
}

func TestTokenRoundTrip(t *testing.T) {
	s := signer(t, secret)
	for _, meetup := range []string{"gorontalo-2027", "jambi-2027", longestID, "ab"} {
		for _, alumnus := range alumni {
			tok := s.Token(meetup, alumnus, "K7MQ2P")
			c, err := s.VerifyFor(tok, meetup)
			if err != nil {
				t.Fatalf("VerifyFor(Token(%q, %d)): %v", meetup, alumnus, err)
			}
			want := ticket.Claim{MeetupHash: s.MeetupHash(meetup), Alumnus: alumnus, Code: "K7MQ2P"}
			if d := cmp.Diff(want, c); d != "" {
				t.Errorf("claim of %q/%d (-want +got):\n%s", meetup, alumnus, d)
			}
			if again := s.Token(meetup, alumnus, "K7MQ2P"); again != tok {
				t.Errorf("Token is not deterministic: %s then %s", tok, again)
			}
			if p := ticket.Payload(tok); len(p) > 64 || strings.Trim(p, payloadChars) != "" {
				t.Errorf("payload %q is not a valid /start payload", p)
			}
		}
	}
}

func TestTokenLength(t *testing.T) {
	s := signer(t, secret)
	cases := []struct {
		alumnus int64
		want    int
	}{
		{7_412_345_678, 43},   // a Telegram user id of today: 5-byte uvarint
		{math.MaxInt64, 48},   // largest user id: 9-byte uvarint
		{math.MinInt64, 50},   // negative: 10-byte uvarint, the longest there is
		{-1, 50},              //
		{1, 38},               // 1-byte uvarint
		{1<<52 - 1, 47},       // Telegram's documented 52-bit bound: 8-byte uvarint
		{123_456_789_012, 44}, // 6-byte uvarint
	}
	for _, c := range cases {
		tok := s.Token(longestID, c.alumnus, "K7MQ2P")
		if len(tok) != c.want {
			t.Errorf("token for %d is %d characters, want %d", c.alumnus, len(tok), c.want)
		}
		if len(tok) > 61 || len(tok) > ticket.MaxTokenLen {
			t.Errorf("token for %d is %d characters, more than 61", c.alumnus, len(tok))
		}
	}
	// The longest code the bound promises still fits and verifies for the worst user id.
	code := strings.Repeat("C", ticket.MaxCodeLen)
	tok := s.Token(longestID, math.MinInt64, code)
	if len(tok) > ticket.MaxTokenLen {
		t.Errorf("token with a %d-byte code is %d characters", len(code), len(tok))
	}
	if c, err := s.Verify(tok); err != nil || c.Code != code {
		t.Errorf("Verify(token with %d-byte code) = %+v, %v", len(code), c, err)
	}
}

// TestTokenAlteredAnywhere changes each character of valid tokens to every other payload character:
// not one of the variants verifies.
func TestTokenAlteredAnywhere(t *testing.T) {
	s := signer(t, secret)
	for _, alumnus := range alumni { // lengths 38 to 50: with and without spare bits in the last character
		tok := s.Token("gorontalo-2027", alumnus, "K7MQ2P")
		for i := range len(tok) {
			for _, r := range payloadChars {
				if byte(r) == tok[i] {
					continue
				}
				forged := tok[:i] + string(r) + tok[i+1:]
				if c, err := s.Verify(forged); !errors.Is(err, ticket.ErrInvalid) {
					t.Fatalf("token %s with character %d changed to %q: claim %+v, error %v", tok, i, r, c, err)
				}
			}
		}
	}
}

func TestTokenCutOrLengthened(t *testing.T) {
	s := signer(t, secret)
	tok := s.Token(longestID, 7_412_345_678, "K7MQ2P")
	for n := range len(tok) {
		if _, err := s.Verify(tok[:n]); !errors.Is(err, ticket.ErrInvalid) {
			t.Errorf("Verify(first %d characters) = %v, want ErrInvalid", n, err)
		}
		if _, err := s.Verify(tok[n:]); n > 0 && !errors.Is(err, ticket.ErrInvalid) {
			t.Errorf("Verify(without the first %d characters) = %v, want ErrInvalid", n, err)
		}
	}
	for _, extra := range []string{"A", "AA", "AAA", "AAAA", "\n", "\r\n", "=", "==", " "} {
		if _, err := s.Verify(tok + extra); !errors.Is(err, ticket.ErrInvalid) {
			t.Errorf("Verify(token + %q) = %v, want ErrInvalid", extra, err)
		}
	}
	if _, err := s.Verify(tok[:20] + "\n" + tok[20:]); !errors.Is(err, ticket.ErrInvalid) {
		t.Errorf("Verify(token with a newline inside) = %v, want ErrInvalid", err)
	}
	for _, junk := range []string{"", "ci_" + tok, strings.Repeat("A", 61), strings.Repeat("_", 44), "not a token at all, clearly"} {
		if _, err := s.Verify(junk); !errors.Is(err, ticket.ErrInvalid) {
			t.Errorf("Verify(%q) = %v, want ErrInvalid", junk, err)
		}
	}
}

func TestTokenOfAnotherMeetup(t *testing.T) {
	s := signer(t, secret)
	jambi := s.Token("jambi-2027", 42, "K7MQ2P")
	if _, err := s.VerifyFor(jambi, "gorontalo-2027"); !errors.Is(err, ticket.ErrInvalid) {
		t.Errorf("Jambi's token at Gorontalo: %v, want ErrInvalid", err)
	}
	c, err := s.Verify(jambi)
	if err != nil {
		t.Fatal(err)
	}
	if s.Matches(c, "gorontalo-2027") || !s.Matches(c, "jambi-2027") {
		t.Errorf("Matches: the claim of Jambi's token matches Gorontalo or not Jambi")
	}
	// Ids that differ in one character, or only in length, hash apart.
	if s.MeetupHash("jambi-2027") == s.MeetupHash("jambi-2028") || s.MeetupHash("ab") == s.MeetupHash("abc") {
		t.Error("meetup hashes collide")
	}
}

func TestTokenOfAnotherSecret(t *testing.T) {
	ours, theirs := signer(t, secret), signer(t, secret+"!")
	for _, alumnus := range alumni {
		tok := theirs.Token("gorontalo-2027", alumnus, "K7MQ2P")
		if _, err := ours.Verify(tok); !errors.Is(err, ticket.ErrInvalid) {
			t.Errorf("token signed with another secret: %v, want ErrInvalid", err)
		}
	}
	// The hashes of the same meetup differ too: a hash says nothing without the secret.
	if ours.MeetupHash("gorontalo-2027") == theirs.MeetupHash("gorontalo-2027") {
		t.Error("meetup hash does not depend on the secret")
	}
}

func TestPayloadAndLink(t *testing.T) {
	s := signer(t, secret)
	tok := s.Token("gorontalo-2027", 42, "K7MQ2P")
	link := ticket.Link("@TemuAlumniBot", tok)
	if want := "https://t.me/TemuAlumniBot?start=ci_" + tok; link != want {
		t.Errorf("Link = %q, want %q", link, want)
	}
	if ticket.Link("TemuAlumniBot", tok) != link {
		t.Error("Link depends on the @ of the username")
	}
	got, ok := ticket.TokenFromPayload(ticket.Payload(tok))
	if !ok || got != tok {
		t.Errorf("TokenFromPayload(Payload(tok)) = %q, %v", got, ok)
	}
	if _, ok := ticket.TokenFromPayload("ev_gorontalo-2027"); ok {
		t.Error("TokenFromPayload accepts a meetup deep link")
	}
}

// FuzzVerify checks that Verify never panics and accepts nothing but the tokens the signer made:
// any mutation of a valid token, however clever, is invalid.
func FuzzVerify(f *testing.F) {
	s := signer(f, secret)
	valid := map[string]bool{}
	for _, alumnus := range alumni {
		for _, meetup := range []string{"gorontalo-2027", longestID} {
			tok := s.Token(meetup, alumnus, "K7MQ2P")
			valid[tok] = true
			f.Add(tok)
		}
	}
	f.Add("")
	f.Add(strings.Repeat("A", 61))
	f.Add("AQ\n\n")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := s.Verify(token)
		switch {
		case err == nil && !valid[token]:
			t.Fatalf("Verify accepted %q, which the signer never made: %+v", token, c)
		case err != nil && !errors.Is(err, ticket.ErrInvalid):
			t.Fatalf("Verify(%q): error %v does not wrap ErrInvalid", token, err)
		case err != nil && c != (ticket.Claim{}):
			t.Fatalf("Verify(%q) failed but returned a claim %+v", token, c)
		}
	})
}
