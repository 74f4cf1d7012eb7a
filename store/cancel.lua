-- Cancels a meetup and queues one "cancelled" notice for everyone holding a seat, an offer or a
-- waitlist place. All keys share the meetup's hash tag.
-- KEYS: 1 info, 2 going, 3 offers, 4 waitlist, 5 q (the meetup's outbound queue stream)
-- info gets status 'cancelled' (the RSVP script then hands out no seat: no RSVP, no claim, no offer)
-- and cancel_told '1'. Offers and the waiting list are withdrawn: their alumni are told of the
-- cancellation, like those holding a seat, who keep their record (reports count them). A meetup
-- already cancelled with its notices queued is left alone, so a retry tells nobody twice; one that
-- was published again since (status no longer 'cancelled') is told again when cancelled again.
-- Notices use encoding v1 of flows/notices.go. Returns the number queued, or -1 for an unknown meetup.
local info = redis.call('HMGET', KEYS[1], 'status', 'cancel_told')
if not info[1] then return -1 end
if info[1] == 'cancelled' and info[2] == '1' then return 0 end
local meetup = string.match(KEYS[5], '{mt:(.-)}')
local n = 0
local function tell(a)
  redis.call('XADD', KEYS[5], '*', 'v', '1', 'kind', 'cancelled', 'alumnus', a, 'meetup', meetup)
  n = n + 1
end
for _, a in ipairs(redis.call('SMEMBERS', KEYS[2])) do tell(a) end
for _, a in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do tell(a) end
for _, a in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do tell(a) end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancel_told', '1')
return n
