#!lua
-- The generic cell rate algorithm for one key: take a unit if the key's theoretical
-- arrival time allows it. Times in ms, passed as strings.
-- KEYS[1]: the key. ARGV: now_ms, interval_ms (window / limit), window_ms
-- Returns {1, 0} when allowed, {0, retry_after_ms} when refused.
local now, interval, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local arrival = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if arrival < now then arrival = now end
local next = arrival + interval
local allowed_from = next - window
if allowed_from > now then
  return {0, string.format('%.0f', allowed_from - now)}
end
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', string.format('%.0f', next - now + 1))
return {1, '0'}
