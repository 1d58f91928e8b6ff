-- One token bucket, taken from atomically by every gateway that shares this Redis.
-- KEYS[1]: the bucket (a hash: tokens, at). ARGV[1]: tokens a second; ARGV[2]: burst (at most saved up).
-- Returns 0 when a token was taken, else the milliseconds until the next one.
-- The clock is Redis's own (TIME), so gateways whose clocks differ share one idea of "now".
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) * 1000 / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
-- a bucket that would be full again holds nothing worth keeping
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
