package flows

// WriteMode says what writing a meetup may do. The store checks it in the same atomic step as the
// write, against what Redis holds at that moment.
type WriteMode string

// Write modes.
const (
	WriteCreate WriteMode = "create" // a new meetup: refused if its id is taken by another
	WriteEdit   WriteMode = "edit"   // an existing meetup that is not cancelled
	WriteFile   WriteMode = "file"   // from EVENTS_FILE: created, or changed only where the file changed it
)

// WriteStatus is how writing a meetup ended.
type WriteStatus string

// Write statuses.
const (
	WriteSaved      WriteStatus = "saved"
	WriteUnchanged  WriteStatus = "unchanged"   // WriteFile: the file's version of it was applied before
	WriteExists     WriteStatus = "exists"      // WriteCreate: another meetup has the id
	WriteGone       WriteStatus = "gone"        // WriteEdit: the meetup is missing or cancelled
	WriteBelowTaken WriteStatus = "below_taken" // fewer seats than alumni holding one (Taken)
	WriteHasHolders WriteStatus = "has_holders" // back to draft while alumni hold a place
)

// Written is the outcome of writing a meetup.
type Written struct {
	Status  WriteStatus
	Taken   int     // WriteBelowTaken: seats held now
	Told    int     // alumni told of a new date, time or venue
	Offered []int64 // waitlisted alumni offered a seat that a larger capacity freed
}

// Moved says whether alumni holding a place must hear of an edit: a new date, time or venue.
func Moved(old, m Meetup) bool {
	return !old.Start.Equal(m.Start) || !old.End.Equal(m.End) ||
		old.Venue.Name != m.Venue.Name || old.Venue.Address != m.Venue.Address
}
