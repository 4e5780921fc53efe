-- The generic cell rate algorithm for one key: take a unit if the key's theoretical
-- arrival time allows it. Times in ms, passed as strings.
-- ARGV: key, now_ms, interval_ms (window / limit), window_ms
-- Returns {1, 0} when allowed, {0, retry_after_ms} when refused.
local now, interval, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local arrival = tonumber(redis.call('GET', ARGV[1]) or ARGV[2])
if arrival < now then arrival = now end
local next = arrival + interval
local allowed_from = next - window
if allowed_from > now then
  return {0, string.format('%.0f', allowed_from - now)}
end
redis.call('SET', ARGV[1], string.format('%.0f', next), 'PX', string.format('%.0f', next - now + 1))
return {1, '0'}
