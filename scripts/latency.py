"""Measures how long a generation takes from POST to each pushed SSE event, against a
running api (embedded mode). Uses only the standard library.

    IMAGEGEN_SIM_START_DELAY_MS=0 IMAGEGEN_SIM_RUN_MS=0 cargo run --release -p imagegen-api
    python3 scripts/latency.py http://127.0.0.1:8080 <token> [count] [size]

With the simulator's delays at zero, what remains is imagegen's own pipeline: the
submission job, the provider call, two signed webhooks (verify, record, queue, apply),
the image copy (fetch, decode, store), the relay and the SSE push.
"""

import base64
import json
import statistics
import sys
import threading
import time
import urllib.request

base, token = sys.argv[1].rstrip("/"), sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 50
size = sys.argv[4] if len(sys.argv) > 4 else "64x64"
payload = token.split(".")[1]
user_id = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]

arrivals = {}  # (generation id, event type) -> time
lock = threading.Condition()


def listen():
    url = f"{base}/v1/events?channel=user:{user_id}&access_token={token}"
    with urllib.request.urlopen(url) as stream:
        event = None
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data = json.loads(line[5:])
                with lock:
                    arrivals[(data["aggregate_id"], event)] = time.perf_counter()
                    lock.notify_all()


threading.Thread(target=listen, daemon=True).start()
time.sleep(0.5)
totals, firsts = [], []
for _ in range(count):
    body = json.dumps({"prompt": "latency probe", "settings": {"size": size}}).encode()
    request = urllib.request.Request(
        f"{base}/v1/generations", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        generation = json.load(response)["id"]
    with lock:
        ok = lock.wait_for(lambda: (generation, "GenerationCompleted") in arrivals, timeout=30)
    assert ok, f"{generation} did not complete"
    totals.append((arrivals[(generation, "GenerationCompleted")] - started) * 1000)
    firsts.append((arrivals[(generation, "GenerationStarted")] - started) * 1000)


def summary(values):
    values = sorted(values)
    return f"p50 {statistics.median(values):.1f} ms, p95 {values[int(len(values) * 0.95) - 1]:.1f} ms, max {values[-1]:.1f} ms"


print(f"{count} generations of {size}, one at a time")
print(f"POST -> GenerationStarted pushed:   {summary(firsts)}")
print(f"POST -> GenerationCompleted pushed: {summary(totals)}")
