package bot_test

import "github.com/alumnibot/alumnibot/bot/bottest"

// onItsOwn records the messages the bot sends by itself — a lane's pass, a job, a test standing in
// for another branch's sender — so checkShape takes them as unprompted rather than as part of the
// answer to the input before them. Recording what was really sent meanwhile, not matching texts,
// keeps a reply that happens to start like a notice counted as a reply.
type onItsOwn map[int64]map[int]bool

// during runs send and records every message the bot sent meanwhile to the users' chats.
func (o onItsOwn) during(c *e2eBot, send func(), users ...*e2eUser) {
	c.t.Helper()
	before := make(map[int64]int, len(users))
	for _, u := range users {
		before[u.ID] = len(c.API.Events(u.ID))
	}
	send()
	for _, u := range users {
		for _, ev := range c.API.Events(u.ID)[before[u.ID]:] {
			if ev.Kind != "send" {
				continue
			}
			if o[u.ID] == nil {
				o[u.ID] = map[int]bool{}
			}
			o[u.ID][ev.Msg.ID] = true
		}
	}
}

// is reports whether m was sent on the bot's own; it is checkShape's unprompted.
func (o onItsOwn) is(m bottest.Message) bool { return o[m.ChatID][m.ID] }
