-- Success stories: every key under the hash tag {stories} (store/story.go).
-- KEYS[1] the story's hash, KEYS[2] pending zset, KEYS[3] approved zset, KEYS[4] the author's index,
-- KEYS[5] the stories' outbound stream, KEYS[6] the operation's record.
local op = ARGV[1]

if op == 'submit' then
  -- ARGV: op, id, author, modChat, now, opTTL (ms, 0: no record), then field/value pairs.
  if ARGV[6] ~= '0' then
    local done = redis.call('GET', KEYS[6])
    if done then return {'ok', done} end
  end
  if redis.call('EXISTS', KEYS[1]) == 1 then return {'taken', ''} end
  local fields = {}
  for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
  redis.call('SADD', KEYS[4], ARGV[2])
  if ARGV[4] ~= '0' then
    redis.call('XADD', KEYS[5], '*', 'k', 'mod', 'to', ARGV[4], 'id', ARGV[2])
  end
  if ARGV[6] ~= '0' then
    redis.call('SET', KEYS[6], ARGV[2], 'PX', ARGV[6])
  end
  return {'ok', ARGV[2]}
end

if op == 'decide' then
  -- ARGV: op, id, status (approved|rejected), by, byName, reason, now.
  local cur = redis.call('HMGET', KEYS[1], 's', 'd', 'dn', 'a')
  if not cur[1] then return {'gone', '', '', ''} end
  if cur[1] ~= 'pending' then return {'decided', cur[1], cur[2] or '', cur[3] or ''} end
  redis.call('HSET', KEYS[1], 's', ARGV[3], 'd', ARGV[4], 'dn', ARGV[5], 'why', ARGV[6], 'dt', ARGV[7])
  redis.call('HDEL', KEYS[1], 'rj')
  redis.call('ZREM', KEYS[2], ARGV[2])
  if ARGV[3] == 'approved' then redis.call('ZADD', KEYS[3], ARGV[7], ARGV[2]) end
  redis.call('XADD', KEYS[5], '*', 'k', 'told', 'to', cur[4], 'id', ARGV[2])
  -- The story's message in the moderation chat shows the outcome, whoever decided where.
  local shown = redis.call('HMGET', KEYS[1], 'mc', 'mm')
  if shown[1] and shown[2] then
    redis.call('XADD', KEYS[5], '*', 'k', 'rekey', 'to', shown[1], 'id', ARGV[2], 'm', shown[2])
  end
  return {'ok', ARGV[3], ARGV[4], ARGV[5]}
end

if op == 'rejecting' then
  -- ARGV: op, by (0 clears).
  local s = redis.call('HGET', KEYS[1], 's')
  if s ~= 'pending' then return 0 end
  if ARGV[2] == '0' then redis.call('HDEL', KEYS[1], 'rj') else redis.call('HSET', KEYS[1], 'rj', ARGV[2]) end
  return 1
end

return redis.error_reply('story.lua: unknown op ' .. tostring(op))
