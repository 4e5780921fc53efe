#!lua
-- Leases up to #tokens of the best ready jobs of the queue at base key b, after moving
-- its due delayed jobs and expired leases back to ready; one token per job taken.
-- Returns a list of {id, payload, attempts, max_attempts, token, due_ms}. Numbers stay
-- strings; due_ms is '' for a job queued before jobs kept it.
local function reserve(b, now, until_ms, tokens)
  local function make_ready(id)
    local score = redis.call('HGET', b .. ':job:' .. id, 'score')
    if score then redis.call('ZADD', b .. ':ready', score, id) end
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', b .. ':delayed', '-inf', now, 'LIMIT', 0, 100)) do
    redis.call('ZREM', b .. ':delayed', id)
    make_ready(id)
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', b .. ':leased', '-inf', now, 'LIMIT', 0, 100)) do
    -- The old holder's token no longer settles it.
    redis.call('ZREM', b .. ':leased', id)
    redis.call('HDEL', b .. ':job:' .. id, 'token')
    make_ready(id)
  end
  local taken = {}
  if #tokens == 0 or redis.call('EXISTS', b .. ':paused') == 1 then return taken end
  local top = redis.call('ZPOPMIN', b .. ':ready', #tokens)
  for i = 1, #top, 2 do
    local id, token = top[i], tokens[#taken + 1]
    local job = b .. ':job:' .. id
    local h = redis.call('HMGET', job, 'payload', 'max_attempts', 'attempts', 'due')
    local attempts = tostring(tonumber(h[3]) + 1)
    redis.call('HSET', job, 'token', token, 'attempts', attempts)
    redis.call('ZADD', b .. ':leased', until_ms, id)
    taken[#taken + 1] = {id, h[1], attempts, h[2], token, h[4] or ''}
  end
  -- More are ready: wake another waiting worker (the list holds one token at most).
  if #taken > 0 and redis.call('EXISTS', b .. ':wake') == 0
      and redis.call('ZCARD', b .. ':ready') > 0 then
    redis.call('LPUSH', b .. ':wake', 1)
  end
  return taken
end
