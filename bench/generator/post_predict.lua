-- wrk script for bench/generator/run.sh: POST $PAYLOAD (data/payload.json) as JSON, the same body
-- bench/scenarios/predict-max.yaml and the Locust PredictMax users send.
local file = assert(io.open(os.getenv("PAYLOAD"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
file:close()
