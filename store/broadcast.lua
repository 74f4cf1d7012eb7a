-- Scripts of one broadcast job. Every key shares the job's hash tag {bc:<id>}.
-- job: hash def (JSON flows.Broadcast), state, total, chunks, b_part, b_rank (where the build is),
-- feed_c, feed_p (the next recipient to queue: chunk and position), sent, failed, blocked, not_found,
-- skipped, started, finished (unix ms), summary (the final summary's claim).
-- r:<c>: list, chunk c of the recipients (≤ 1,000 ids). q: the job's stream of the bulk lane.
-- The first ARGV names the operation.

local op = ARGV[1]
local job = KEYS[1]

local function hget(f) return redis.call('HGET', job, f) end
local function num(f) return tonumber(hget(f) or '0') end

local function settled()
  return num('sent') + num('failed') + num('blocked') + num('not_found') + num('skipped')
end

-- finish marks a job whose every recipient has an outcome done.
local function finish(now)
  if settled() >= num('total') then
    redis.call('HSET', job, 'state', 'done', 'finished', now)
  end
end

if op == 'create' then
  -- ARGV: def, state, now. An existing job is left as it is (the same update confirmed again).
  if redis.call('EXISTS', job) == 1 then return 0 end
  redis.call('HSET', job, 'def', ARGV[2], 'state', ARGV[3], 'created', ARGV[4], 'total', 0, 'chunks', 0,
    'b_part', 0, 'b_rank', 0, 'feed_c', 0, 'feed_p', 0)
  return 1

elseif op == 'start' then
  -- A scheduled job whose time came: build its recipient list. ARGV: now.
  if hget('state') ~= 'scheduled' then return 0 end
  redis.call('HSET', job, 'state', 'building')
  return 1

elseif op == 'build' then
  -- One batch of the recipient list, written as chunk KEYS[2], and the build's cursor moved on, only if
  -- the cursor is where the caller read the batch from (another builder may have written it).
  -- ARGV: part, rank, chunk, next part, next rank, ids...
  if hget('state') ~= 'building' then return -1 end
  if hget('b_part') ~= ARGV[2] or hget('b_rank') ~= ARGV[3] or hget('chunks') ~= ARGV[4] then return 0 end
  local n = #ARGV - 6
  if n > 0 then
    redis.call('RPUSH', KEYS[2], unpack(ARGV, 7))
    redis.call('HINCRBY', job, 'chunks', 1)
    redis.call('HINCRBY', job, 'total', n)
  end
  redis.call('HSET', job, 'b_part', ARGV[5], 'b_rank', ARGV[6])
  return 1

elseif op == 'built' then
  -- The list is fixed: start sending. ARGV: parts, now.
  if hget('state') ~= 'building' or hget('b_part') ~= ARGV[2] then return 0 end
  redis.call('HSET', job, 'state', 'sending', 'started', ARGV[3])
  if num('chunks') == 0 then redis.call('HSET', job, 'state', 'done', 'finished', ARGV[3]) end
  return 1

elseif op == 'feed' then
  -- Queue up to n recipients of chunk KEYS[3] into the stream KEYS[2], and move the cursor past them,
  -- in one step: a crash leaves both or neither. Nothing is queued while the stream holds max entries
  -- (backpressure). ARGV: chunk, max waiting, n, broadcast id, now.
  -- Returns the number queued; -1 when the job is not sending, -2 when the cursor is elsewhere.
  if hget('state') ~= 'sending' then return -1 end
  if hget('feed_c') ~= ARGV[2] then return -2 end
  local room = tonumber(ARGV[3]) - redis.call('XLEN', KEYS[2])
  if room <= 0 then return 0 end
  local c = tonumber(ARGV[2])
  local p = num('feed_p')
  local ids = redis.call('LRANGE', KEYS[3], p, p + math.min(room, tonumber(ARGV[4])) - 1)
  for _, id in ipairs(ids) do
    redis.call('XADD', KEYS[2], '*', 'k', 'bc', 'to', id, 'bc', ARGV[5])
  end
  p = p + #ids
  if p >= redis.call('LLEN', KEYS[3]) then
    redis.call('DEL', KEYS[3])
    c = c + 1
    p = 0
    if c >= num('chunks') then
      redis.call('HSET', job, 'state', 'fed')
      redis.call('HSET', job, 'feed_c', c, 'feed_p', p)
      finish(ARGV[6])
      return #ids
    end
  end
  redis.call('HSET', job, 'feed_c', c, 'feed_p', p)
  if #ids == 0 then return -2 end -- moved to the next chunk: call again
  return #ids

elseif op == 'done' then
  -- One entry's outcome, counted once: the entry is deleted from the stream here, so a second Done of
  -- the same entry (a crash before its acknowledgement) finds nothing and counts nothing.
  -- ARGV: entry id, outcome field, now.
  if redis.call('XDEL', KEYS[2], ARGV[2]) == 0 then return 0 end
  redis.call('HINCRBY', job, ARGV[3], 1)
  if hget('state') == 'fed' then finish(ARGV[4]) end
  return 1

elseif op == 'stop' then
  -- ARGV: now.
  local st = hget('state')
  if st == false or st == 'done' or st == 'stopped' then return 0 end
  redis.call('HSET', job, 'state', 'stopped', 'finished', ARGV[2])
  return 1

elseif op == 'summary' then
  -- Claims the final summary of a job that is over: once, whichever replica asks first.
  local st = hget('state')
  if st ~= 'done' and st ~= 'stopped' then return 0 end
  return redis.call('HSETNX', job, 'summary', '1')
end
return redis.error_reply('unknown op ' .. tostring(op))
