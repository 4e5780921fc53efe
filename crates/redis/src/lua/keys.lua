#!lua
-- Prepended to every queue script. Every key of the queue is declared, in this order:
-- Redis Cluster routes a script by its declared keys and, while the queue's slot
-- moves between nodes, holds it back (TRYAGAIN) or sends it on (ASK) by whether they
-- are all on the node it reached. A key built inside a script escapes that check: it
-- would be read, or made, on the wrong node mid-move.
-- JOBS: one hash holding each job in two fields, `<id>` (its payload) and `<id>:m`
-- (`score|attempts|max_attempts|due|token|key`: few fields keep a big queue's hash
-- cheap), plus `<id>:error` and `<id>:failed_at` for a dead letter; IDEM: idempotency
-- key -> id; READY, DELAYED, LEASED, DEAD: sorted sets of ids; WAKE: a list holding
-- one token at most; PAUSED: set while paused; COUNTS: a hash of `seq` and `completed`.
local JOBS, IDEM, READY, DELAYED, LEASED, DEAD, WAKE, PAUSED, COUNTS =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
-- A job's meta fields from their text (nil for none); the key comes last, as it may
-- hold anything.
local function parse_meta(text)
  if not text then return nil end
  local score, attempts, max, due, token, key =
    string.match(text, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  return {score = score, attempts = attempts, max = max, due = due, token = token,
    key = key}
end
local function read_meta(id) return parse_meta(redis.call('HGET', JOBS, id .. ':m')) end
local function write_meta(id, m)
  redis.call('HSET', JOBS, id .. ':m',
    table.concat({m.score, m.attempts, m.max, m.due, m.token, m.key}, '|'))
end
-- Removes every field of a job.
local function forget(id)
  redis.call('HDEL', JOBS, id, id .. ':m', id .. ':error', id .. ':failed_at')
end
-- Moves a job queued by a version that kept a hash per job (`<base>:job:<id>`) into
-- JOBS; whether the job is there now. That old key is the one key read undeclared,
-- only for jobs queued before the upgrade, and only once each.
local function adopt(id)
  local base = string.sub(JOBS, 1, -6)
  local old = base .. ':job:' .. id
  local h = redis.call('HGETALL', old)
  if #h == 0 then return false end
  local f = {}
  for i = 1, #h, 2 do f[h[i]] = h[i + 1] end
  -- A lease token of the old layout's holder settles nothing any more.
  write_meta(id, {score = f.score or '0', attempts = f.attempts or '0',
    max = f.max_attempts or '8', due = f.due or '', token = '', key = f.key or ''})
  redis.call('HSET', JOBS, id, f.payload or '{}')
  if f.last_error then
    redis.call('HSET', JOBS, id .. ':error', f.last_error, id .. ':failed_at', f.failed_at or '0')
  end
  -- Its idempotency key was a string key of its own.
  if f.key and f.key ~= '' then
    redis.call('HSET', IDEM, f.key, id)
    redis.call('DEL', base .. ':key:' .. f.key)
  end
  redis.call('DEL', old)
  return true
end
-- Pushes a token on WAKE when it holds none: a waiting worker wakes.
local function wake()
  if redis.call('EXISTS', WAKE) == 0 then redis.call('LPUSH', WAKE, 1) end
end
