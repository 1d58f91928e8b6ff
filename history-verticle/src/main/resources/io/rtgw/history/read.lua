-- Reads one channel: its position and the messages after a given one, dropping what aged out first.
-- A script because it may write (a new epoch, the age trim) and must see epoch, top and log at once.
--
-- KEYS[1] meta, KEYS[2] log (see append.lua)
-- ARGV[1] the epoch to start if the channel has none, ARGV[2] now ms, ARGV[3] history age ms,
-- ARGV[4] the meta's TTL ms, ARGV[5] '1' when a position follows, ARGV[6] its epoch, ARGV[7] its offset,
-- ARGV[8] limit (negative: no limit)
-- Returns {epoch, top, recovered (0 or 1), message JSON...}: with a position the messages after it,
-- oldest first (or from the oldest retained when it cannot be continued); without, the newest.

local meta, log = KEYS[1], KEYS[2]

local epoch = redis.call('HGET', meta, 'epoch')
local top = 0
if not epoch then
  -- an untouched (or lost) channel gets its epoch on first sight, as the memory store does, so that
  -- positions handed out now stay valid for the appends that follow
  epoch = ARGV[1]
  redis.call('DEL', log)
  redis.call('HSET', meta, 'epoch', epoch, 'top', 0)
else
  top = tonumber(redis.call('HGET', meta, 'top'))
end
-- a channel someone reads (a connection node checks its subscribed channels) keeps its epoch
redis.call('PEXPIRE', meta, ARGV[4])

-- the log's TTL ends it age after the last append; messages older than age while newer ones keep it
-- alive are dropped here, from the head, where the oldest are
local cutoff = tonumber(ARGV[2]) - tonumber(ARGV[3])
local first = top + 1
while true do
  local head = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)[1]
  if not head then
    break
  end
  if tonumber(head[2][2]) >= cutoff then
    first = tonumber(string.match(head[1], '^%d+'))
    break
  end
  redis.call('XDEL', log, head[1])
end

local limit = tonumber(ARGV[8])
local recovered = 1
local entries = {}
if ARGV[5] == '1' then
  local since = tonumber(ARGV[7])
  local continues = ARGV[6] == epoch and since <= top and since + 1 >= first
  if not continues then
    recovered = 0
    since = 0
  end
  if limit < 0 then
    entries = redis.call('XRANGE', log, string.format('%d-0', since + 1), '+')
  elseif limit > 0 then
    entries = redis.call('XRANGE', log, string.format('%d-0', since + 1), '+', 'COUNT', limit)
  end
elseif limit < 0 then
  entries = redis.call('XRANGE', log, '-', '+')
elseif limit > 0 then
  local newest = redis.call('XREVRANGE', log, '+', '-', 'COUNT', limit)
  for i = #newest, 1, -1 do
    entries[#entries + 1] = newest[i]
  end
end

local out = {epoch, top, recovered}
for i = 1, #entries do
  -- fields are {'t', ts, 'm', json}
  out[#out + 1] = entries[i][2][4]
end
return out
