"""An HTTP server on 127.0.0.1 (a free port, in a thread) serving files from memory: the
stand-in for the CIFAR-10 download in tests (never the internet)."""
import contextlib
import http.server
import threading


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves ``self.server.routes``: path -> (body, Content-Length to announce); every
    request's path goes into ``self.server.requests``."""

    def do_GET(self):
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        body, length = route
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving():
    """Yield (server, base URL); add routes to server.routes, read server.requests."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.routes, server.requests = {}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
