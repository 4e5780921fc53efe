-- Settles a leased job, if the caller still holds its lease.
-- ARGV: prefix, queue, id, token, action, now_ms, until_ms, error
--   action 'extend': lease until ARGV[7]
--   action 'complete': remove the job, count it
--   action 'fail': retry at ARGV[7] (ms; '' for never) while attempts remain, else
--                  dead-letter with the error
-- Returns 'lost' when the lease was lost, else 'extended', 'completed', 'retry' or
-- 'dead'.
local p, q, id, token, action = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local now = ARGV[6]
local job = p .. 'job:' .. id
if redis.call('HGET', job, 'token') ~= token or not redis.call('ZSCORE', p .. q .. ':leased', id) then
  return 'lost'
end
if action == 'extend' then
  redis.call('ZADD', p .. q .. ':leased', ARGV[7], id)
  return 'extended'
end
redis.call('ZREM', p .. q .. ':leased', id)
redis.call('HDEL', job, 'token')
local key = redis.call('HGET', job, 'key')
if action == 'complete' then
  redis.call('DEL', job)
  if key and key ~= '' then redis.call('DEL', p .. 'key:' .. key) end
  redis.call('INCR', p .. q .. ':completed')
  return 'completed'
end
local h = redis.call('HMGET', job, 'attempts', 'max_attempts')
if ARGV[7] ~= '' and tonumber(h[1]) < tonumber(h[2]) then
  redis.call('ZADD', p .. q .. ':delayed', ARGV[7], id)
  return 'retry'
end
redis.call('HSET', job, 'last_error', ARGV[8], 'failed_at', now)
redis.call('ZADD', p .. q .. ':dead', now, id)
if key and key ~= '' then redis.call('DEL', p .. 'key:' .. key) end
return 'dead'
