-- RSVP scripts of one meetup. All keys share the meetup's hash tag.
-- KEYS: 1 info, 2 going, 3 offers, 4 waitlist, 5 seq, 6 tickets, 7 codes, 8 stats, 9 q, 10 checkins
-- info: hash capacity, status, end (unix s). going: set of confirmed alumni. offers: zset alumnus ->
-- offer expiry (unix s), each holding a seat. waitlist: zset alumnus -> arrival number. tickets: hash
-- alumnus -> code. codes: hash code -> alumnus. stats: hash of counters (cancelled, expired, ...).
-- q: the meetup's stream of the outbound queue; offers and expiries are added to it (encoding v1 of
-- flows/notices.go: v, kind, alumnus, meetup, until) in the same script as the change they report, so
-- none is lost. Only a published meetup hands out or passes on seats.

local meetup = string.match(KEYS[9], '{mt:(.-)}')

local function notify(kind, a, untl)
  if untl then
    redis.call('XADD', KEYS[9], '*', 'v', '1', 'kind', kind, 'alumnus', a, 'meetup', meetup, 'until', untl)
  else
    redis.call('XADD', KEYS[9], '*', 'v', '1', 'kind', kind, 'alumnus', a, 'meetup', meetup)
  end
end

local function published()
  return redis.call('HGET', KEYS[1], 'status') == 'published'
end

local function state(a)
  if redis.call('SISMEMBER', KEYS[2], a) == 1 then
    return {'confirmed', redis.call('HGET', KEYS[6], a)}
  end
  local exp = redis.call('ZSCORE', KEYS[3], a)
  if exp then
    return {'offered', exp}
  end
  local r = redis.call('ZRANK', KEYS[4], a)
  if r then
    return {'waitlisted', tostring(r + 1)}
  end
  return nil
end

-- offer gives free seats to the first waitlisted alumni; returns their ids. A meetup that is not
-- published (cancelled, or back to draft) gives nothing.
local function offer(expiry)
  if not published() then return {} end
  local info = redis.call('HMGET', KEYS[1], 'capacity')
  local free = tonumber(info[1] or '0') - redis.call('SCARD', KEYS[2]) - redis.call('ZCARD', KEYS[3])
  local offered = {}
  while free > 0 do
    local first = redis.call('ZPOPMIN', KEYS[4])
    if #first == 0 then break end
    redis.call('ZADD', KEYS[3], expiry, first[1])
    notify('offer', first[1], expiry)
    offered[#offered + 1] = first[1]
    free = free - 1
  end
  return offered
end

local op = ARGV[1]
local a = ARGV[2]

if op == 'reserve' then
  -- ARGV: op, alumnus, code, now
  local s = state(a)
  if s then return s end
  local info = redis.call('HMGET', KEYS[1], 'capacity', 'status', 'end')
  if not info[1] then return {'unknown'} end
  if info[2] ~= 'published' or tonumber(info[3]) <= tonumber(ARGV[4]) then return {'closed'} end
  local taken = redis.call('SCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3])
  if taken < tonumber(info[1]) and redis.call('ZCARD', KEYS[4]) == 0 then
    if redis.call('HSETNX', KEYS[7], ARGV[3], a) == 0 then return {'code_taken'} end
    redis.call('SADD', KEYS[2], a)
    redis.call('HSET', KEYS[6], a, ARGV[3])
    redis.call('HINCRBY', KEYS[8], 'reserved', 1)
    return {'confirmed', ARGV[3]}
  end
  local seq = redis.call('INCR', KEYS[5])
  redis.call('ZADD', KEYS[4], seq, a)
  redis.call('HINCRBY', KEYS[8], 'waitlisted', 1)
  return {'waitlisted', tostring(redis.call('ZRANK', KEYS[4], a) + 1)}

elseif op == 'cancel' then
  -- ARGV: op, alumnus, offer expiry for a promoted alumnus
  local was
  if redis.call('SREM', KEYS[2], a) == 1 then
    was = 'confirmed'
    local code = redis.call('HGET', KEYS[6], a)
    redis.call('HDEL', KEYS[6], a)
    if code then redis.call('HDEL', KEYS[7], code) end
  elseif redis.call('ZREM', KEYS[3], a) == 1 then
    was = 'offered'
  elseif redis.call('ZREM', KEYS[4], a) == 1 then
    was = 'waitlisted'
  else
    return {'none'}
  end
  redis.call('HINCRBY', KEYS[8], 'cancelled', 1)
  local res = {was}
  for _, o in ipairs(offer(ARGV[3])) do res[#res + 1] = o end
  return res

elseif op == 'claim' then
  -- ARGV: op, alumnus, code, now. An offer of a meetup that is not published any more (a cancelled
  -- one's offers are withdrawn, but an old or forged button may still come) gives no seat.
  if not published() then
    if redis.call('EXISTS', KEYS[1]) == 0 then return {'unknown'} end
    return {'closed'}
  end
  local exp = redis.call('ZSCORE', KEYS[3], a)
  if not exp then
    local s = state(a)
    if s then return s end
    return {'none'}
  end
  if tonumber(exp) <= tonumber(ARGV[4]) then return {'expired'} end
  if redis.call('HSETNX', KEYS[7], ARGV[3], a) == 0 then return {'code_taken'} end
  redis.call('ZREM', KEYS[3], a)
  redis.call('SADD', KEYS[2], a)
  redis.call('HSET', KEYS[6], a, ARGV[3])
  redis.call('HINCRBY', KEYS[8], 'claimed', 1)
  return {'confirmed', ARGV[3]}

elseif op == 'expire' then
  -- ARGV: op, -, now, offer expiry for newly promoted alumni. Returns {expired..., '|', offered...}.
  local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[3])
  for _, g in ipairs(gone) do
    redis.call('ZREM', KEYS[3], g)
    notify('expired', g)
  end
  if #gone > 0 then redis.call('HINCRBY', KEYS[8], 'expired', #gone) end
  local res = {}
  for _, g in ipairs(gone) do res[#res + 1] = g end
  res[#res + 1] = '|'
  for _, o in ipairs(offer(ARGV[4])) do res[#res + 1] = o end
  return res

elseif op == 'checkin' then
  -- ARGV: op, alumnus ('-' to find them by code), code, now. Returns {status, alumnus, time}.
  local who = redis.call('HGET', KEYS[7], ARGV[3])
  if not who or (a ~= '-' and who ~= a) then return {'unknown'} end
  if redis.call('SISMEMBER', KEYS[2], who) == 0 then return {'unknown'} end
  if redis.call('HSETNX', KEYS[10], who, ARGV[4]) == 0 then
    return {'already', who, redis.call('HGET', KEYS[10], who)}
  end
  redis.call('HINCRBY', KEYS[8], 'checkins', 1)
  return {'ok', who, ARGV[4]}

elseif op == 'state' then
  return state(a) or {'none'}

elseif op == 'count' then
  local info = redis.call('HMGET', KEYS[1], 'capacity')
  return {tonumber(info[1] or '0'), redis.call('SCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[4])}
end
return redis.error_reply('unknown op ' .. tostring(op))
