// Package store keeps alumnibot's state in Redis: conversations with their de-duplication records, profiles,
// flood counters, meetups and their RSVPs, check-ins, notices to send, organizer roles and job locks.
// It owns every key and script; callers never build keys.
//
// # Key scheme
//
// Every key starts with a prefix (REDIS_PREFIX, default "ab:") so a shared Redis is safe. Keys used
// together in one script or transaction share a hash tag, so everything runs on Redis Cluster.
//
// One user (<id> is the Telegram user id, also the private chat's id):
//
//	ab:{u:<id>}:conv           hash    v (version), s (JSON flows.Conv), a (the last RecentUpdates
//	                                   applied update ids, newest first), r:<update> ("<claim until,
//	                                   unix ms> <JSON result>": replies not yet known sent, dropped once
//	                                   sent or when <update> leaves a)   expires ConvTTL after the last input
//	ab:{u:<id>}:profile        hash    n, p, r, w, l, c, t, a, f: name, province, regency, wave, lang,
//	                                   consent and creation (unix s), a "0" when inactive, referred by
//	                                   (sessions.go; older profiles have long names, still read); mt:
//	                                   space-separated ids of the meetups the alumnus holds or held a
//	                                   place at, a superset (mine.go)      never expires
//	ab:{u:<id>}:flood:<slot>   counter inputs in one 10 s window          expires after two windows
//
// One meetup (<id> is its slug; rsvp.lua and notices.go run over these together):
//
//	ab:{mt:<id>}:meetup        string  JSON flows.Meetup
//	ab:{mt:<id>}:info          hash    capacity, status, end, cancel_told, file_sum (the EVENTS_FILE
//	                                   version last applied): what the scripts check
//	ab:{mt:<id>}:going         set     confirmed alumni
//	ab:{mt:<id>}:offers        zset    alumni offered a freed seat, by offer expiry; each holds a seat
//	ab:{mt:<id>}:waitlist      zset    waitlisted alumni by arrival number
//	ab:{mt:<id>}:seq           string  last arrival number
//	ab:{mt:<id>}:tickets       hash    alumnus -> check-in code
//	ab:{mt:<id>}:codes         hash    check-in code -> alumnus
//	ab:{mt:<id>}:checkins      hash    alumnus -> check-in time (unix s)
//	ab:{mt:<id>}:stats         hash    counters: reserved, waitlisted, cancelled, claimed, expired, checkins
//	ab:{mt:<id>}:q             stream  its notices in the outbound queue (v, kind, alumnus, meetup,
//	                                   until: flows/notices.go); consumer group "notices"; an entry is
//	                                   deleted once sent, so it holds only what is not done yet
//
//	ab:{mt:<id>}:op:<op>       string  the first answer of an operation that changed the meetup's keys
//	                                   (<op> is "<user>:<update>:<n>", flows/ops.go)   expires OpTTL (48 h)
//
// None of the other meetup keys expires: they are promises made to alumni. Shared keys:
//
//	ab:meetups                 zset    meetup ids by end time (unix s)
//	ab:queues:<lane>           set     the outbound queue streams of a lane ("notices") that may hold
//	                                   messages; consumers read these (store/outbox.go)
//	ab:deadletter              stream  outbound messages given up on: lane, queue, id, attempts, error,
//	                                   at, entry (the original fields as JSON); MAXLEN ~10,000
//	ab:roles                   hash    user id -> "*" or a province code: granted organizer roles
//	ab:menus                   hash    "default" or a chat id -> digest of the command menu set there
//	ab:lock:<name>             string  a replica's token while it runs a periodic job   expires with the job
//	ab:migrated:mine           string  "1" once the places of older versions were indexed (mine.go)
//
// The bulk lane (bulk.go, ratelimit.go); kinds keep their streams under their own hash tags:
//
//	ab:{bulk}:rate             hash    the one rate of all bulk sending: tat, rate, ceil, at, pause,
//	                                   good, n429 (GCRA slots and AIMD state)   expires a day unused
//	ab:{u:<id>}:bulkpace       string  the entry sending a bulk message to the alumnus: one a second
//	                                   expires 1–2 s after it
//	ab:{bq:<name>}:q           stream  bulk entries queued by QueueBulk (the load driver, tests): k, to,
//	                                   ref; consumer group "bulk", listed in ab:queues:bulk
//
// This package may import flows and locales (it implements flows' interfaces); nothing else of the project.
package store
