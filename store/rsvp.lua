-- RSVP scripts of one meetup. All keys share the meetup's hash tag.
-- KEYS: 1 info, 2 going, 3 offers, 4 waitlist, 5 seq, 6 tickets, 7 codes, 8 stats, 9 q, 10 checkins,
-- 11 the operation record of this call, 12 the meetup's JSON, 13 ops: zset of the meetup's operation
-- records by expiry (unix ms), so erasing an alumnus finds the records that name them without a SCAN.
-- ARGV: the op and its arguments, then always last the operation record's lifetime in ms (0: none).
-- An operation record keeps the first answer of a call that changed something: the same call again
-- (a redelivered update, a step retried after a conflict) returns it and changes nothing.
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
local opttl = tonumber(ARGV[#ARGV])
if opttl > 0 then
  local done = redis.call('GET', KEYS[11])
  if done then return cjson.decode(done) end
end

local function run()

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

elseif op == 'save' then
  -- ARGV: op, -, mode, JSON, sha1 of the JSON the caller read ('' for none), capacity, status,
  -- end (unix s), tell ('1': holders must hear of a new date, time or venue), file sum, now,
  -- offer expiry. Writes the meetup only if it is still what the caller read (compare-and-set), checking
  -- it against the seats taken; mode 'create' (must be new), 'edit' (must exist, not cancelled) or
  -- 'file' (EVENTS_FILE: new, or changed in the file since it was last applied).
  -- Returns {'saved', told, offered...}, {'unchanged'}, {'exists'}, {'gone'}, {'conflict'},
  -- {'below_taken', taken} or {'has_holders'}.
  local mode, js, seen = ARGV[3], ARGV[4], ARGV[5]
  local cur = redis.call('GET', KEYS[12])
  local info = redis.call('HMGET', KEYS[1], 'status', 'file_sum')
  if mode == 'create' then
    if cur then
      if cur == js then return {'saved', '0'} end
      return {'exists'}
    end
  elseif mode == 'file' and cur then
    if info[2] == ARGV[10] then return {'unchanged'} end
    if not info[2] then
      -- Applied by a version that kept no sum: what Redis holds is the file's or a later edit in the
      -- bot, which stands. Remember the file as applied.
      redis.call('HSET', KEYS[1], 'file_sum', ARGV[10])
      return {'unchanged'}
    end
  elseif mode == 'edit' and not cur then
    return {'gone'}
  end
  if cur then
    if redis.sha1hex(cur) ~= seen then return {'conflict'} end
    if info[1] == 'cancelled' then return {'gone'} end
    local holders = redis.call('SCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3])
    if tonumber(ARGV[6]) < holders then return {'below_taken', tostring(holders)} end
    if ARGV[7] == 'draft' and holders + redis.call('ZCARD', KEYS[4]) > 0 then return {'has_holders'} end
  end
  redis.call('SET', KEYS[12], js)
  redis.call('HSET', KEYS[1], 'capacity', ARGV[6], 'status', ARGV[7], 'end', ARGV[8])
  if mode == 'file' then redis.call('HSET', KEYS[1], 'file_sum', ARGV[10]) end
  local told = 0
  if ARGV[9] == '1' and info[1] == 'published' then
    local function tell(x) notify('changed', x); told = told + 1 end
    for _, x in ipairs(redis.call('SMEMBERS', KEYS[2])) do tell(x) end
    for _, x in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do tell(x) end
    for _, x in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do tell(x) end
  end
  local res = {'saved', tostring(told)}
  if ARGV[7] == 'published' and tonumber(ARGV[8]) > tonumber(ARGV[11]) then
    -- More seats than before: the waiting list moves on at once.
    for _, o in ipairs(offer(ARGV[12])) do res[#res + 1] = o end
  end
  return res

elseif op == 'cancel_meetup' then
  -- ARGV: op, -. Closes the meetup's RSVPs (status 'cancelled': no seat is handed out, claimed or
  -- passed on any more), withdraws offers and the waiting list, and tells everyone holding a seat, an
  -- offer or a waitlist place once; those holding a seat keep their record (reports count them).
  -- A meetup cancelled with its notices queued before answers {'already'}; one published again since
  -- is told again. Returns {'cancelled', told}, {'already'} or {'unknown'}.
  local info = redis.call('HMGET', KEYS[1], 'status', 'cancel_told')
  if not info[1] then return {'unknown'} end
  if info[1] == 'cancelled' and info[2] == '1' then return {'already'} end
  local n = 0
  local function tell(x) notify('cancelled', x); n = n + 1 end
  for _, x in ipairs(redis.call('SMEMBERS', KEYS[2])) do tell(x) end
  for _, x in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do tell(x) end
  for _, x in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do tell(x) end
  redis.call('DEL', KEYS[3], KEYS[4])
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancel_told', '1')
  return {'cancelled', tostring(n)}

elseif op == 'erase' then
  -- ARGV: op, alumnus, offer expiry for a promoted alumnus. Takes away everything of the alumnus's at
  -- this meetup (personal data erasure, UU 27/2022): their seat (passed on as a cancellation would),
  -- offer or waitlist place, ticket and code, check-in, queued notices, and the operation records that
  -- name them. The counters stay (aggregates). Run without an operation record of its own: erasing
  -- twice erases nothing the second time. Returns {was, offered...}.
  local was = 'none'
  if redis.call('SREM', KEYS[2], a) == 1 then
    was = 'confirmed'
  elseif redis.call('ZREM', KEYS[3], a) == 1 then
    was = 'offered'
  elseif redis.call('ZREM', KEYS[4], a) == 1 then
    was = 'waitlisted'
  end
  local code = redis.call('HGET', KEYS[6], a)
  if code then
    redis.call('HDEL', KEYS[6], a)
    if redis.call('HGET', KEYS[7], code) == a then redis.call('HDEL', KEYS[7], code) end
  end
  redis.call('HDEL', KEYS[10], a)
  for _, e in ipairs(redis.call('XRANGE', KEYS[9], '-', '+')) do
    local f = e[2]
    for i = 1, #f, 2 do
      if f[i] == 'alumnus' and f[i + 1] == a then redis.call('XDEL', KEYS[9], e[1]) end
    end
  end
  local mine, named = ':op:' .. a .. ':', '"' .. a .. '"'
  for _, k in ipairs(redis.call('ZRANGE', KEYS[13], 0, -1)) do
    local v = redis.call('GET', k)
    if string.find(k, mine, 1, true) or (v and string.find(v, named, 1, true)) then
      redis.call('DEL', k)
      redis.call('ZREM', KEYS[13], k)
    end
  end
  local res = {was}
  if was ~= 'none' then
    redis.call('HINCRBY', KEYS[8], 'erased', 1)
    if was ~= 'waitlisted' then
      for _, o in ipairs(offer(ARGV[3])) do res[#res + 1] = o end
    end
  end
  return res

elseif op == 'state' then
  return state(a) or {'none'}

elseif op == 'count' then
  local info = redis.call('HMGET', KEYS[1], 'capacity')
  return {tonumber(info[1] or '0'), redis.call('SCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[4])}
end
return redis.error_reply('unknown op ' .. tostring(op))
end

local res = run()
-- Read-only ops, a code collision (retried with another code) and a conflict (retried after a new
-- read) leave no record.
if opttl > 0 and type(res) == 'table' and not res.err and res[1] ~= 'code_taken' and res[1] ~= 'conflict' and op ~= 'state' and op ~= 'count' then
  redis.call('SET', KEYS[11], cjson.encode(res), 'PX', opttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[13], '-inf', now)
  redis.call('ZADD', KEYS[13], now + opttl, KEYS[11])
  redis.call('PEXPIRE', KEYS[13], opttl)
end
return res
