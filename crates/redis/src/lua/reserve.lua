-- Leases up to one job per token (see reserve_fn.lua, prepended).
-- ARGV: now_ms, lease_until_ms, token...
local tokens = {}
for i = 3, #ARGV do tokens[#tokens + 1] = ARGV[i] end
return reserve(ARGV[1], ARGV[2], tokens)
