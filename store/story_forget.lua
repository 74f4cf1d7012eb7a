-- Forget an author's stories (data rights, store/story_forget.go). Every key under the hash tag {stories}.
-- KEYS[1] the author's index, KEYS[2] pending, KEYS[3] approved, KEYS[4] msgs, KEYS[5] the stream,
-- KEYS[6..] the author's stories (their ids in ARGV[2..], in the same order). ARGV[1] the author.
local author = ARGV[1]
local gone, anonymised = {}, 0
for i = 6, #KEYS do
  local id = ARGV[i - 4]
  local s = redis.call('HMGET', KEYS[i], 's', 'c', 'mm', 'a')
  if s[4] == author then
    if s[1] == 'approved' and s[2] ~= 'private' then
      -- Published, or to be: kept without who wrote it.
      redis.call('HSET', KEYS[i], 'a', '0', 'n', '', 'c', 'anon', 'r', '')
      redis.call('HDEL', KEYS[i], 'rj')
      anonymised = anonymised + 1
    else
      redis.call('DEL', KEYS[i])
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZREM', KEYS[3], id)
      if s[3] then redis.call('HDEL', KEYS[4], s[3]) end
      gone[id] = true
    end
  end
end
-- Messages queued for the author, or about a story now deleted, are dropped.
local dropped = 0
for _, e in ipairs(redis.call('XRANGE', KEYS[5], '-', '+')) do
  local f = {}
  for j = 1, #e[2], 2 do f[e[2][j]] = e[2][j + 1] end
  if f['to'] == author or gone[f['id']] then
    redis.call('XDEL', KEYS[5], e[1])
    dropped = dropped + 1
  end
end
redis.call('DEL', KEYS[1])
local n = 0
for _ in pairs(gone) do n = n + 1 end
return {n, anonymised, dropped}
