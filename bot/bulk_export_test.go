package bot

// BulkLanes exposes a bulk lane's senders, for tests that stop one in the middle of a message.
func BulkLanes(l *Bulk) []*Lane { return l.lanes }
