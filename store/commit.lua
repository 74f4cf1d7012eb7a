-- Applies one update to one chat atomically.
-- KEYS: conv, profile, marker (one hash tag)
-- ARGV: version, conv JSON, conv TTL ms, marker TTL ms, result, update id, profile op ("keep", "del", "set"),
--       profile fields...
-- The conversation's field p names the update whose result is not yet delivered, so the next update of
-- the chat can deliver it if sending failed.
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 'applied'
end
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  return 'conflict'
end
redis.call('HSET', KEYS[1], 'v', v + 1, 's', ARGV[2], 'p', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4])
if ARGV[7] == 'del' then
  redis.call('DEL', KEYS[2])
elseif ARGV[7] == 'set' then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[2], unpack(ARGV, 8))
end
return 'ok'
