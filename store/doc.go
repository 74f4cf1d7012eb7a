// Package store keeps alumnibot's state in Redis: conversations, profiles, de-duplication markers,
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
//	ab:{u:<id>}:conv           hash    v (version), s (JSON flows.Conv), p (an update whose replies
//	                                   could not be sent)                  expires ConvTTL after the last input
//	ab:{u:<id>}:profile        hash    name, province, regency, wave, lang, consent_at, created_at,
//	                                   active, referred_by                 never expires
//	ab:{u:<id>}:upd:<update>   string  "1": the update was applied         expires MarkerTTL (48 h)
//	ab:{u:<id>}:res:<update>   string  the update's JSON result, repeated on a redelivery after a crash;
//	                                   dropped once sent                   expires ReplayTTL (1 h)
//	ab:{u:<id>}:flood:<slot>   counter inputs in one 10 s window          expires after two windows
//
// One meetup (<id> is its slug; rsvp.lua, cancel.lua and notices.go run over these together):
//
//	ab:{mt:<id>}:meetup        string  JSON flows.Meetup
//	ab:{mt:<id>}:info          hash    capacity, status, end, cancel_told: what the scripts check
//	ab:{mt:<id>}:going         set     confirmed alumni
//	ab:{mt:<id>}:offers        zset    alumni offered a freed seat, by offer expiry; each holds a seat
//	ab:{mt:<id>}:waitlist      zset    waitlisted alumni by arrival number
//	ab:{mt:<id>}:seq           string  last arrival number
//	ab:{mt:<id>}:tickets       hash    alumnus -> check-in code
//	ab:{mt:<id>}:codes         hash    check-in code -> alumnus
//	ab:{mt:<id>}:checkins      hash    alumnus -> check-in time (unix s)
//	ab:{mt:<id>}:stats         hash    counters: reserved, waitlisted, cancelled, claimed, expired, checkins
//	ab:{mt:<id>}:outbox        list    notices to send: "<kind>:<alumnus>[:<until>]"
//
// None of the meetup keys expires: they are promises made to alumni. Shared keys:
//
//	ab:meetups                 zset    meetup ids by end time (unix s)
//	ab:outbox                  set     meetups whose outbox may hold notices
//	ab:roles                   hash    user id -> "*" or a province code: granted organizer roles
//	ab:menus                   hash    "default" or a chat id -> digest of the command menu set there
//	ab:lock:<name>             string  a replica's token while it runs a periodic job   expires with the job
//
// This package may import flows and locales (it implements flows' interfaces); nothing else of the project.
package store
