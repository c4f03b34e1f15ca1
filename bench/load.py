"""The load: wrk on each page, with and without the cache, next to the static file that gives
the machine's speed limit, then the soak."""

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from common import (
    CONNECTIONS,
    PAGES,
    SECONDS,
    SLOW_SECONDS,
    SOAK_CONNECTIONS,
    SOAK_SECONDS,
    SPEED_LIMIT_PATH,
    STATIC_ROOT,
    TURN,
    log,
)
from probe import probe
from server import Server, memory_kb, reset_peaks, url


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk manque : apt-get install -y wrk")
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"]).returncode:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1, "s": 1000}


def wrk(target, connections, seconds, script=None):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "60s"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, target], capture_output=True, text=True, check=True).stdout
    latency = {
        percentile: float(value) * UNITS[unit]
        for percentile, value, unit in LATENCY.findall(output)
    }
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if socket_errors or non_2xx:
        log(f"  wrk {target} :\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def measured_run(server, path, connections, seconds, script=None):
    """One wrk run, with each worker's peak RSS during it and its growth over the run."""
    pids = server.workers()
    reset_peaks(pids)
    before = {pid: memory_kb(pid, "VmRSS") for pid in pids}
    result = wrk(url(path), connections, seconds, script)
    peaks = {pid: memory_kb(pid, "VmHWM") for pid in pids}
    result["peak_rss_mb"] = max(peaks.values(), default=0) / 1024
    result["rss_growth_mb"] = max((peaks[pid] - before[pid] for pid in pids), default=0) / 1024
    return result


def fetch(path):
    with urllib.request.urlopen(url(path), timeout=120) as response:
        return response.status, len(response.read())


def bench_dataset(dataset):
    pages = probe(dataset)
    dataset["pages"] = pages
    list_bytes = pages["list"]["bytes"]
    speed_limit = STATIC_ROOT / SPEED_LIMIT_PATH.removeprefix("/static/")
    speed_limit.parent.mkdir(parents=True, exist_ok=True)
    filler = "<p>Fichier de la même taille que la page de liste, servi par whitenoise.</p>\n"
    speed_limit.write_text((filler * (list_bytes // len(filler) + 1))[:list_bytes])

    results = {}
    for cache in (True, False):
        mode = "cache" if cache else "sans cache"
        log(f"{dataset['database']} : serveur {mode}")
        with Server(dataset, cache) as server:
            if cache:
                wrk(url(SPEED_LIMIT_PATH), CONNECTIONS, 1)  # every worker started and warm
                dataset["static"] = measured_run(server, SPEED_LIMIT_PATH, CONNECTIONS, SECONDS)
                dataset["static_runs"] = [dataset["static"]["rps"]]
                log(f"  fichier statique : {dataset['static']['rps']:.0f} req/s")
            for key, _label in PAGES:
                page = pages[key]
                if page["status"] != 200:
                    continue
                if cache and page["hit"]:
                    # One render fills the shared cache; eight at once on a cold cache would
                    # keep every worker busy rendering the same page for the whole measure.
                    fetch(page["path"])
                slow = page["seconds"] > SLOW_SECONDS and not (cache and page["hit"])
                if not slow:
                    # Every worker imports, compiles its templates and, with the cache, keeps
                    # its copy of the page before the measure.
                    wrk(url(page["path"]), CONNECTIONS, 1)
                seconds = max(SECONDS, min(40, round(3 * page["seconds"]))) if slow else SECONDS
                static_rps = None
                if cache and not slow:
                    # The machine's other load moves during a run: a cached page and the static
                    # file are measured in turn, twice, and compared over the same minute.
                    statics, pages_rps = [], []
                    for _turn in range(2):
                        statics.append(wrk(url(SPEED_LIMIT_PATH), CONNECTIONS, TURN)["rps"])
                        run = measured_run(server, page["path"], CONNECTIONS, TURN)
                        pages_rps.append(run["rps"])
                    static_rps = statistics.mean(statics)
                    run["rps"] = statistics.mean(pages_rps)
                    dataset["static_runs"] += statics
                else:
                    run = measured_run(server, page["path"], 1 if slow else CONNECTIONS, seconds)
                run["connections"] = 1 if slow else CONNECTIONS
                run["static_rps"] = static_rps
                if not cache:
                    run["single"] = (
                        run if slow else measured_run(server, page["path"], 1, max(3, SECONDS - 2))
                    )
                results[(key, cache)] = run
                log(
                    f"  {key:<20} {mode:<10} {run['rps']:>8.1f} req/s  p50 {run['p50']} ms  "
                    f"p99 {run['p99']} ms  erreurs {run['errors'] + run['non_2xx']}"
                )
            if cache:
                dataset["static"]["rps"] = statistics.median(dataset["static_runs"])
            if cache and dataset["key"] == "synth":
                dataset["soak"] = soak(server, pages)
            errors = server.log_text().count("Traceback")
            dataset.setdefault("server_errors", 0)
            dataset["server_errors"] += errors
    dataset["results"] = results


def soak(server, pages):
    """64 connections on a mix of pages: hits and, for the first visit of each URL, misses."""
    paths = [pages[key]["path"] for key, _label in PAGES if key != "export_csv"]
    paths += pages["soak_paths"]
    lua_paths = ", ".join(json.dumps(path) for path in paths)
    script = Path(tempfile.gettempdir()) / f"deffinum-bench-soak-{os.getpid()}.lua"
    script.write_text(
        f"local paths = {{{lua_paths}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        '  return wrk.format("GET", paths[(i % #paths) + 1])\n'
        "end\n"
    )
    log(f"  endurance : {len(paths)} adresses, 10 s de mise en route puis {SOAK_SECONDS} s")
    wrk(url("/"), SOAK_CONNECTIONS, 10, str(script))
    pids = server.workers()
    rss = [{pid: memory_kb(pid, "VmRSS") for pid in pids}]
    halves = []
    for _half in range(2):
        halves.append(wrk(url("/"), SOAK_CONNECTIONS, SOAK_SECONDS // 2, str(script)))
        rss.append({pid: memory_kb(pid, "VmRSS") for pid in pids})
    result = {key: sum(half[key] for half in halves) for key in ("requests", "errors", "non_2xx")}
    result["rps"] = statistics.mean(half["rps"] for half in halves)
    result["p99"] = max(half["p99"] or 0 for half in halves)
    script.unlink()
    result["urls"] = len(paths)
    result["rss_mb"] = [max(sample.values(), default=0) / 1024 for sample in rss]
    # A leak shows as growth under the same load: the first half may still fill the per-process
    # page copies (bounded); the largest worker must not grow in the second.
    result["rss_growth_mb"] = result["rss_mb"][2] - result["rss_mb"][1]
    result["workers_alive"] = sum(1 for pid in pids if Path(f"/proc/{pid}").exists())
    result["workers"] = len(pids)
    log(
        f"  endurance : {result['rps']:.0f} req/s, erreurs {result['errors']}, non-2xx "
        f"{result['non_2xx']}, RSS max "
        + " → ".join(f"{value:.0f}" for value in result["rss_mb"])
        + " Mo"
    )
    return result
