#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A small HTTP server on 127.0.0.1 for the download tests.

GET /files/NAME sends ROOT/NAME; GET /cut/NAME announces the full length but
sends half and drops the connection (an interrupted transfer); anything else
is 404. Prints the chosen port on its first line, serves until killed, and
stops by itself after 120 seconds so that a crashed test never leaves it up.
"""
import http.server
import os
import sys
import threading


def main():
    root = sys.argv[1]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            parts = self.path.strip("/").split("/")
            path = os.path.join(root, os.path.basename(parts[-1]))
            if len(parts) != 2 or parts[0] not in ("files", "cut") or not os.path.isfile(path):
                self.send_error(404)
                return
            with open(path, "rb") as f:
                data = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if parts[0] == "cut":
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Timer(120, server.shutdown).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
