"""A loopback HTTP/1.1 server whose every response is one large body (BODY_MB megabytes of 'x'), kept
alive, for bench/client_memory/run.sh. Prints its port on the first line of stdout, then serves until
killed by the script that started it (by PID)."""
import http.server
import socketserver
import sys

BODY_MB = int(sys.argv[1]) if len(sys.argv) > 1 else 200
CHUNK = b"x" * (1 << 20)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(BODY_MB << 20))
        self.end_headers()
        try:
            for _ in range(BODY_MB):
                self.wfile.write(CHUNK)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
