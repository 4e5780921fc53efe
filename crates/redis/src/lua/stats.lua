-- A queue's counts at now_ms, as the other queues report them: a job whose lease
-- expired or whose delay passed counts as waiting.
-- ARGV: now_ms
-- Returns {waiting, active, delayed, failed, completed, next_due_ms or ''}.
local now = ARGV[1]
local active = redis.call('ZCOUNT', LEASED, '(' .. now, '+inf')
local expired = redis.call('ZCARD', LEASED) - active
local delayed = redis.call('ZCOUNT', DELAYED, '(' .. now, '+inf')
local due = redis.call('ZCARD', DELAYED) - delayed
local waiting = redis.call('ZCARD', READY) + expired + due
local failed = redis.call('ZCARD', DEAD)
local completed = tonumber(redis.call('HGET', COUNTS, 'completed') or '0')
-- The earliest delayed run or lease expiry, as a string ('' for none).
local next_due = ''
for _, set in ipairs({DELAYED, LEASED}) do
  local first = redis.call('ZRANGE', set, 0, 0, 'WITHSCORES')
  if first[2] and (next_due == '' or tonumber(first[2]) < tonumber(next_due)) then
    next_due = first[2]
  end
end
return {waiting, active, delayed, failed, completed, next_due}
