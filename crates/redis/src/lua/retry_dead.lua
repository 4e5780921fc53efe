-- Puts a dead letter back on its queue, attempts reset.
-- ARGV: prefix, queue, id
-- Returns 1, or 0 when the queue has no such dead letter.
local p, q, id = ARGV[1], ARGV[2], ARGV[3]
if redis.call('ZREM', p .. q .. ':dead', id) == 0 then return 0 end
local job = p .. 'job:' .. id
redis.call('HSET', job, 'attempts', 0)
redis.call('HDEL', job, 'last_error', 'failed_at', 'token')
redis.call('ZADD', p .. q .. ':ready', redis.call('HGET', job, 'score'), id)
redis.call('LPUSH', p .. q .. ':wake', 1)
redis.call('LTRIM', p .. q .. ':wake', 0, 0)
return 1
