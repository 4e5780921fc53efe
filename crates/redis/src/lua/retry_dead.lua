-- Puts a dead letter back on its queue, attempts reset.
-- ARGV: id
-- Returns 1, or 0 when the queue has no such dead letter.
local id = ARGV[1]
if redis.call('ZREM', DEAD, id) == 0 then return 0 end
-- Due now: the server's clock, as the script has no other.
local t = redis.call('TIME')
redis.call('HSET', JOBS, field(id, 'attempts'), 0,
  field(id, 'due'), t[1] * 1000 + math.floor(t[2] / 1000))
redis.call('HDEL', JOBS, field(id, 'last_error'), field(id, 'failed_at'), field(id, 'token'))
redis.call('ZADD', READY, redis.call('HGET', JOBS, field(id, 'score')), id)
wake()
return 1
