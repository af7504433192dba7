-- wrk script: optional request body/method from env, optional random bearer token per request from a file,
-- and a JSON summary (req/s, p50, p99, p99.9 in ms, errors) written to the file named by WRK_REPORT.
local body = os.getenv("WRK_BODY")
local method = os.getenv("WRK_METHOD") or "GET"
local token = os.getenv("WRK_TOKEN")
local tokens_file = os.getenv("WRK_TOKENS_FILE")

-- One token (or none): the request is formatted once and wrk sends the same bytes each time without calling Lua
-- (no request() function), so the load generator's CPU per request is as low as wrk allows on the shared cores.
wrk.method = method
wrk.body = body
if body then wrk.headers["Content-Type"] = "application/json" end
if token then wrk.headers["Authorization"] = "Bearer " .. token end

-- A token per request: every token's request is formatted once in init and request() only picks one. A line may be
-- "token<TAB>key": that tenant's requests read its own key (the body's "bench:key" becomes it).
local requests = {}

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  if tokens_file then
    for line in io.lines(tokens_file) do
      local token, key = line:match("^([^\t]+)\t(.+)$")
      token = token or line
      if #token > 0 then
        wrk.headers["Authorization"] = "Bearer " .. token
        local own = body
        if key and body then own = body:gsub("bench:key", function() return key end) end
        requests[#requests + 1] = wrk.format(nil, nil, nil, own)
      end
    end
  end
end

if tokens_file then
  function request()
    return requests[math.random(#requests)]
  end
end

-- optional pacing for the soak: wait WRK_DELAY_MS (a fraction is spread randomly) before each request
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "")
if delay_ms and delay_ms > 0 then
  function delay()
    local base = math.floor(delay_ms)
    if math.random() < delay_ms - base then return base + 1 end
    return base
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local e = summary.errors
  local f = io.open(os.getenv("WRK_REPORT"), "w")
  f:write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, "p99_ms": %.3f, "p999_ms": %.3f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
  f:close()
end
