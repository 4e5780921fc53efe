-- Leases up to #tokens of the best ready jobs, after moving due delayed jobs and
-- expired leases back to ready; one token per job taken.
-- Returns a list of {id, payload, attempts, max_attempts, token, due_ms}. Numbers stay
-- strings; due_ms is '' for a job queued before jobs kept it.

local function reserve(now, until_ms, tokens)
  -- Back to ready, its lease token (if any) void; nothing when there is no such job.
  local function make_ready(id)
    local m = read_meta(id)
    if not m and adopt(id) then m = read_meta(id) end
    if not m then return end
    if m.token ~= '' then
      m.token = ''
      write_meta(id, m)
    end
    redis.call('ZADD', READY, m.score, id)
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, 100)) do
    redis.call('ZREM', DELAYED, id)
    make_ready(id)
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASED, '-inf', now, 'LIMIT', 0, 100)) do
    -- The old holder's token no longer settles it.
    redis.call('ZREM', LEASED, id)
    make_ready(id)
  end
  local taken = {}
  if #tokens == 0 or redis.call('EXISTS', PAUSED) == 1 then return taken end
  local top = redis.call('ZPOPMIN', READY, #tokens)
  for i = 1, #top, 2 do
    local id, token = top[i], tokens[#taken + 1]
    local h = redis.call('HMGET', JOBS, id, id .. ':m')
    if not h[1] and adopt(id) then h = redis.call('HMGET', JOBS, id, id .. ':m') end
    -- An id without a job anywhere is dropped rather than failing every reserve.
    local m = parse_meta(h[2])
    if h[1] and m then
      m.attempts = tostring(tonumber(m.attempts) + 1)
      m.token = token
      write_meta(id, m)
      redis.call('ZADD', LEASED, until_ms, id)
      taken[#taken + 1] = {id, h[1], m.attempts, m.max, token, m.due}
    end
  end
  -- More are ready: wake another waiting worker.
  if #taken > 0 and redis.call('ZCARD', READY) > 0 then wake() end
  return taken
end
