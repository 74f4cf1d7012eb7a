-- Survey answers of one broadcast. All keys share the survey's hash tag {sv:<broadcast>}.
-- KEYS: 1 def (JSON flows.Survey), 2 ans (hash alumnus -> "<option>|<province>|<regency>"),
-- 3 counts (hash "o:<option>", "p:<province>:<option>", "r:<regency>:<option>" -> count),
-- 4 closed (string, set once the survey takes no more answers), 5 the operation record of this call,
-- 6 ops (zset of the survey's operation records by expiry, unix ms, so an erasure finds them).
-- ARGV: alumnus, option (from 0), province, regency, the operation record's lifetime in ms (0: none).
-- Returns {status, previous option}: status new, changed, same, closed, unknown or nooption.
-- An answer is counted where the alumnus lived when they gave it; a changed answer takes its counts
-- away from where the old one was counted, so the counts always sum to the answers kept.

local opttl = tonumber(ARGV[5])
if opttl > 0 then
  local done = redis.call('GET', KEYS[5])
  if done then return cjson.decode(done) end
end

local function count(option, province, regency, by)
  local fields = {'o:' .. option}
  if province ~= '' then fields[#fields + 1] = 'p:' .. province .. ':' .. option end
  if regency ~= '' then fields[#fields + 1] = 'r:' .. regency .. ':' .. option end
  for _, f in ipairs(fields) do
    if redis.call('HINCRBY', KEYS[3], f, by) <= 0 then redis.call('HDEL', KEYS[3], f) end
  end
end

local function run()
  local def = redis.call('GET', KEYS[1])
  if not def then return {'unknown', '-1'} end
  if redis.call('EXISTS', KEYS[4]) == 1 then return {'closed', '-1'} end
  local option = tonumber(ARGV[2])
  local ok, sv = pcall(cjson.decode, def)
  if not ok or type(sv.o) ~= 'table' or option == nil or option < 0 or option >= #sv.o then
    return {'nooption', '-1'}
  end
  local alumnus, province, regency = ARGV[1], ARGV[3], ARGV[4]
  local old = redis.call('HGET', KEYS[2], alumnus)
  local status, previous = 'new', '-1'
  if old then
    local o, p, r = string.match(old, '^(%d+)|([^|]*)|(.*)$')
    if tonumber(o) == option then return {'same', o} end
    count(o, p, r, -1)
    status, previous = 'changed', o
  end
  redis.call('HSET', KEYS[2], alumnus, option .. '|' .. province .. '|' .. regency)
  count(tostring(option), province, regency, 1)
  return {status, previous}
end

local res = run()
if opttl > 0 then
  redis.call('SET', KEYS[5], cjson.encode(res), 'PX', opttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now)
  redis.call('ZADD', KEYS[6], now + opttl, KEYS[5])
  redis.call('PEXPIRE', KEYS[6], opttl)
end
return res
