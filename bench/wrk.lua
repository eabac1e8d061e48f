-- wrk script for bench/: wrk ... --script bench/wrk.lua URL -- PATH...
-- Goes round the paths and prints one line at the end, RESULT {JSON}: requests, answers
-- other than 2xx and 3xx, socket errors (timeouts included) and latency in µs.
local threads = 0

function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

function init(args)
  paths = args
  -- Threads start at different paths, so they do not ask for the same page at once.
  position = offset % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
      .. '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
