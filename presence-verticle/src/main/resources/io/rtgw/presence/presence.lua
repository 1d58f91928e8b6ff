-- Every change to the presence registry, each call one atomic step: Redis runs a script alone, so
-- however many presence instances call at once, an entry is added or removed by exactly one call, and
-- its join or leave goes back to that caller only. An expiry or a node's removal is claimed by the
-- call that takes the entry out of the index (ZRANGEBYSCORE + ZREM, SPOP); another call finds it gone.
--
-- KEYS[1] entries  hash  entry id -> node
-- KEYS[2] expiry   zset  entry id scored by its expiry (epoch ms)
-- The script also uses, by name, <base>users:<channel> (hash user -> clients in the channel) and
-- <base>node:<node> (set of the node's entry ids). They share the {presence} hash tag of KEYS, so on a
-- Redis Cluster every key the script touches sits on one slot.
--
-- An entry id is "<channel>\n<bytes in user>:<user><client>": a channel name holds no newline, and the
-- length keeps any user id apart from its client id.
--
-- ARGV[1] base (the prefix of every key), ARGV[2] operation:
--   apply    ARGV[3] node, ARGV[4] expiry for the added entries, ARGV[5] the keys' TTL ms,
--            ARGV[6] how many leaves, then channel, user, client of each entry: the leaves first, then
--            the joins and refreshes (a refresh of an unknown entry adds it)
--   expire   ARGV[3] now, ARGV[4] the most entries to remove
--   node     ARGV[3] node, ARGV[4] the most entries to remove
--   members  ARGV[3] channel
-- Returns {more, type, channel, user, client, type, ...}: more is 1 when expire or node stopped at its
-- limit, and the events follow, four strings each. members returns {user, clients, user, clients, ...}.

local entries, expiry = KEYS[1], KEYS[2]
local base, op = ARGV[1], ARGV[2]
local out = {0}

local function users_key(channel)
  return base .. 'users:' .. channel
end

local function node_key(node)
  return base .. 'node:' .. node
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

-- Takes an entry out if it is there; its user leaves the channel with its last client.
local function remove(id)
  redis.call('ZREM', expiry, id)
  local node = redis.call('HGET', entries, id)
  if not node then
    return
  end
  redis.call('HDEL', entries, id)
  redis.call('SREM', node_key(node), id)
  local channel, user, client = parse(id)
  local users = users_key(channel)
  if redis.call('HINCRBY', users, user, -1) <= 0 then
    redis.call('HDEL', users, user)
    emit('leave', channel, user, client)
  end
end

-- Adds an entry or refreshes it; a client that reports from another node now belongs to that node
-- (a poll client may poll anywhere). Its user joins the channel with its first client.
local function put(channel, user, client, node, expires)
  local id = entry_id(channel, user, client)
  local owner = redis.call('HGET', entries, id)
  if owner ~= node then
    redis.call('HSET', entries, id, node)
    redis.call('SADD', node_key(node), id)
    if owner then
      redis.call('SREM', node_key(owner), id)
    elseif redis.call('HINCRBY', users_key(channel), user, 1) == 1 then
      emit('join', channel, user, client)
    end
  end
  redis.call('ZADD', expiry, expires, id)
end

if op == 'apply' then
  local node, expires, key_ttl, leaves = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
  local touched = {}
  local any = false
  local n = 0
  for i = 7, #ARGV - 2, 3 do
    if n < leaves then
      remove(entry_id(ARGV[i], ARGV[i + 1], ARGV[i + 2]))
    else
      put(ARGV[i], ARGV[i + 1], ARGV[i + 2], node, expires)
      touched[ARGV[i]] = true
      any = true
    end
    n = n + 1
  end
  -- every key outlives the entries it holds, so nothing lingers once no instance is left to sweep
  if any then
    for channel in pairs(touched) do
      redis.call('PEXPIRE', users_key(channel), key_ttl)
    end
    redis.call('PEXPIRE', entries, key_ttl)
    redis.call('PEXPIRE', expiry, key_ttl)
    redis.call('PEXPIRE', node_key(node), key_ttl)
  end
elseif op == 'expire' then
  local limit = tonumber(ARGV[4])
  local due = redis.call('ZRANGEBYSCORE', expiry, '-inf', ARGV[3], 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    remove(id)
  end
  if #due == limit then
    out[1] = 1
  end
elseif op == 'node' then
  local node, limit = ARGV[3], tonumber(ARGV[4])
  for _, id in ipairs(redis.call('SPOP', node_key(node), limit)) do
    -- a client that moved to another node since stays
    if redis.call('HGET', entries, id) == node then
      remove(id)
    end
  end
  if redis.call('EXISTS', node_key(node)) == 1 then
    out[1] = 1
  end
elseif op == 'members' then
  return redis.call('HGETALL', users_key(ARGV[3]))
else
  return redis.error_reply('unknown presence operation ' .. tostring(op))
end
return out
