-- Claims one reminder for the next chunk of the alumni it is for, and queues each claimed one in
-- the bulk lane, in one step: a (reminder, alumnus) claimed is queued, and never twice. All keys
-- share the hash tag of the meetup ({mt:<id>}) or of the series ({ws:<id>}).
-- KEYS: 1 the members (a meetup's confirmed alumni, a series' subscribers), 2 those who turned this
-- meetup's or series' reminders off, 3 progress hash (<at>:cur SSCAN cursor, <at>:done), 4 the
-- claims of this reminder (hash alumnus -> "q", then the outcome), 5 the bulk stream.
-- ARGV: 1 at (unix s, the reminder's id), 2 chunk, 3 kind ("rm"/"ws"), 4 the field naming the event
-- ("m"/"s"), 5 the event's id, 6 lifetime of the claims (s).
-- Returns {queued, done (0/1)}.
local at = ARGV[1]
if redis.call('HGET', KEYS[3], at .. ':done') then return {0, 1} end
local cur = redis.call('HGET', KEYS[3], at .. ':cur') or '0'
local res = redis.call('SSCAN', KEYS[1], cur, 'COUNT', tonumber(ARGV[2]))
local n = 0
for _, a in ipairs(res[2]) do
  if redis.call('SISMEMBER', KEYS[2], a) == 0 and redis.call('HSETNX', KEYS[4], a, 'q') == 1 then
    redis.call('XADD', KEYS[5], '*', 'k', ARGV[3], 'to', a, ARGV[4], ARGV[5], 'at', at)
    n = n + 1
  end
end
redis.call('EXPIRE', KEYS[4], tonumber(ARGV[6]))
if res[1] == '0' then
  redis.call('HSET', KEYS[3], at .. ':done', '1')
  redis.call('HDEL', KEYS[3], at .. ':cur')
  return {n, 1}
end
redis.call('HSET', KEYS[3], at .. ':cur', res[1])
return {n, 0}
