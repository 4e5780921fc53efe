-- Adds a job, unless its idempotency key is held by a job not yet finished.
-- ARGV: id, payload, key ('' for none), priority, run_at_ms, max_attempts, now_ms
-- Numbers are passed on as strings: a Lua number given to redis.call is printed with
-- 14 digits, fewer than a score has.
-- Returns {1, id} when added, {0, existing id} for a duplicate.
local id, key = ARGV[1], ARGV[3]
if key ~= '' then
  local existing = redis.call('HGET', IDEM, key)
  if existing then return {0, existing} end
  redis.call('HSET', IDEM, key, id)
end
-- Higher priority first, then enqueue order, in one exact integer score.
local seq = redis.call('HINCRBY', COUNTS, 'seq', 1)
local score = string.format('%.0f', (32767 - tonumber(ARGV[4])) * 68719476736 + seq)
local delayed = tonumber(ARGV[5]) > tonumber(ARGV[7])
-- When it is due: its run time, or now (for the wait-time metric).
local due = delayed and ARGV[5] or ARGV[7]
redis.call('HSET', JOBS, id, ARGV[2])
write_meta(id, {score = score, attempts = '0', max = ARGV[6], due = due, token = '',
  key = key})
if delayed then
  redis.call('ZADD', DELAYED, ARGV[5], id)
else
  redis.call('ZADD', READY, score, id)
  wake()
end
return {1, id}
