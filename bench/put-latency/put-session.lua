-- One client PUTs new sessions, 20 per patient, as a platform would after each session: every request is a real
-- write (a new session with a WAI-SR and a PHQ-9) followed by rupture detection over the patient's history.
-- Alliance mostly sits at a patient's level with small moves and an occasional deep dip, so alerts are raised too.
local counter = 0
local run = os.getenv("RUN_ID") or tostring(os.time())
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
  local patient = math.floor((counter - 1) / 20)
  local session = (counter - 1) % 20 + 1
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
