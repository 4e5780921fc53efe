-- A queue's counts at now_ms, as the other queues report them: a job whose lease
-- expired or whose delay passed counts as waiting.
-- ARGV: prefix, queue, now_ms
-- Returns {waiting, active, delayed, failed, completed, next_due_ms or -1}.
local p, q, now = ARGV[1], ARGV[2], ARGV[3]
local active = redis.call('ZCOUNT', p .. q .. ':leased', '(' .. now, '+inf')
local expired = redis.call('ZCARD', p .. q .. ':leased') - active
local delayed = redis.call('ZCOUNT', p .. q .. ':delayed', '(' .. now, '+inf')
local due = redis.call('ZCARD', p .. q .. ':delayed') - delayed
local waiting = redis.call('ZCARD', p .. q .. ':ready') + expired + due
local failed = redis.call('ZCARD', p .. q .. ':dead')
local completed = tonumber(redis.call('GET', p .. q .. ':completed') or '0')
-- The earliest delayed run or lease expiry, as a string ('' for none).
local next_due = ''
for _, set in ipairs({':delayed', ':leased'}) do
  local first = redis.call('ZRANGE', p .. q .. set, 0, 0, 'WITHSCORES')
  if first[2] and (next_due == '' or tonumber(first[2]) < tonumber(next_due)) then
    next_due = first[2]
  end
end
return {waiting, active, delayed, failed, completed, next_due}
