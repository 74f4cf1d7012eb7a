-- Applies one update to one chat atomically.
-- KEYS: conv, profile (one hash tag)
-- ARGV: 1 version, 2 conv JSON, 3 conv TTL ms, 4 update id, 5 result, 6 now (unix ms),
--       7 claim until (unix ms), 8 how many applied ids to remember, 9 carried ids (space-separated,
--       may be empty), 10 profile op ("keep", "del", "set"), 11... profile fields
-- The conversation hash holds, besides v (version) and s (state):
--   a        the ids of the chat's last applied updates, newest first, space-separated. An update whose
--            id is in it was applied: membership, not order (Telegram may pick ids at random).
--   r:<id>   "<claim until, unix ms> <JSON result>": the replies of an applied update not yet known
--            sent, claimed for sending until that time by the replica that committed (or claimed) it,
--            which renews the claim while it is still sending (sessions.go renewScript).
--            It goes when its id leaves a, so it lives as long as the applied record.
--   s:<id>   how many of those replies went out already (written between the replies of an update
--            that has several), so a replay after a crash sends only the rest; goes with r:<id>.
-- Carried ids are earlier updates whose unsent replies this update's result carries: their records go
-- with this commit, provided their claims are still run out (else another replica claimed them since
-- they were read: 'conflict', and the engine reads again).
local conv = KEYS[1]
local id = ARGV[4]
local applied = redis.call('HGET', conv, 'a') or ''
if string.find(' ' .. applied .. ' ', ' ' .. id .. ' ', 1, true) then
  return 'applied'
end
local v = tonumber(redis.call('HGET', conv, 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  return 'conflict'
end
local now = tonumber(ARGV[6])
for carried in string.gmatch(ARGV[9], '%S+') do
  local r = redis.call('HGET', conv, 'r:' .. carried)
  if not r or tonumber(string.match(r, '^(-?%d+)')) > now then
    return 'conflict'
  end
end
for carried in string.gmatch(ARGV[9], '%S+') do
  redis.call('HDEL', conv, 'r:' .. carried, 's:' .. carried)
end
-- Remember this id first; the oldest beyond the limit are forgotten, with their unsent replies.
local keep = tonumber(ARGV[8])
local ids = {id}
for old in string.gmatch(applied, '%S+') do
  if #ids < keep then
    ids[#ids + 1] = old
  else
    redis.call('HDEL', conv, 'r:' .. old, 's:' .. old)
  end
end
redis.call('HSET', conv, 'v', v + 1, 's', ARGV[2], 'a', table.concat(ids, ' '))
if ARGV[5] ~= '' then
  redis.call('HSET', conv, 'r:' .. id, ARGV[7] .. ' ' .. ARGV[5])
end
redis.call('PEXPIRE', conv, ARGV[3])
if ARGV[10] == 'del' then
  redis.call('DEL', KEYS[2])
elseif ARGV[10] == 'set' then
  -- The profile is written anew, but the index of the alumnus's meetups (mt) is not the
  -- conversation's and stays.
  for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do
    if f ~= 'mt' then redis.call('HDEL', KEYS[2], f) end
  end
  redis.call('HSET', KEYS[2], unpack(ARGV, 11))
end
return 'ok'
