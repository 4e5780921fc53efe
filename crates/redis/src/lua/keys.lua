#!lua
-- Prepended to every queue script. Every key of the queue is declared, in this order:
-- Redis Cluster routes a script by its declared keys and, while the queue's slot
-- moves between nodes, holds it back (TRYAGAIN) or sends it on (ASK) by whether they
-- are all on the node it reached. A key built inside a script escapes that check: it
-- would be read, or made, on the wrong node mid-move.
-- JOBS: one hash of every job's fields, `<id>:<field>`; IDEM: idempotency key -> id;
-- READY, DELAYED, LEASED, DEAD: sorted sets of ids; WAKE: a list holding one token at
-- most; PAUSED: set while paused; COUNTS: a hash of `seq` and `completed`.
local JOBS, IDEM, READY, DELAYED, LEASED, DEAD, WAKE, PAUSED, COUNTS =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local FIELDS = {'payload', 'key', 'score', 'attempts', 'max_attempts', 'due', 'token',
  'last_error', 'failed_at'}
-- The name of a job's field in JOBS.
local function field(id, name) return id .. ':' .. name end
-- Removes every field of a job.
local function forget(id)
  local names = {}
  for i, name in ipairs(FIELDS) do names[i] = field(id, name) end
  redis.call('HDEL', JOBS, unpack(names))
end
-- Moves a job queued by a version that kept a hash per job (`<base>:job:<id>`) into
-- JOBS; whether the job is there now. That old key is the one key read undeclared,
-- only for jobs queued before the upgrade, and only once each.
local function adopt(id)
  local base = string.sub(JOBS, 1, -6)
  local old = base .. ':job:' .. id
  local h = redis.call('HGETALL', old)
  if #h == 0 then return false end
  for i = 1, #h, 2 do
    -- A lease token of the old layout's holder settles nothing any more.
    if h[i] ~= 'token' then redis.call('HSET', JOBS, field(id, h[i]), h[i + 1]) end
    -- Its idempotency key was a string key of its own.
    if h[i] == 'key' and h[i + 1] ~= '' then
      redis.call('HSET', IDEM, h[i + 1], id)
      redis.call('DEL', base .. ':key:' .. h[i + 1])
    end
  end
  redis.call('DEL', old)
  return true
end
-- Pushes a token on WAKE when it holds none: a waiting worker wakes.
local function wake()
  if redis.call('EXISTS', WAKE) == 0 then redis.call('LPUSH', WAKE, 1) end
end
