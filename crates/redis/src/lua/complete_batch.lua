-- Completes the jobs whose caller still holds their lease, then leases up to one next
-- job per new token (reserve_fn.lua, prepended): many handlers' completions and their
-- next jobs in one round trip.
-- ARGV: now_ms, lease_until_ms, n, then n pairs (id, token), then the new tokens.
-- Returns {ids whose lease was lost, jobs taken}.
local n = tonumber(ARGV[3])
local lost, completed = {}, 0
for i = 0, n - 1 do
  local id, token = ARGV[4 + 2 * i], ARGV[5 + 2 * i]
  -- A job holds a token only while leased: reclaiming, failing and completing it
  -- remove the token, so a matching token is a held lease.
  local m = read_meta(id)
  if not m or m.token ~= token then
    lost[#lost + 1] = id
  else
    redis.call('ZREM', LEASED, id)
    forget(id)
    if m.key ~= '' then redis.call('HDEL', IDEM, m.key) end
    completed = completed + 1
  end
end
if completed > 0 then redis.call('HINCRBY', COUNTS, 'completed', completed) end
local tokens = {}
for i = 4 + 2 * n, #ARGV do tokens[#tokens + 1] = ARGV[i] end
return {lost, reserve(ARGV[1], ARGV[2], tokens)}
