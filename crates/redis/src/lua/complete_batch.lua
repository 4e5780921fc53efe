-- Completes the jobs whose caller still holds their lease, then leases up to one next
-- job per new token (reserve_fn.lua, prepended): many handlers' completions and their
-- next jobs in one round trip.
-- KEYS[1]: the queue's base key.
-- ARGV: now_ms, lease_until_ms, n, then n pairs (id, token), then the new tokens.
-- Returns {ids whose lease was lost, jobs taken}.
local b, n = KEYS[1], tonumber(ARGV[3])
local lost, completed = {}, 0
for i = 0, n - 1 do
  local id, token = ARGV[4 + 2 * i], ARGV[5 + 2 * i]
  local job = b .. ':job:' .. id
  -- A job holds a token only while leased: reclaiming, failing and completing it
  -- remove the token, so a matching token is a held lease.
  local h = redis.call('HMGET', job, 'token', 'key')
  if h[1] ~= token then
    lost[#lost + 1] = id
  else
    redis.call('ZREM', b .. ':leased', id)
    local key = h[2]
    redis.call('DEL', job)
    if key and key ~= '' then redis.call('DEL', b .. ':key:' .. key) end
    completed = completed + 1
  end
end
if completed > 0 then redis.call('INCRBY', b .. ':completed', completed) end
local tokens = {}
for i = 4 + 2 * n, #ARGV do tokens[#tokens + 1] = ARGV[i] end
return {lost, reserve(b, ARGV[1], ARGV[2], tokens)}
