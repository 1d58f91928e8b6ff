-- Every change to the presence registry, each call one atomic step: Redis runs a script alone, so
-- however many presence instances call at once, an entry is added or removed by exactly one call, and
-- its join or leave goes back to that caller only. A removal is claimed by the call that takes the
-- entry out of its holder's set (SPOP); another call finds it gone.
--
-- Entries live as long as their holder's lease (a holder is one connection instance: "<node>#<instance>",
-- or a plain node id from older nodes). A heartbeat renews one lease; a sweep looks only at the leases
-- that ran out. Neither walks the entries.
--
-- KEYS[1] entries  hash  entry id -> holder
-- KEYS[2] leases   zset  holder scored by its lease's expiry (epoch ms)
-- The script also uses, by name, <base>users:<channel> (hash user -> clients in the channel),
-- <base>node:<holder> (set of the holder's entry ids), <base>holders:<node> (set of a cluster node's
-- holders) and <base>partial (set of holders whose lease was started by a report, not a renewal: their
-- next renewal answers "not held", so they re-assert). They share the {presence} hash tag of KEYS, so
-- on a Redis Cluster every key the script touches sits on one slot.
--
-- An entry id is "<channel>\n<bytes in user>:<user><client>": a channel name holds no newline, and the
-- length keeps any user id apart from its client id.
--
-- ARGV[1] base (the prefix of every key), ARGV[2] operation:
--   apply    ARGV[3] holder, ARGV[4] lease expiry, ARGV[5] now, ARGV[6] how many leaves, then channel,
--            user, client of each entry: the leaves first, then the joins and refreshes (a refresh of an
--            unknown entry adds it)
--   renew    ARGV[3] holder, ARGV[4] lease expiry, ARGV[5] now; returns {1} if the lease was live and
--            whole, else {0}
--   expire   ARGV[3] now, ARGV[4] the most entries to remove
--   node     ARGV[3] node, ARGV[4] the most entries to remove
--   members  ARGV[3] channel
-- Returns {more, type, channel, user, client, type, ...}: more is 1 when expire or node may have more to
-- remove, and the events follow, four strings each. members returns {user, clients, user, clients, ...}.

local entries, leases = KEYS[1], KEYS[2]
local base, op = ARGV[1], ARGV[2]
local partial = base .. 'partial'
local out = {0}

local function users_key(channel)
  return base .. 'users:' .. channel
end

local function node_key(holder)
  return base .. 'node:' .. holder
end

local function holders_key(holder)
  local mark = string.find(holder, '#', 1, true)
  return base .. 'holders:' .. (mark and string.sub(holder, 1, mark - 1) or holder)
end

local function entry_id(channel, user, client)
  return channel .. '\n' .. #user .. ':' .. user .. client
end

local function parse(id)
  local nl = string.find(id, '\n', 1, true)
  local colon = string.find(id, ':', nl + 1, true)
  local length = tonumber(string.sub(id, nl + 1, colon - 1))
  return string.sub(id, 1, nl - 1), string.sub(id, colon + 1, colon + length), string.sub(id, colon + length + 1)
end

local function emit(type, channel, user, client)
  out[#out + 1] = type
  out[#out + 1] = channel
  out[#out + 1] = user
  out[#out + 1] = client
end

-- Whether the holder's lease is there and has not run out at now.
local function live(holder, now)
  local expires = redis.call('ZSCORE', leases, holder)
  return expires and tonumber(expires) > now
end

local function lease(holder, expires)
  redis.call('ZADD', leases, expires, holder)
  redis.call('SADD', holders_key(holder), holder)
end

-- Takes an entry out if it is there; its user leaves the channel with its last client.
local function remove(id)
  local holder = redis.call('HGET', entries, id)
  if not holder then
    return
  end
  redis.call('HDEL', entries, id)
  redis.call('SREM', node_key(holder), id)
  local channel, user, client = parse(id)
  local users = users_key(channel)
  if redis.call('HINCRBY', users, user, -1) <= 0 then
    redis.call('HDEL', users, user)
    emit('leave', channel, user, client)
  end
end

-- Removes up to limit of a holder's entries (a client that moved to another holder since stays); once
-- it holds none, its lease goes too. Returns whether entries are left.
local function drain(holder, limit)
  for _, id in ipairs(redis.call('SPOP', node_key(holder), limit)) do
    if redis.call('HGET', entries, id) == holder then
      remove(id)
    end
  end
  if redis.call('EXISTS', node_key(holder)) == 1 then
    return true
  end
  redis.call('ZREM', leases, holder)
  redis.call('SREM', partial, holder)
  redis.call('SREM', holders_key(holder), holder)
  return false
end

-- Adds an entry; a client that reports from another holder now belongs to that one (a poll client may
-- poll anywhere). Its user joins the channel with its first client. A known entry costs one HGET.
local function put(channel, user, client, holder)
  local id = entry_id(channel, user, client)
  local owner = redis.call('HGET', entries, id)
  if owner ~= holder then
    redis.call('HSET', entries, id, holder)
    redis.call('SADD', node_key(holder), id)
    if owner then
      redis.call('SREM', node_key(owner), id)
    elseif redis.call('HINCRBY', users_key(channel), user, 1) == 1 then
      emit('join', channel, user, client)
    end
  end
end

if op == 'apply' then
  local holder, expires, now, leaves = ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
  if #ARGV - 6 > 3 * leaves then
    -- a holder without a live lease may have lost entries to a sweep: its next renewal says so
    if not live(holder, now) then
      redis.call('SADD', partial, holder)
    end
    lease(holder, expires)
  end
  local n = 0
  for i = 7, #ARGV - 2, 3 do
    if n < leaves then
      remove(entry_id(ARGV[i], ARGV[i + 1], ARGV[i + 2]))
    else
      put(ARGV[i], ARGV[i + 1], ARGV[i + 2], holder)
    end
    n = n + 1
  end
elseif op == 'renew' then
  local holder, expires, now = ARGV[3], ARGV[4], tonumber(ARGV[5])
  local was_partial = redis.call('SREM', partial, holder) == 1
  local held = live(holder, now) and not was_partial
  lease(holder, expires)
  return {held and 1 or 0}
elseif op == 'expire' then
  -- one lease that ran out per call; the caller calls again while more is 1
  local due = redis.call('ZRANGEBYSCORE', leases, '-inf', ARGV[3], 'LIMIT', 0, 1)
  if #due == 1 then
    drain(due[1], tonumber(ARGV[4]))
    out[1] = 1
  end
elseif op == 'node' then
  -- the lease goes first: a renewal from that holder from now on answers "not held"
  local held = redis.call('SRANDMEMBER', base .. 'holders:' .. ARGV[3])
  if held then
    redis.call('ZREM', leases, held)
    redis.call('SREM', partial, held)
    drain(held, tonumber(ARGV[4]))
    out[1] = 1
  end
else
  if op == 'members' then
    return redis.call('HGETALL', users_key(ARGV[3]))
  end
  return redis.error_reply('unknown presence operation ' .. tostring(op))
end
return out
