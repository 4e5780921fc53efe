"""Drives the simulator with Replicate's official Python client, unchanged.

    pip install replicate
    cargo run -p imagegen-provider-sim &            # listens on 127.0.0.1:9000
    python3 scripts/replicate-client-check.py [http://127.0.0.1:9000]

Exits non-zero if the client cannot create, wait for, read, or cancel a prediction,
read the signing secret, or validate the simulator's webhooks with its own validator.
"""

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from replicate.client import Client
from replicate.webhook import Webhooks

base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9000").rstrip("/")
client = Client(api_token="r8_simulator", base_url=base)

# Official model, by name (POST /v1/models/{owner}/{name}/predictions).
prediction = client.models.predictions.create(
    model="black-forest-labs/flux-schnell",
    input={"prompt": "a lighthouse at dusk", "width": 64, "height": 48, "num_outputs": 2, "seed": 7},
)
assert prediction.status == "starting", prediction.status
prediction.wait()
assert prediction.status == "succeeded", (prediction.status, prediction.error)
assert isinstance(prediction.output, list) and len(prediction.output) == 2, prediction.output
fetched = client.predictions.get(prediction.id)
assert fetched.output == prediction.output

# By version (POST /v1/predictions), then cancel.
other = client.predictions.create(version="owner/model:" + "a" * 64, input={"prompt": "x"})
other.cancel()
other.reload()
assert other.status == "canceled", other.status

# The signing secret, as the client reads it.
secret = client.webhooks.default.secret()
assert secret.key.startswith("whsec_"), secret.key

# A webhook from the simulator passes the client's own signature validation.
received = []


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"])).decode()
        received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=server.serve_forever, daemon=True).start()
hook_url = f"http://127.0.0.1:{server.server_address[1]}/hook"
client.predictions.create(
    version="owner/model", input={"prompt": "y"}, webhook=hook_url, webhook_events_filter=["start", "completed"]
)
deadline = time.time() + 20
while len(received) < 2 and time.time() < deadline:
    time.sleep(0.05)
assert len(received) == 2, f"expected the start and completed webhooks, got {len(received)}"
for headers, body in received:
    Webhooks.validate(headers=headers, body=body, secret=secret)
server.shutdown()

print("replicate client OK:", prediction.id, prediction.output[0])
