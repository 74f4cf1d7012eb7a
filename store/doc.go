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
//	ab:{u:<id>}:refs           set     the alumni whose /start ref_ link was this user's, so erasing
//	                                   either unlinks them (erase.go)
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
//	ab:{mt:<id>}:ops           zset    the meetup's operation records by expiry (unix ms), so an
//	                                   erasure finds those that name the alumnus without a SCAN
//
// Feedback after a meetup (feedback.go, feedback.lua), beside its RSVP keys:
//
//	ab:{mt:<id>}:fb:asked      set     alumni asked how it went (claimed in the script that queues it)
//	ab:{mt:<id>}:fb:q          stream  their questions in the bulk lane (k "fb", to, m); in ab:queues:bulk
//	ab:{mt:<id>}:fb:ratings    hash    alumnus -> "<rating 1–5>:<unix s>"
//	ab:{mt:<id>}:fb:counts     hash    "1".."5" -> number of ratings
//	ab:{mt:<id>}:fb:comments   hash    alumnus -> JSON {t, at}
//	(feedback.lua's operation records are listed in ab:{mt:<id>}:ops, as rsvp.lua's)
//
// One announcement's survey (<bc> is the broadcast id; survey.lua runs over these together):
//
//	ab:{sv:<bc>}:def           string  JSON flows.Survey: question, answers, the audience's province
//	ab:{sv:<bc>}:ans           hash    alumnus -> "<option>|<province>|<regency>": their answer and
//	                                   where it was counted (the profile's area when they answered)
//	ab:{sv:<bc>}:counts        hash    o:<option>, p:<province>:<option>, r:<regency>:<option> -> count
//	ab:{sv:<bc>}:closed        string  "1" once the survey takes no more answers
//	ab:{sv:<bc>}:op:<op>       string  the first answer of an answer operation   expires OpTTL (48 h)
//	ab:{sv:<bc>}:ops           zset    those records by expiry (unix ms), for erasure   expires OpTTL
//	(an erased alumnus's answer stays in ans under a field "x<n>" naming nobody: survey_erase.go)
//
// Survey keys do not expire: they are what alumni answered.
//
// Success stories, all under one hash tag so that story.lua changes a story, the moderation indexes, the
// author's index and the stories' outbound stream in one step (story.go):
//
//	ab:{stories}:st:<id>       hash    a story: a author, n name, p province, r regency, w wave, tr
//	                                   training, x text, ph photo file ids, c consent, l lang, s status,
//	                                   t sent, d/dn/dt decided by, their name, when, why reason, rj the
//	                                   moderator about to give a reason, mc/mm the moderation chat and
//	                                   the story's message there
//	ab:{stories}:pending       zset    ids waiting for a decision, by when sent
//	ab:{stories}:approved      zset    approved ids, by when approved (/ekspor)
//	ab:{stories}:by:<user>     set     an author's story ids: what /datasaya and /hapusdata find
//	ab:{stories}:msgs          hash    moderation chat message id -> story id (the story's message, and
//	                                   the bot's question for a reason: a reply to either gives it)
//	ab:{stories}:q             stream  the "stories" lane: k mod|told|rekey, to (chat), id, m (message);
//	                                   consumer group "stories"
//	ab:{stories}:op:<op>       string  the story a submit operation made    expires OpTTL (48 h)
//
// Story keys do not expire either, nor do the meetup keys above: they are promises made to alumni.
// Shared keys:
//
//	ab:meetups                 zset    meetup ids by end time (unix s)
//	ab:queues:<lane>           set     the outbound queue streams of a lane ("notices", "stories") that may hold
//	                                   messages; consumers read these (store/outbox.go)
//	ab:deadletter              stream  outbound messages given up on: lane, queue, id, attempts, error,
//	                                   at, entry (the original fields as JSON); MAXLEN ~10,000
//	ab:roles                   hash    user id -> "*" or a province code: granted organizer roles
//	ab:menus                   hash    "default" or a chat id -> digest of the command menu set there
//	ab:lock:<name>             string  a replica's token while it runs a periodic job   expires with the job
//	ab:migrated:mine           string  "1" once the places of older versions were indexed (mine.go)
//	ab:migrated:refs           string  "1" once the referrals of older versions were listed (erase.go)
//	ab:{sg:<yyyy-mm>:<prov>}:list  stream  /masukan suggestions of a month (UTC) and province: a, r, t, at
//	ab:{sg:<yyyy-mm>:<prov>}:op:<op>  string  a suggestion's operation record   expires OpTTL
//	ab:{sg:<yyyy-mm>:<prov>}:ops  zset  those records by expiry (for erasure)   expires OpTTL
//	ab:sg:index                set     "<yyyy-mm>:<prov>" of every suggestion stream (suggest.go)
//
// Reminders and workshop series (remind.go, series.go, remindlease.go):
//
//	ab:rm:due                  zset    "<m|s>|<id>|<at unix s>" -> at: reminders planned, not done
//	ab:{mt:<id>}:rm            hash    <at>:cur (scan cursor of a run in progress), <at>:done
//	ab:{mt:<id>}:rm:<at>       hash    alumnus -> "q" (claimed and queued), then the outcome   expires 30 days
//	ab:{mt:<id>}:rmoff         set     alumni who turned this meetup's reminders off
//	ab:{mt:<id>}:rmq           stream  the meetup's reminders in the bulk lane (k=rm, to, m, at)
//	ab:{ws:<id>}:series        string  JSON flows.Series
//	ab:{ws:<id>}:subs          set     its subscribers
//	ab:{ws:<id>}:rm, rm:<at>, rmoff, rmq   as for a meetup (k=ws, to, s, at)
//	ab:series                  zset    series ids by end (unix s)
//	ab:{u:<id>}:ws             set     the series an alumnus follows (a superset of the subs sets)
//	ab:{u:<id>}:rmoff          string  "1": the alumnus turned every reminder off
//	ab:lease:<name>            string  the replica holding a lease ("scheduler")   expires unless renewed
//
// Announcements (/siaran; audience.go, broadcast.go, broadcast.lua):
//
//	ab:aud:{a<n>}:p:<province> set     active alumni of a province in shard n (user id % 64), written
//	                                   after each profile commit ("-": no province)
//	ab:aud:{a<n>}:n            hash    shard n's counts: all, p:<prov>, r:<regency>, w:<wave>,
//	                                   pw:<prov>:<wave>
//	ab:aud:{a<n>}:bc:<id>      zset    a job's frozen snapshot of shard n while its list is built
//	ab:{bc:<id>}:job           hash    def (JSON flows.Broadcast), state, figures, build and feed cursors
//	ab:{bc:<id>}:r:<c>         list    chunk c of the job's recipients (≤ 1,000), deleted once queued
//	ab:{bc:<id>}:q             stream  the job's entries of the bulk lane (k=bc, to, bc)
//	ab:bc:recent               zset    jobs by creation (unix ms)
//	ab:bc:due                  zset    scheduled jobs by send time (unix ms)
//	ab:bc:active               set     jobs being built or sent, or waiting for their summary
//	ab:migrated:aud            string  "1" once the audience index was built for older profiles
//
// Personal data (erase.go, mydata.go and the <part>_erase.go beside each part): /hapusdata and
// /datasaya find an alumnus's records through the indexes above — their profile's mt, ab:meetups,
// ab:series, ab:bc:recent, ab:sg:index, ab:{stories}:by:<user>, the ops zsets of operation records —
// and a SCAN of the {stories} tag only (story op records, stories a moderator decided).
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
