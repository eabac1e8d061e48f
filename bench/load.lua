-- wrk script for bench/load.py: cycles through every public page and counts the answers.
--
--   wrk ... --script bench/load.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- PATHS_FILE holds one path a line. Each wrk thread starts at a different place in the
-- list, so the threads do not all ask for the same page at the same moment. done()
-- prints one line, LOAD_RESULT {...} (JSON): requests, the count of each status code,
-- wrk's socket errors and the latency percentiles (microseconds).

local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
  position = offset % #paths
  -- Global, so that done() can read it from each thread with thread:get().
  statuses = {}
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

done = function(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    parts[#parts + 1] = string.format('"%s": %d', status, count)
  end
  table.sort(parts)
  local errors = summary.errors
  io.write(string.format(
    'LOAD_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "statuses": {%s}, '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, table.concat(parts, ", "),
    errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
