package bot

// BulkLanes exposes a bulk lane's senders, for tests that stop one in the middle of a message.
func BulkLanes(l *Bulk) []*Lane { return l.lanes }

// InteractivePaused says whether the bot's interactive sender is pausing for a 429.
func InteractivePaused(b *Bot) bool { return b.send.pausedUntil.Load() > 0 }
