-- The live routes of one node-routed channel, as append.lua reads them: the instances whose lease exists;
-- routes of the others are removed.
--
-- KEYS[1] the channel's route set; ARGV[1] the lease keys' prefix
-- Returns the instance ids.

local live = {}
for _, instance in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. instance) == 1 then
    live[#live + 1] = instance
  else
    redis.call('SREM', KEYS[1], instance)
  end
end
return live
