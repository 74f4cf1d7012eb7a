-- Feedback after a meetup. All keys share the meetup's hash tag {mt:<id>}.
-- KEYS: 1 checkins (alumnus -> unix s, rsvp.lua's), 2 info (status), 3 fb:asked (set of alumni asked),
-- 4 fb:q (the meetup's stream of the bulk lane), 5 fb:ratings (alumnus -> "<rating>:<unix s>"),
-- 6 fb:counts (hash "1".."5" -> count), 7 fb:comments (alumnus -> JSON {t, at}), 8 the operation
-- record of this call (see rsvp.lua), 9 ops: the meetup's zset of operation records by expiry (unix
-- ms), shared with rsvp.lua, so erasing an alumnus finds the records that name them without a SCAN.
-- ARGV: the op and its arguments, then always last the operation record's lifetime in ms (0: none).

local meetup = string.match(KEYS[3], '{mt:(.-)}')
local op = ARGV[1]
local opttl = tonumber(ARGV[#ARGV])
if opttl > 0 then
  local done = redis.call('GET', KEYS[8])
  if done then return cjson.decode(done) end
end

local function run()
  if op == 'ask' then
    -- ARGV: op, cursor, count. Claims the alumni who checked in and were not asked yet, in one page
    -- of HSCAN over the check-ins from cursor (about count of them), and queues a question for each
    -- (bulk entry k=fb, to, m) in the same step: each is asked once, whoever runs it and however
    -- often. Returns {queued, next cursor ('0' at the end)}. A cancelled meetup asks nobody.
    if redis.call('HGET', KEYS[2], 'status') == 'cancelled' then return {0, '0'} end
    -- Everyone who came asked already (the asked are a subset of the checked in): nothing to look at.
    if redis.call('SCARD', KEYS[3]) >= redis.call('HLEN', KEYS[1]) then return {0, '0'} end
    local page = redis.call('HSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
    local queued = 0
    for i = 1, #page[2], 2 do
      local a = page[2][i]
      if redis.call('SADD', KEYS[3], a) == 1 then
        redis.call('XADD', KEYS[4], '*', 'k', 'fb', 'to', a, 'm', meetup)
        queued = queued + 1
      end
    end
    return {queued, page[1]}
  elseif op == 'rate' then
    -- ARGV: op, alumnus, rating, now. Returns {status, rating kept}.
    local a, r = ARGV[2], tonumber(ARGV[3])
    if not r or r < 1 or r > 5 or r ~= math.floor(r) then return {'bad', 0} end
    if redis.call('HEXISTS', KEYS[1], a) == 0 then return {'not_attended', 0} end
    local cur = redis.call('HGET', KEYS[5], a)
    if cur then return {'already', tonumber(string.match(cur, '^(%d)'))} end
    redis.call('HSET', KEYS[5], a, r .. ':' .. ARGV[4])
    redis.call('HINCRBY', KEYS[6], tostring(r), 1)
    return {'ok', r}
  elseif op == 'erase' then
    -- ARGV: op, alumnus. Takes away the alumnus's feedback at this meetup (personal data erasure):
    -- asked mark, rating, comment, a question still queued. The counts stay (aggregates).
    local a = ARGV[2]
    redis.call('SREM', KEYS[3], a)
    redis.call('HDEL', KEYS[5], a)
    redis.call('HDEL', KEYS[7], a)
    for _, e in ipairs(redis.call('XRANGE', KEYS[4], '-', '+')) do
      local f = e[2]
      for i = 1, #f, 2 do
        if f[i] == 'to' and f[i + 1] == a then redis.call('XDEL', KEYS[4], e[1]) end
      end
    end
    local mine = ':op:' .. a .. ':'
    for _, k in ipairs(redis.call('ZRANGE', KEYS[9], 0, -1)) do
      if string.find(k, mine, 1, true) then
        redis.call('DEL', k)
        redis.call('ZREM', KEYS[9], k)
      end
    end
    return {'ok'}
  elseif op == 'comment' then
    -- ARGV: op, alumnus, text, now. Only with a rating: {'ok'} or {'no_rating'}.
    local a = ARGV[2]
    if redis.call('HEXISTS', KEYS[5], a) == 0 then return {'no_rating'} end
    redis.call('HSET', KEYS[7], a, cjson.encode({t = ARGV[3], at = tonumber(ARGV[4])}))
    return {'ok'}
  end
  return redis.error_reply('unknown op ' .. tostring(op))
end

local res = run()
if opttl > 0 and op ~= 'ask' and op ~= 'erase' and type(res) == 'table' and not res.err then
  redis.call('SET', KEYS[8], cjson.encode(res), 'PX', opttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', now)
  redis.call('ZADD', KEYS[9], now + opttl, KEYS[8])
  redis.call('PEXPIRE', KEYS[9], opttl)
end
return res
