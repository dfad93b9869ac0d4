-- Clients PUT new sessions, 20 per patient, as a platform would after each session: every request is a real write (a
-- new session with a WAI-SR and a PHQ-9) followed by rupture detection over the patient's history. Alliance mostly sits
-- at a patient's level with small moves and an occasional deep dip, so alerts are raised too. With CONNECTIONS clients
-- (default 1) requests go round-robin over 8 x CONNECTIONS patients, each still in session order: a platform posts many
-- patients' sessions at once, and one patient's next session only after the last (days apart, not milliseconds), so
-- requests in flight together are for different patients and do not queue on one patient's row lock (round-robin over
-- just CONNECTIONS patients put a patient's next session in flight while a slow previous one still held the lock).
-- Run it with one wrk thread (-t1): the counter is per thread.
local counter = 0
local run = os.getenv("RUN_ID") or tostring(os.time())
local connections = tonumber(os.getenv("CONNECTIONS") or "1")
local spread = connections == 1 and 1 or 8 * connections
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("INGEST_KEY")

local function items(count, value, low, high)
  local t = {}
  for i = 1, count do
    local v = value + ((i % 3 == 0) and 1 or 0)
    if v < low then v = low end
    if v > high then v = high end
    t[i] = tostring(v)
  end
  return "[" .. table.concat(t, ",") .. "]"
end

request = function()
  counter = counter + 1
  local n = counter - 1
  local block = math.floor(n / (spread * 20))
  local patient = block * spread + (n % spread)
  local session = math.floor((n % (spread * 20)) / spread) + 1
  local level = 3 + (patient % 2)
  local dip = (session > 4 and math.random() < 0.08) and 2 or 0
  local body = '{"occurredOn":"2026-11-02","modality":"video","therapistId":"t-' .. (patient % 25) .. '","measurements":['
    .. '{"instrument":"wai-sr","items":' .. items(12, level - dip + math.random(0, 1) - (math.random() < 0.5 and 1 or 0), 1, 5) .. '},'
    .. '{"instrument":"phq-9","items":' .. items(9, math.random(0, 2), 0, 3) .. '}]}'
  return wrk.format(nil, "/api/v1/patients/bench-" .. run .. "-" .. patient .. "/sessions/" .. session, nil, body)
end

response = function(status, headers, body)
  if status ~= 200 and status ~= 201 then
    print("unexpected status " .. status .. ": " .. body)
    wrk.thread:stop()
  end
end
