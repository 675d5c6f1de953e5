-- Replays a prepared list of requests, one per line:
--   METHOD <tab> PATH <tab> COOKIE <tab> CSRF TOKEN <tab> CONTENT TYPE <tab> BODY [<tab> RANGE]
-- Each wrk thread takes every n-th line and cycles through its share, so consecutive requests
-- belong to different officials. Besides wrk's own errors (4xx/5xx, timeouts, sockets), any
-- redirect except to a quiz result counts as an error: a login redirect is not a served page.
-- The summary is printed as one JSON line.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  thread:set("bad", 0)
  table.insert(threads, thread)
end

local requests = {}
local position = 0
bad = 0

function init(args)
  local total = tonumber(os.getenv("BENCH_THREADS"))
  local origin = os.getenv("BENCH_ORIGIN")
  local lines = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    table.insert(lines, line)
  end
  for number, line in ipairs(lines) do
    -- A list shorter than the thread count is shared whole.
    if #lines < total or (number - 1) % total == id then
      local method, path, cookie, token, ctype, body, range = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
      local headers = {["X-Forwarded-Proto"] = "https", ["Origin"] = origin}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if token ~= "" then headers["X-CSRFToken"] = token end
      if ctype ~= "" then headers["Content-Type"] = ctype end
      if range ~= "" then headers["Range"] = range end
      if body == "" then body = nil end
      table.insert(requests, wrk.format(method, path, headers, body))
    end
  end
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  if status >= 300 and status < 400 then
    local location = headers["Location"] or headers["location"] or ""
    if not location:find("/result", 1, true) then
      bad = bad + 1
    end
  end
end

function done(summary, latency, requests)
  local unexpected = 0
  for _, thread in ipairs(threads) do
    unexpected = unexpected + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status + unexpected))
end
