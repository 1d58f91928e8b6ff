-- Every change to the connection registry, each call one atomic step: Redis runs a script alone, so
-- however many presence instances apply reports at once, a channel's holder set goes from empty to one
-- holder (occupied) or from one to empty (vacated) in exactly one call, and that call alone returns the
-- event. A departed node's connections are claimed by the call that takes them out of its set (SPOP).
-- With a grace, a channel left empty is not vacated but marked (ZADD vacating deadline channel); an
-- occupied that finds the mark takes it away and returns nothing; 'vacate' takes the marks past their
-- deadline (ZREM, so one call has each) and returns vacated for those still without holder.
--
-- KEYS[1] conn   hash  client id -> the connection as JSON (ConnectionEntry)
-- KEYS[2] nodes  set   the nodes with connections or channels
-- KEYS[3] vacating zset channel -> the ms it is vacated at (no holder left, grace not over)
-- By name, under the same {events} hash tag: <base>user:<user> (set of client ids),
-- <base>node:<node> (set of client ids), <base>nodeh:<node> (set of holders), <base>chan:<channel>
-- (set of holders), <base>hchan:<holder> (set of channels).
--
-- ARGV[1] base, ARGV[2] operation:
--   apply        ARGV[3] node, ARGV[4] holder, ARGV[5..8] how many opened, closed, vacated, occupied;
--                ARGV[9] now (ms), ARGV[10] grace (ms, 0: vacate at once); then client, user ('' if
--                anonymous), JSON of each opened; each closed client; each vacated channel; each
--                occupied channel. Returns {type, channel, ...}.
--   node         ARGV[3] node, ARGV[4] now, ARGV[5] grace. Returns {'disconnected', json, ...} (and
--                {'vacated', channel, ...} with no grace).
--   vacate       ARGV[3] now, ARGV[4] the most marks to take. Returns {'vacated', channel, ...}.
--   connections  ARGV[3] user. Returns the JSON of each connection.
--   connection   ARGV[3] client. Returns {json} or {}.
--   holders      ARGV[3] channel, or '' for every holder of every node.

local conn, nodes, vacating = KEYS[1], KEYS[2], KEYS[3]
local base, op = ARGV[1], ARGV[2]
local out = {}
-- set by the operations that can leave a channel empty
local now, grace = 0, 0

local function remove(client)
  local json = redis.call('HGET', conn, client)
  if not json then
    return nil
  end
  local e = cjson.decode(json)
  redis.call('HDEL', conn, client)
  if type(e.user) == 'string' then
    redis.call('SREM', base .. 'user:' .. e.user, client)
  end
  redis.call('SREM', base .. 'node:' .. e.node, client)
  return json
end

local function release(holder, channel)
  if redis.call('SREM', base .. 'chan:' .. channel, holder) == 1 then
    redis.call('SREM', base .. 'hchan:' .. holder, channel)
    if redis.call('SCARD', base .. 'chan:' .. channel) == 0 then
      if grace == 0 then
        out[#out + 1] = 'vacated'
        out[#out + 1] = channel
      else
        redis.call('ZADD', vacating, now + grace, channel)
      end
    end
  end
end

if op == 'apply' then
  local node, holder = ARGV[3], ARGV[4]
  local opened, closed, vacated, occupied = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
  now, grace = tonumber(ARGV[9]), tonumber(ARGV[10])
  local i = 11
  redis.call('SADD', nodes, node)
  redis.call('SADD', base .. 'nodeh:' .. node, holder)
  for _ = 1, closed do
    -- the closed come after the opened in ARGV, but are applied first
    remove(ARGV[i + 3 * opened])
    i = i + 1
  end
  i = 11
  for _ = 1, opened do
    local client, user, json = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    remove(client)
    redis.call('HSET', conn, client, json)
    if user ~= '' then
      redis.call('SADD', base .. 'user:' .. user, client)
    end
    redis.call('SADD', base .. 'node:' .. node, client)
    i = i + 3
  end
  i = 11 + 3 * opened + closed
  for _ = 1, vacated do
    release(holder, ARGV[i])
    i = i + 1
  end
  for _ = 1, occupied do
    local channel = ARGV[i]
    if redis.call('SADD', base .. 'chan:' .. channel, holder) == 1 then
      redis.call('SADD', base .. 'hchan:' .. holder, channel)
      -- back within the grace: it was never vacated, so it is not occupied again either
      if redis.call('SCARD', base .. 'chan:' .. channel) == 1 and redis.call('ZREM', vacating, channel) == 0 then
        out[#out + 1] = 'occupied'
        out[#out + 1] = channel
      end
    end
    i = i + 1
  end
  return out
elseif op == 'node' then
  local node = ARGV[3]
  now, grace = tonumber(ARGV[4]), tonumber(ARGV[5])
  local clients = base .. 'node:' .. node
  while true do
    local client = redis.call('SPOP', clients)
    if not client then
      break
    end
    local json = remove(client)
    if json then
      out[#out + 1] = 'disconnected'
      out[#out + 1] = json
    end
  end
  local holders = base .. 'nodeh:' .. node
  while true do
    local holder = redis.call('SPOP', holders)
    if not holder then
      break
    end
    for _, channel in ipairs(redis.call('SMEMBERS', base .. 'hchan:' .. holder)) do
      release(holder, channel)
    end
    redis.call('DEL', base .. 'hchan:' .. holder)
  end
  redis.call('SREM', nodes, node)
  return out
elseif op == 'vacate' then
  for _, channel in ipairs(redis.call('ZRANGEBYSCORE', vacating, '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))) do
    redis.call('ZREM', vacating, channel)
    if redis.call('SCARD', base .. 'chan:' .. channel) == 0 then
      out[#out + 1] = 'vacated'
      out[#out + 1] = channel
    end
  end
  return out
elseif op == 'connections' then
  for _, client in ipairs(redis.call('SMEMBERS', base .. 'user:' .. ARGV[3])) do
    local json = redis.call('HGET', conn, client)
    if json then
      out[#out + 1] = json
    end
  end
  return out
elseif op == 'connection' then
  local json = redis.call('HGET', conn, ARGV[3])
  if json then
    out[1] = json
  end
  return out
elseif op == 'holders' then
  if ARGV[3] ~= '' then
    return redis.call('SMEMBERS', base .. 'chan:' .. ARGV[3])
  end
  for _, node in ipairs(redis.call('SMEMBERS', nodes)) do
    for _, holder in ipairs(redis.call('SMEMBERS', base .. 'nodeh:' .. node)) do
      out[#out + 1] = holder
    end
  end
  return out
end
return redis.error_reply('unknown operation ' .. tostring(op))
