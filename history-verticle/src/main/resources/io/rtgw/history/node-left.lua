-- Ends the leases of every instance of one cluster node: appends skip and remove their routes from now.
--
-- KEYS[1] the node's set of instances; ARGV[1] the lease keys' prefix
-- Returns how many leases ended.

local ended = 0
for _, instance in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  ended = ended + redis.call('DEL', ARGV[1] .. instance)
end
redis.call('DEL', KEYS[1])
return ended
