-- A /masukan suggestion. KEYS: 1 the stream of one month and province, 2 the operation record of
-- this call (both under the hash tag {sg:<month>:<province>}).
-- ARGV: alumnus, regency, text, at (unix s), the operation record's lifetime in ms (0: none).
-- The same operation again (a redelivered update) adds nothing.
local opttl = tonumber(ARGV[5])
if opttl > 0 and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('XADD', KEYS[1], '*', 'a', ARGV[1], 'r', ARGV[2], 't', ARGV[3], 'at', ARGV[4])
if opttl > 0 then redis.call('SET', KEYS[2], '1', 'PX', opttl) end
return 1
