-- Leases up to #tokens of the best ready jobs, after moving due delayed jobs and
-- expired leases back to ready; one token per job taken.
-- Returns a list of {id, payload, attempts, max_attempts, token, due_ms}. Numbers stay
-- strings; due_ms is '' for a job queued before jobs kept it.

-- A job's payload, max_attempts, attempts and due time.
local function read_job(id)
  return redis.call('HMGET', JOBS, field(id, 'payload'), field(id, 'max_attempts'),
    field(id, 'attempts'), field(id, 'due'))
end

local function reserve(now, until_ms, tokens)
  local function make_ready(id)
    local score = redis.call('HGET', JOBS, field(id, 'score'))
    if not score and adopt(id) then score = redis.call('HGET', JOBS, field(id, 'score')) end
    if score then redis.call('ZADD', READY, score, id) end
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, 100)) do
    redis.call('ZREM', DELAYED, id)
    make_ready(id)
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASED, '-inf', now, 'LIMIT', 0, 100)) do
    -- The old holder's token no longer settles it.
    redis.call('ZREM', LEASED, id)
    redis.call('HDEL', JOBS, field(id, 'token'))
    make_ready(id)
  end
  local taken = {}
  if #tokens == 0 or redis.call('EXISTS', PAUSED) == 1 then return taken end
  local top = redis.call('ZPOPMIN', READY, #tokens)
  for i = 1, #top, 2 do
    local id, token = top[i], tokens[#taken + 1]
    local h = read_job(id)
    if not h[1] and adopt(id) then h = read_job(id) end
    -- An id without a job anywhere is dropped rather than failing every reserve.
    if h[1] then
      local attempts = tostring(tonumber(h[3]) + 1)
      redis.call('HSET', JOBS, field(id, 'token'), token, field(id, 'attempts'), attempts)
      redis.call('ZADD', LEASED, until_ms, id)
      taken[#taken + 1] = {id, h[1], attempts, h[2], token, h[4] or ''}
    end
  end
  -- More are ready: wake another waiting worker.
  if #taken > 0 and redis.call('ZCARD', READY) > 0 then wake() end
  return taken
end
