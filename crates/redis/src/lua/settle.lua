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
local m = read_meta(id)
if not m or m.token ~= token then
  return 'lost'
end
if action == 'extend' then
  redis.call('ZADD', LEASED, ARGV[5], id)
  return 'extended'
end
redis.call('ZREM', LEASED, id)
if action == 'complete' then
  forget(id)
  if m.key ~= '' then redis.call('HDEL', IDEM, m.key) end
  redis.call('HINCRBY', COUNTS, 'completed', 1)
  return 'completed'
end
m.token = ''
if ARGV[5] ~= '' and tonumber(m.attempts) < tonumber(m.max) then
  m.due = ARGV[5]
  write_meta(id, m)
  redis.call('ZADD', DELAYED, ARGV[5], id)
  return 'retry'
end
write_meta(id, m)
redis.call('HSET', JOBS, id .. ':error', ARGV[6], id .. ':failed_at', now)
redis.call('ZADD', DEAD, now, id)
if m.key ~= '' then redis.call('HDEL', IDEM, m.key) end
return 'dead'
