-- wrk script: POST $PAYLOAD to the URL's path, each connection pausing $DELAY_MS between requests, so
-- the total rate is about connections * 1000 / DELAY_MS per second (a paced load, not wrk2's constant
-- arrival rate: latency is not corrected for coordinated omission, which matters little below saturation).
local file = assert(io.open(os.getenv("PAYLOAD") or "payload.json", "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
file:close()
local pause = tonumber(os.getenv("DELAY_MS") or "1")
function delay()
  return pause
end
