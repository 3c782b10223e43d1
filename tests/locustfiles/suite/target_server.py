"""The loopback target of the side-by-side suite (tests/e2e/locustfiles/side_by_side_test.cpp): a small shop
API that both Locust 2.12 and cicada load. Prints its URL, serves until killed. Deterministic answers.

  GET  /health                 200 OK
  POST /login {"username", "password"}  200 {"token": ...}; 401 for a wrong password
  GET  /items/<id>             200 {"id", "name", "price"} with "Authorization: Bearer tok-*", else 401
  POST /items {"name"}         201 {"id": ...}
  GET  /search?q=...           200 {"results": [...]} (empty for q=none)
  POST /cart, POST /checkout   200 {"ok": true}
  GET  /error                  500
  anything else                404
"""
import json
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and delayed ACKs add 40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return {}

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/health":
            return self.reply(200, b"OK", "text/plain")
        if url.path.startswith("/items/"):
            if not (self.headers.get("Authorization") or "").startswith("Bearer tok-"):
                return self.reply(401, {"error": "login first"})
            item = url.path.split("/")[2]
            return self.reply(200, {"id": item, "name": "item " + item, "price": 10})
        if url.path == "/search":
            q = parse_qs(url.query).get("q", [""])[0]
            return self.reply(200, {"results": [] if q == "none" else [q + "-1", q + "-2"]})
        if url.path == "/error":
            return self.reply(500, {"error": "boom"})
        return self.reply(404, {"error": "not found"})

    def do_POST(self):
        url = urlsplit(self.path)
        data = self.body()
        if url.path == "/login":
            if data.get("password") != "secret":
                return self.reply(401, {"error": "bad password"})
            return self.reply(200, {"token": "tok-" + str(data.get("username"))})
        if url.path == "/items":
            return self.reply(201, {"id": 42, "name": data.get("name")})
        if url.path in ("/cart", "/checkout"):
            return self.reply(200, {"ok": True})
        return self.reply(404, {"error": "not found"})


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"serving on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
