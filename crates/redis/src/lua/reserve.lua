-- Leases up to one job per token (see reserve_fn.lua, prepended).
-- KEYS[1]: the queue's base key. ARGV: now_ms, lease_until_ms, token...
local tokens = {}
for i = 3, #ARGV do tokens[#tokens + 1] = ARGV[i] end
return reserve(KEYS[1], ARGV[1], ARGV[2], tokens)
