-- Leases the best ready job of the first queue (ARGV[first..], in that order) that
-- has one, after moving that queue's due delayed jobs and expired leases back to ready.
-- Returns {id, queue, payload, attempts, max_attempts} or false. Numbers stay strings.
local function reserve(p, now, until_ms, token, first)
  local function make_ready(q, id)
    local score = redis.call('HGET', p .. 'job:' .. id, 'score')
    if score then redis.call('ZADD', p .. q .. ':ready', score, id) end
  end
  for i = first, #ARGV do
    local q = ARGV[i]
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. q .. ':delayed', '-inf', now, 'LIMIT', 0, 100)) do
      redis.call('ZREM', p .. q .. ':delayed', id)
      make_ready(q, id)
    end
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. q .. ':leased', '-inf', now, 'LIMIT', 0, 100)) do
      -- The old holder's token no longer settles it.
      redis.call('ZREM', p .. q .. ':leased', id)
      redis.call('HDEL', p .. 'job:' .. id, 'token')
      make_ready(q, id)
    end
    if redis.call('EXISTS', p .. q .. ':paused') == 0 then
      local top = redis.call('ZPOPMIN', p .. q .. ':ready')
      if top[1] then
        local id = top[1]
        local job = p .. 'job:' .. id
        local attempts = redis.call('HINCRBY', job, 'attempts', 1)
        redis.call('HSET', job, 'token', token)
        redis.call('ZADD', p .. q .. ':leased', until_ms, id)
        if redis.call('ZCARD', p .. q .. ':ready') > 0 then
          -- More are ready: wake another waiting worker.
          redis.call('LPUSH', p .. q .. ':wake', 1)
          redis.call('LTRIM', p .. q .. ':wake', 0, 0)
        end
        local h = redis.call('HMGET', job, 'payload', 'max_attempts')
        return {id, q, h[1], attempts, h[2]}
      end
    end
  end
  return false
end
