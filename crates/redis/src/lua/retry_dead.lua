-- Puts a dead letter back on its queue, attempts reset.
-- ARGV: id
-- Returns 1, or 0 when the queue has no such dead letter.
local id = ARGV[1]
if redis.call('ZREM', DEAD, id) == 0 then return 0 end
local m = read_meta(id)
if not m then return 0 end
-- Due now: the server's clock, as the script has no other.
local t = redis.call('TIME')
m.attempts, m.token = '0', ''
m.due = tostring(t[1] * 1000 + math.floor(t[2] / 1000))
write_meta(id, m)
redis.call('HDEL', JOBS, id .. ':error', id .. ':failed_at')
redis.call('ZADD', READY, m.score, id)
wake()
return 1
