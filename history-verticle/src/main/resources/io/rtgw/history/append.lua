-- Appends one message to one channel. Redis runs a script alone, so the key check, the offset and the
-- write are one atomic step however many gateway instances append at once.
--
-- KEYS[1] meta: hash {epoch, top}; top is the latest offset
-- KEYS[2] log: stream, one entry per retained message, entry id "<offset>-0", fields t (ts) and m (JSON)
-- KEYS[3] the changes feed: stream, one entry per append, fields c (channel), e (epoch), o (offset), read
--         by the connection nodes' position checks (changes.lua); not a key of this channel's slot
-- KEYS[4] idempotency key, only when the publish has one: the first message's JSON
-- ARGV[1] the epoch to start if the channel has none (its state is new or was lost)
-- ARGV[2], ARGV[3] the message's JSON before and after its offset and epoch, which only this script knows
-- ARGV[4] ts, ARGV[5] history size, ARGV[6] history age ms (the log's TTL), ARGV[7] the meta's TTL ms,
-- ARGV[8] the idempotency window ms, ARGV[9] the channel, ARGV[10] how many changes the feed keeps
-- (about), ARGV[11] the feed's TTL ms
-- ARGV[12] the channel's routes (a sorted set: odd score held, even removed), only for a node-routed namespace; ARGV[13] the lease keys' prefix
-- Returns {0, epoch, offset} for a new message, {1, first message JSON} for a key seen within the window;
-- a node-routed channel's new message adds the instances with a live route after the offset.

local meta, log, changes, key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

if key then
  local first = redis.call('GET', key)
  if first then
    return {1, first}
  end
end

local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  -- no metadata: the channel is new or Redis lost it; a log left without it (eviction) belongs to a
  -- forgotten epoch and must not be continued
  epoch = ARGV[1]
  redis.call('DEL', log)
  redis.call('HSET', meta, 'epoch', epoch, 'top', 0)
end
local offset = redis.call('HINCRBY', meta, 'top', 1)

local message = ARGV[2] .. ',"offset":' .. string.format('%d', offset) .. ',"epoch":"' .. epoch .. '"' .. ARGV[3]
redis.call('XADD', log, 'MAXLEN', '=', ARGV[5], string.format('%d-0', offset), 't', ARGV[4], 'm', message)
redis.call('PEXPIRE', log, ARGV[6])
redis.call('PEXPIRE', meta, ARGV[7])
if key then
  redis.call('SET', key, message, 'NX', 'PX', ARGV[8])
end
-- in the same step as the offset, so a node that learns of the change can already read the message
redis.call('XADD', changes, 'MAXLEN', '~', ARGV[10], '*', 'c', ARGV[9], 'e', epoch, 'o', offset)
redis.call('PEXPIRE', changes, ARGV[11])
local result = {0, epoch, offset}

-- routes: read in the same step that sequenced the message, so a route stored before it gets the delivery
-- and one stored after finds the message in history; a route whose instance has no live lease is dropped
if ARGV[12] then
  -- an odd score is a held route, an even one a removed route kept so a late batch cannot bring it back
  local scored = redis.call('ZRANGE', ARGV[12], 0, -1, 'WITHSCORES')
  for i = 1, #scored, 2 do
    local instance = scored[i]
    if redis.call('EXISTS', ARGV[13] .. instance) == 0 then
      redis.call('ZREM', ARGV[12], instance)
    elseif tonumber(scored[i + 1]) % 2 == 1 then
      result[#result + 1] = instance
    end
  end
  redis.call('PEXPIRE', ARGV[12], ARGV[7])
end
return result
