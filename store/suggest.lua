-- A /masukan suggestion. KEYS: 1 the stream of one month and province, 2 the operation record of
-- this call, 3 ops: the stream's zset of operation records by expiry (unix ms), so erasing an alumnus
-- finds the records that name them without a SCAN (all under the hash tag {sg:<month>:<province>}).
-- ARGV: alumnus, regency, text, at (unix s), the operation record's lifetime in ms (0: none).
-- The same operation again (a redelivered update) adds nothing.
local opttl = tonumber(ARGV[5])
if opttl > 0 and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('XADD', KEYS[1], '*', 'a', ARGV[1], 'r', ARGV[2], 't', ARGV[3], 'at', ARGV[4])
if opttl > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', opttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  redis.call('ZADD', KEYS[3], now + opttl, KEYS[2])
  redis.call('PEXPIRE', KEYS[3], opttl)
end
return 1
