package ticket_test

import (
	"testing"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/ticket"
)

var _ flows.TicketChecker = (*ticket.Signer)(nil)

func TestCheckFindsTheTokensMeetup(t *testing.T) {
	s, err := ticket.NewSigner([]byte("checker test secret, 32 bytes long"))
	if err != nil {
		t.Fatal(err)
	}
	tok := s.Token("jambi-2027", 100001, "K7MQ2P")
	mt, al, code, ok := s.Check(tok, []string{"gorontalo-2027", "jambi-2027"})
	if !ok || mt != "jambi-2027" || al != 100001 || code != "K7MQ2P" {
		t.Fatalf("Check = %q %d %q %v", mt, al, code, ok)
	}
	if _, _, _, ok := s.Check(tok, []string{"gorontalo-2027"}); ok {
		t.Error("a Jambi ticket passed for an organizer of Gorontalo only")
	}
	altered := []byte(tok)
	if altered[len(altered)/2] == 'A' {
		altered[len(altered)/2] = 'B'
	} else {
		altered[len(altered)/2] = 'A'
	}
	if _, _, _, ok := s.Check(string(altered), []string{"jambi-2027"}); ok {
		t.Error("an altered token passed")
	}
	other, _ := ticket.NewSigner([]byte("another secret, also 32 bytes long"))
	if _, _, _, ok := other.Check(tok, []string{"jambi-2027"}); ok {
		t.Error("a token signed with another secret passed")
	}
}
