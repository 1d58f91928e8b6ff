-- Which channels were appended to after a cursor: the connection nodes' position check, one call per node
-- per check whatever the number of channels it holds.
--
-- KEYS[1] the changes feed (see append.lua)
-- ARGV[1] the cursor: the id of the last entry the node read, '' for none; ARGV[2] the most entries to
-- return; ARGV[3] the feed's TTL ms
-- Returns {complete (0 or 1), cursor, more (0 or 1), channel, epoch, offset, channel, epoch, offset...}.
-- The feed is trimmed from its head, so while the cursor's own entry is still there nothing after it was
-- dropped; when it is gone (trimmed past, expired, Redis lost it) the answer is incomplete with a fresh
-- cursor, and the node checks all its channels.

local changes = KEYS[1]

-- the newest entry's id; an empty feed gets an entry of no channel to anchor the next cursor on
local function anchor()
  local newest = redis.call('XREVRANGE', changes, '+', '-', 'COUNT', 1)[1]
  if newest then
    return newest[1]
  end
  local id = redis.call('XADD', changes, '*', 'c', '')
  redis.call('PEXPIRE', changes, ARGV[3])
  return id
end

-- no cursor, or one this feed cannot have handed out (another store's, before a switch to Redis)
if not string.match(ARGV[1], '^%d+%-%d+$') then
  return {0, anchor(), 0}
end

local limit = tonumber(ARGV[2])
-- the range starts at the cursor itself (inclusive, which Redis 5 supports) to see that it still exists
local entries = redis.call('XRANGE', changes, ARGV[1], '+', 'COUNT', limit + 1)
if not entries[1] or entries[1][1] ~= ARGV[1] then
  return {0, anchor(), 0}
end

local out = {1, ARGV[1], 0}
for i = 2, #entries do
  local fields = entries[i][2]
  out[2] = entries[i][1]
  if fields[2] ~= '' then
    out[#out + 1] = fields[2]
    out[#out + 1] = fields[4]
    out[#out + 1] = fields[6]
  end
end
if #entries == limit + 1 then
  out[3] = 1
end
return out
