-- Settles a leased job, if the caller still holds its lease.
-- ARGV: id, token, action, now_ms, until_ms, error
--   action 'extend': lease until ARGV[5]
--   action 'complete': remove the job, count it
--   action 'fail': retry at ARGV[5] (ms; '' for never) while attempts remain, else
--                  dead-letter with the error
-- Returns 'lost' when the lease was lost, else 'extended', 'completed', 'retry' or
-- 'dead'.
local id, token, action, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
-- A job holds a token only while leased (reclaiming, failing and completing remove it).
if redis.call('HGET', JOBS, field(id, 'token')) ~= token then
  return 'lost'
end
if action == 'extend' then
  redis.call('ZADD', LEASED, ARGV[5], id)
  return 'extended'
end
redis.call('ZREM', LEASED, id)
redis.call('HDEL', JOBS, field(id, 'token'))
local key = redis.call('HGET', JOBS, field(id, 'key'))
if action == 'complete' then
  forget(id)
  if key and key ~= '' then redis.call('HDEL', IDEM, key) end
  redis.call('HINCRBY', COUNTS, 'completed', 1)
  return 'completed'
end
local h = redis.call('HMGET', JOBS, field(id, 'attempts'), field(id, 'max_attempts'))
if ARGV[5] ~= '' and tonumber(h[1]) < tonumber(h[2]) then
  redis.call('ZADD', DELAYED, ARGV[5], id)
  redis.call('HSET', JOBS, field(id, 'due'), ARGV[5])
  return 'retry'
end
redis.call('HSET', JOBS, field(id, 'last_error'), ARGV[6], field(id, 'failed_at'), now)
redis.call('ZADD', DEAD, now, id)
if key and key ~= '' then redis.call('HDEL', IDEM, key) end
return 'dead'
