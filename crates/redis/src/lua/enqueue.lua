-- Adds a job, unless its idempotency key is held by a job not yet finished.
-- ARGV: prefix, queue, id, payload, key ('' for none), priority, run_at_ms,
--       max_attempts, now_ms
-- Numbers are passed on as strings: a Lua number given to redis.call is printed with
-- 14 digits, fewer than a score has.
-- Returns {1, id} when added, {0, existing id} for a duplicate.
local p, q, id = ARGV[1], ARGV[2], ARGV[3]
local key = ARGV[5]
if key ~= '' then
  local existing = redis.call('GET', p .. 'key:' .. key)
  if existing then return {0, existing} end
  redis.call('SET', p .. 'key:' .. key, id)
end
-- Higher priority first, then enqueue order, in one exact integer score.
local seq = redis.call('INCR', p .. 'seq')
local score = string.format('%.0f', (32767 - tonumber(ARGV[6])) * 68719476736 + seq)
redis.call('HSET', p .. 'job:' .. id, 'queue', q, 'payload', ARGV[4], 'key', key,
  'score', score, 'attempts', 0, 'max_attempts', ARGV[8])
if tonumber(ARGV[7]) > tonumber(ARGV[9]) then
  redis.call('ZADD', p .. q .. ':delayed', ARGV[7], id)
else
  redis.call('ZADD', p .. q .. ':ready', score, id)
  redis.call('LPUSH', p .. q .. ':wake', 1)
  redis.call('LTRIM', p .. q .. ':wake', 0, 0)
end
return {1, id}
