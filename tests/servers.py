"""Servers a test starts and owns: a Redis of its own, on a free port of 127.0.0.1, which the
test may stop, freeze (SIGSTOP: the socket stays open, nothing answers) or kill without touching
the machine's shared Redis."""

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

REDIS_SERVER = os.environ.get("REDIS_SERVER_PATH", "/usr/bin/redis-server")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on 127.0.0.1:{port} after {timeout} s")


class RedisServer:
    def __init__(self, process, port):
        self.process, self.port = process, port
        self.url = f"redis://127.0.0.1:{port}/0"

    def freeze(self):
        """The process stops answering; its socket stays open (a hung Redis)."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process.poll() is None:
            self.thaw()
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def redis_server(directory: Path, *options):
    """A redis-server of this test's own, without persistence, stopped on exit."""
    if not Path(REDIS_SERVER).exists():
        raise RuntimeError(
            f"redis-server est introuvable ({REDIS_SERVER}) : lancez `make system-packages` "
            "(paquet Debian redis-server)."
        )
    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(directory),
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = RedisServer(process, port)
    try:
        wait_for_port(port)
        yield server
    finally:
        server.stop()


@contextmanager
def http_server(handler_class):
    """An HTTP server of this test's own on a free port of 127.0.0.1, one thread per request,
    serving `handler_class` (a BaseHTTPRequestHandler); yields its base address, no final /."""
    from http.server import ThreadingHTTPServer
    from threading import Thread

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
