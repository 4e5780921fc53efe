-- Completes a job, then leases the next one (reserve_fn.lua, prepended): a busy
-- worker's one round trip per job.
-- ARGV: prefix, queue, id, token, now_ms, lease_until_ms, new token, queue...
-- Returns {'lost', false} when the lease was lost, else {'ok', next job or false}.
local p, q, id, token = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local job = p .. 'job:' .. id
if redis.call('HGET', job, 'token') ~= token or not redis.call('ZSCORE', p .. q .. ':leased', id) then
  return {'lost', false}
end
redis.call('ZREM', p .. q .. ':leased', id)
local key = redis.call('HGET', job, 'key')
redis.call('DEL', job)
if key and key ~= '' then redis.call('DEL', p .. 'key:' .. key) end
redis.call('INCR', p .. q .. ':completed')
return {'ok', reserve(p, ARGV[5], ARGV[6], ARGV[7], 8)}
