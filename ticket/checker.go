package ticket

// Check verifies a scanned check-in token for an organizer who may check people in at the given
// meetups, and says whose ticket it is. ok is false for anything Verify rejects (forged, altered, cut
// short) and for a valid token of a meetup not in the list, so it implements flows.TicketChecker.
func (s *Signer) Check(token string, meetups []string) (meetup string, alumnus int64, code string, ok bool) {
	c, err := s.Verify(token)
	if err != nil {
		return "", 0, "", false
	}
	for _, m := range meetups {
		if s.Matches(c, m) {
			return m, c.Alumnus, c.Code, true
		}
	}
	return "", 0, "", false
}
