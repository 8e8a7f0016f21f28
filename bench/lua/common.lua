-- Shared by every telemock benchmark script: request settings from the environment, and a
-- machine-readable summary line.  wrk loads a script once per thread and once more for the
-- `done` hook, so everything here is plain top-level code.
--
--   WRK_METHOD   GET, PUT, PATCH, POST…            (default GET)
--   WRK_HEADERS  "Name: value" lines, separated by "\n"
--   WRK_BODY     the request body (static scripts)

local common = {}

function common.headers()
  local headers = {}
  local raw = os.getenv("WRK_HEADERS") or ""
  for line in raw:gmatch("[^\n]+") do
    local name, value = line:match("^%s*([^:]+):%s*(.-)%s*$")
    if name then headers[name] = value end
  end
  return headers
end

function common.configure()
  wrk.method = os.getenv("WRK_METHOD") or "GET"
  for name, value in pairs(common.headers()) do
    wrk.headers[name] = value
  end
  local body = os.getenv("WRK_BODY")
  if body and body ~= "" then
    wrk.body = body
    if not wrk.headers["Content-Type"] then wrk.headers["Content-Type"] = "application/json" end
  end
end

-- One line, prefixed so the Python side can find it among wrk's own report.
function common.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"lat_mean_us":%.1f,"lat_max_us":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9)))
end

return common
