-- The live routes of one node-routed channel, as append.lua reads them: the instances whose lease exists;
-- routes of the others are removed.
--
-- KEYS[1] the channel's routes (sorted set, odd score = held, even = removed); ARGV[1] the lease keys' prefix
-- Returns the instance ids.

local live = {}
local scored = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #scored, 2 do
  local instance = scored[i]
  if redis.call('EXISTS', ARGV[1] .. instance) == 0 then
    redis.call('ZREM', KEYS[1], instance)
  elseif tonumber(scored[i + 1]) % 2 == 1 then
    live[#live + 1] = instance
  end
end
return live
