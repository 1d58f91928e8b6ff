-- Refreshes (or starts) one connection instance's lease and lists the instance under its node, so that
-- a node that leaves the cluster can have all its leases ended at once (node-left.lua).
--
-- KEYS[1] the lease, KEYS[2] the node's set of instances
-- ARGV[1] the node id, ARGV[2] the lease's TTL ms, ARGV[3] the instance id
-- Returns 1 when the lease was still live, 0 when it had expired or never existed.

local live = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return live
