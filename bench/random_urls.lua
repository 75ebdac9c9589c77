-- wrk script: each request picks a random path from the file given after `--`, so a page
-- benchmark measures the page, not one cached row. With a second file of Cookie header values
-- (one signed-in session per line), each request also picks a random shopper from it.
-- Prints p50/p95/p99 and req/s as JSON.
local paths = {}
local cookies = {}

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if args[2] then
    for line in io.lines(args[2]) do
      if #line > 0 then cookies[#cookies + 1] = line end
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

request = function()
  local path = paths[math.random(#paths)]
  if #cookies > 0 then
    return wrk.format("GET", path, { ["Cookie"] = cookies[math.random(#cookies)] })
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
