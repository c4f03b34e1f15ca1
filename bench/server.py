"""The production server under test: gunicorn started and stopped, its workers' memory read
from /proc."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import GUNICORN, PORT, ROOT, SPEED_LIMIT_PATH, base_env, flush_redis


def url(path):
    return f"http://127.0.0.1:{PORT}{path}"


def port_is_free(port):
    with socket.socket() as probe_socket:
        return probe_socket.connect_ex(("127.0.0.1", port)) != 0


class Server:
    """gunicorn as `make serve` runs it, in its own process group."""

    def __init__(self, dataset, cache):
        self.dataset, self.cache = dataset, cache

    def __enter__(self):
        if not port_is_free(PORT):
            sys.exit(f"Le port {PORT} est pris : choisissez-en un autre avec BENCH_PORT.")
        flush_redis()
        env = base_env(self.dataset, PORT=str(PORT), CACHE_DISABLED="" if self.cache else "1")
        name = f"gunicorn-{self.dataset['key']}-{'cache' if self.cache else 'sans-cache'}.log"
        self.log = (ROOT / "var" / "bench" / name).open("w+")
        self.process = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "deffinum.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url(SPEED_LIMIT_PATH), timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        else:
            self.__exit__()
            sys.exit("gunicorn n'a pas démarré : " + self.log_text())
        time.sleep(1)  # every worker booted
        return self

    def workers(self):
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def log_text(self):
        self.log.seek(0)
        return self.log.read()[-3000:]

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def memory_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peaks(pids):
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to VmRSS
