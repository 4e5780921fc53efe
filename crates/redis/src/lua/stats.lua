#!lua
-- A queue's counts at now_ms, as the other queues report them: a job whose lease
-- expired or whose delay passed counts as waiting.
-- KEYS[1]: the queue's base key. ARGV: now_ms
-- Returns {waiting, active, delayed, failed, completed, next_due_ms or ''}.
local b, now = KEYS[1], ARGV[1]
local active = redis.call('ZCOUNT', b .. ':leased', '(' .. now, '+inf')
local expired = redis.call('ZCARD', b .. ':leased') - active
local delayed = redis.call('ZCOUNT', b .. ':delayed', '(' .. now, '+inf')
local due = redis.call('ZCARD', b .. ':delayed') - delayed
local waiting = redis.call('ZCARD', b .. ':ready') + expired + due
local failed = redis.call('ZCARD', b .. ':dead')
local completed = tonumber(redis.call('GET', b .. ':completed') or '0')
-- The earliest delayed run or lease expiry, as a string ('' for none).
local next_due = ''
for _, set in ipairs({':delayed', ':leased'}) do
  local first = redis.call('ZRANGE', b .. set, 0, 0, 'WITHSCORES')
  if first[2] and (next_due == '' or tonumber(first[2]) < tonumber(next_due)) then
    next_due = first[2]
  end
end
return {waiting, active, delayed, failed, completed, next_due}
