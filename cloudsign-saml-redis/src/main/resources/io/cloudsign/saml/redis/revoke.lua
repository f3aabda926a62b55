-- RedisSessionRevocations.revoke, atomic on the server: records a logout, keeping the latest.
-- KEYS   the logout's keys (<prefix>:{<registration>}:u:<sha256> for every session of the user,
--        <prefix>:{<registration>}:s:<sha256> for one session), one hash tag
-- ARGV[1] the logout instant (epoch ms)   ARGV[2] retention (ms): each key's time to live
-- A key holding a later instant keeps it (and its time to live). Returns the number of keys set.
local at = tonumber(ARGV[1])
local set = 0
for i, key in ipairs(KEYS) do
  local existing = redis.call('GET', key)
  if not existing or tonumber(existing) < at then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    set = set + 1
  end
end
return set
