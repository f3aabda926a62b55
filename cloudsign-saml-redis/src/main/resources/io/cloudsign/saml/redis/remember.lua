-- RedisReplayCache.remember, atomic on the server.
-- KEYS[1] the entry (<prefix>:{<registration>}:<sha256 of the id>)
-- KEYS[2] the registration's index: a sorted set of its entries, scored by expiry (epoch ms)
-- ARGV[1] now (epoch ms, the node's clock)   ARGV[2] ttl (ms)   ARGV[3] expires at (epoch ms)
-- ARGV[4] capacity of the registration       ARGV[5] the index member (sha256 of the id)
-- Returns 0 first use (remembered), 1 already used, 2 full (nothing remembered).
local now = tonumber(ARGV[1])
local existing = redis.call('GET', KEYS[1])
if existing and tonumber(existing) > now then
  return 1
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if not existing and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  return 2
end
local stored
if existing then
  -- expired by this node's clock but not yet by Redis: replace it
  stored = redis.call('SET', KEYS[1], ARGV[3], 'XX', 'PX', ARGV[2])
else
  stored = redis.call('SET', KEYS[1], ARGV[3], 'NX', 'PX', ARGV[2])
end
if not stored then
  return 1
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 0
