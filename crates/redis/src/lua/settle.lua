#!lua
-- Settles a leased job, if the caller still holds its lease.
-- KEYS[1]: the queue's base key.
-- ARGV: id, token, action, now_ms, until_ms, error
--   action 'extend': lease until ARGV[5]
--   action 'complete': remove the job, count it
--   action 'fail': retry at ARGV[5] (ms; '' for never) while attempts remain, else
--                  dead-letter with the error
-- Returns 'lost' when the lease was lost, else 'extended', 'completed', 'retry' or
-- 'dead'.
local b, id, token, action, now = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local job = b .. ':job:' .. id
-- A job holds a token only while leased (reclaiming, failing and completing remove it).
if redis.call('HGET', job, 'token') ~= token then
  return 'lost'
end
if action == 'extend' then
  redis.call('ZADD', b .. ':leased', ARGV[5], id)
  return 'extended'
end
redis.call('ZREM', b .. ':leased', id)
redis.call('HDEL', job, 'token')
local key = redis.call('HGET', job, 'key')
if action == 'complete' then
  redis.call('DEL', job)
  if key and key ~= '' then redis.call('DEL', b .. ':key:' .. key) end
  redis.call('INCR', b .. ':completed')
  return 'completed'
end
local h = redis.call('HMGET', job, 'attempts', 'max_attempts')
if ARGV[5] ~= '' and tonumber(h[1]) < tonumber(h[2]) then
  redis.call('ZADD', b .. ':delayed', ARGV[5], id)
  redis.call('HSET', job, 'due', ARGV[5])
  return 'retry'
end
redis.call('HSET', job, 'last_error', ARGV[6], 'failed_at', now)
redis.call('ZADD', b .. ':dead', now, id)
if key and key ~= '' then redis.call('DEL', b .. ':key:' .. key) end
return 'dead'
