#!lua
-- Puts a dead letter back on its queue, attempts reset.
-- KEYS[1]: the queue's base key. ARGV: id
-- Returns 1, or 0 when the queue has no such dead letter.
local b, id = KEYS[1], ARGV[1]
if redis.call('ZREM', b .. ':dead', id) == 0 then return 0 end
local job = b .. ':job:' .. id
-- Due now: the server's clock, as the script has no other.
local t = redis.call('TIME')
redis.call('HSET', job, 'attempts', 0, 'due', t[1] * 1000 + math.floor(t[2] / 1000))
redis.call('HDEL', job, 'last_error', 'failed_at', 'token')
redis.call('ZADD', b .. ':ready', redis.call('HGET', job, 'score'), id)
redis.call('LPUSH', b .. ':wake', 1)
redis.call('LTRIM', b .. ':wake', 0, 0)
return 1
