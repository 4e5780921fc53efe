#!lua
-- Adds a job, unless its idempotency key is held by a job not yet finished.
-- KEYS[1]: the queue's base key, `<prefix>{<queue>}`; every key below starts with it,
--          so that they share one hash slot (Redis Cluster).
-- ARGV: id, payload, key ('' for none), priority, run_at_ms, max_attempts, now_ms
-- Numbers are passed on as strings: a Lua number given to redis.call is printed with
-- 14 digits, fewer than a score has.
-- Returns {1, id} when added, {0, existing id} for a duplicate.
local b, id, key = KEYS[1], ARGV[1], ARGV[3]
if key ~= '' then
  local existing = redis.call('GET', b .. ':key:' .. key)
  if existing then return {0, existing} end
  redis.call('SET', b .. ':key:' .. key, id)
end
-- Higher priority first, then enqueue order, in one exact integer score.
local seq = redis.call('INCR', b .. ':seq')
local score = string.format('%.0f', (32767 - tonumber(ARGV[4])) * 68719476736 + seq)
local delayed = tonumber(ARGV[5]) > tonumber(ARGV[7])
-- When it is due: its run time, or now (for the wait-time metric).
local due = delayed and ARGV[5] or ARGV[7]
redis.call('HSET', b .. ':job:' .. id, 'payload', ARGV[2], 'key', key,
  'score', score, 'attempts', 0, 'max_attempts', ARGV[6], 'due', due)
if delayed then
  redis.call('ZADD', b .. ':delayed', ARGV[5], id)
else
  redis.call('ZADD', b .. ':ready', score, id)
  -- Wake a waiting worker; the list holds one token at most.
  if redis.call('EXISTS', b .. ':wake') == 0 then redis.call('LPUSH', b .. ':wake', 1) end
end
return {1, id}
