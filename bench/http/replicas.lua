-- wrk through nginx to several `aras serve` replicas (bench/replicas_load.sh): 50 % /route, 30 % /geocode,
-- 20 % GET /scenarios/ID (ids in $ARAS_SCENARIO_IDS, space-separated). Counts the answers per replica
-- (X-Aras-Instance header) and per status; done() prints them. The response() hook makes wrk parse every
-- response's headers, which costs wrk some CPU: compare req/s only between runs of this script.
local routes = {
  {"46.29,38.08", "45.41,39.21"},  -- Tabriz -> Nakhchivan (via Jolfa-Julfa)
  {"48.30,38.25", "48.85,38.42"},  -- Ardabil -> Astara (IR)
  {"48.85,38.42", "48.87,38.45"},  -- Astara (IR) -> Astara (AZ), across the crossing
  {"46.29,38.08", "48.30,38.25"},  -- Tabriz -> Ardabil
}
local names = {"Astara", "Tabriz", "Nakhchivan", "Julfa", "Ardabil",
  "%D8%A2%D8%B3%D8%AA%D8%A7%D8%B1%D8%A7",          -- آستارا
  "%D0%90%D1%81%D1%82%D0%B0%D1%80%D0%B0",          -- Астара
  "%D7%98%D7%91%D7%A8%D7%99%D7%96",                -- טבריז
  "Nah%C3%A7%C4%B1van"}
local scenarios = {}
for id in string.gmatch(os.getenv("ARAS_SCENARIO_IDS") or "", "%S+") do scenarios[#scenarios + 1] = id end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

local i = 0
instances = {}  -- X-Aras-Instance value -> answers (read by done() through thread:get)
statuses = {}   -- HTTP status -> answers

function init(args)
  i = (id or 1) * 7  -- threads start at different points of the mix
end

function request()
  i = i + 1
  local k = i % 10
  if k < 5 then
    local p = routes[(i % #routes) + 1]
    return wrk.format("GET", "/route?from=" .. p[1] .. "&to=" .. p[2])
  elseif k < 8 or #scenarios == 0 then
    return wrk.format("GET", "/geocode?q=" .. names[(i % #names) + 1] .. "&limit=5")
  end
  return wrk.format("GET", "/scenarios/" .. scenarios[(i % #scenarios) + 1])
end

function response(status, headers, body)
  local inst = headers["X-Aras-Instance"] or headers["x-aras-instance"] or "none"
  instances[inst] = (instances[inst] or 0) + 1
  local s = tostring(status)
  statuses[s] = (statuses[s] or 0) + 1
end

function done(summary, latency, requests)
  local inst, st = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("instances") or {}) do inst[k] = (inst[k] or 0) + v end
    for k, v in pairs(t:get("statuses") or {}) do st[k] = (st[k] or 0) + v end
  end
  local total = 0
  for _, v in pairs(inst) do total = total + v end
  io.write("answers per replica (X-Aras-Instance):")
  local keys = {}
  for k in pairs(inst) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    io.write(string.format(" %s=%d (%.1f%%)", k, inst[k], total > 0 and 100 * inst[k] / total or 0))
  end
  io.write("\nanswers per status:")
  keys = {}
  for k in pairs(st) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do io.write(" " .. k .. "=" .. st[k]) end
  local e = summary.errors
  io.write(string.format("\nsocket errors: connect %d, read %d, write %d, timeout %d; status errors %d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("latency percentiles: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
