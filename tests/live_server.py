"""`gkcheck serve` as a real process on 127.0.0.1 (a free port), for browser tests and the load benchmark."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

START_SECONDS = 60


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(*options: str) -> Iterator[LiveServer]:
    """Start `gkcheck serve --port <free> *options`, wait for /healthz, stop it (by its own pid) at the end."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gkcheck.cli", "serve", "--port", str(port), *options],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gkcheck serve ended: {process.stdout.read().decode(errors='replace')}")
            with contextlib.suppress(OSError):
                status, _, body = server.get("/healthz")
                if status == 200 and json.loads(body)["status"] == "ok":
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("gkcheck serve did not start")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
