-- Applies one update to one chat atomically.
-- KEYS: conv, profile, marker, replay (one hash tag)
-- ARGV: version, conv JSON, conv TTL ms, marker TTL ms, result, replay TTL ms, profile op ("keep",
--       "del", "set"), profile fields...
-- The marker says the update was applied (long enough to outlive any redelivery); the replay key keeps
-- its result a short while, so a redelivery after a crash can say again what may not have been said.
-- The conversation's field p names an update whose replies could not be sent; this update's result
-- includes them, so p is cleared.
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 'applied'
end
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  return 'conflict'
end
redis.call('HSET', KEYS[1], 'v', v + 1, 's', ARGV[2])
redis.call('HDEL', KEYS[1], 'p')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[4])
redis.call('SET', KEYS[4], ARGV[5], 'PX', ARGV[6])
if ARGV[7] == 'del' then
  redis.call('DEL', KEYS[2])
elseif ARGV[7] == 'set' then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[2], unpack(ARGV, 8))
end
return 'ok'
