-- wrk script used by run-serving.sh.
--   wrk -t2 -c8 -d20s -s wrk-report.lua http://127.0.0.1:8080/health
--   WRK_BODY_FILE=predict.json wrk -t2 -c8 -d20s -s wrk-report.lua http://127.0.0.1:8080/predict
-- With WRK_BODY_FILE set, every request POSTs that file as JSON (wrk has no body option).
-- At the end prints one line in the same format as `serving-runtime.jar bench`:
--   wrk: requests=… rps=… p50_ms=… p95_ms=… p99_ms=… max_ms=… errors=… non2xx=… io_errors=…
local path = os.getenv("WRK_BODY_FILE")
if path ~= nil and path ~= "" then
  local f = assert(io.open(path, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  local io_errors = e.connect + e.read + e.write + e.timeout
  -- wrk records latency in microseconds.
  io.write(string.format(
    "wrk: requests=%d rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d non2xx=%d io_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, e.status + io_errors, e.status, io_errors))
end
