"""API throughput: the ledger's command and read against bare FastAPI endpoints.

    python -m bench.api_throughput --seconds 10 --connections 8 [--serve-args=--no-projections]

Needs ``wrk`` (Debian package ``wrk``). Starts, on a fresh database, the
ledger service (``sanbao serve``, projections in-process) and the bare app
(``bench/bare_app.py``) under the same uvicorn settings (one worker), and
drives each with wrk, alternating subject and baseline (3 rounds; rates are medians,
ratios the median of each round's ratio):

- ``POST /api/v1/claims/{id}/notes`` vs ``POST /notes/{id}`` (one INSERT);
- ``GET /api/v1/claims/{id}`` vs ``GET /claims/{id}`` (one SELECT).

Reports requests/s, p50 and p99 latency and the service's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2

from bench.common import (
    RESULTS,
    drop_database,
    fresh_database,
    median_run,
    server_facts,
    server_url,
)

# Each request picks one of many claims, as real traffic does: writers on one
# claim would mostly measure optimistic-concurrency retries, not the ledger.
SCRIPT = """
paths = {{{paths}}}
counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  {request}
end
"""
# A header table given to wrk.format would replace the -H headers (Authorization).
POST_REQUEST = (
    'wrk.headers["Content-Type"] = "application/json"; '
    "return wrk.format('POST', path, nil, '{\"text\": \"called the customer back\"}')"
)
GET_REQUEST = 'return wrk.format("GET", path)'
CLAIMS = 64


def start(command: list[str], url: str, port: int) -> subprocess.Popen[bytes]:
    try:
        httpx2.get(f"http://127.0.0.1:{port}/", timeout=0.5)
        raise SystemExit(f"port {port} is already in use: stop what listens there first")
    except httpx2.HTTPError:
        pass  # free, as it should be
    env = {**os.environ, "DATABASE_URL": url}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx2.get(f"http://127.0.0.1:{port}/docs", timeout=0.5)
            return process
        except httpx2.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{' '.join(command)} did not start")


def wrk(
    base: str,
    paths: list[str],
    seconds: int,
    connections: int,
    headers: dict[str, str],
    post: bool,
) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    lua = SCRIPT.format(
        paths=", ".join(f'"{p}"' for p in paths), request=POST_REQUEST if post else GET_REQUEST
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    command += ["-s", script.name, base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),  # type: ignore[index]
        "p50_ms": latency(output, "50%"),
        "p99_ms": latency(output, "99%"),
        "non_2xx": float(m[1])
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output))
        else 0,
    }


def report_claims(base: str, auth: dict[str, str], count: int) -> list[str]:
    """Reports ``count`` claims through the API; returns their ids."""
    body = {
        "kind": "repair",
        "channel": "phone",
        "customer": {"name": "客户", "phone": "13800000000", "region": "广东"},
        "items": [{"model": "XD-450", "category": "lighting", "serial_no": "SN", "price": "99"}],
        "purchase": {"purchased_on": time.strftime("%Y-%m-%d")},
        "requested_remedy": "repair",
        "description": "bench",
    }
    ids = []
    for _ in range(count):
        answer = httpx2.post(f"{base}/api/v1/claims", json=body, headers=auth)
        answer.raise_for_status()
        ids.append(answer.json()["claim"]["id"])
    return ids


def latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def peak_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024  # type: ignore[index]


def run(
    server: str, seconds: int = 10, connections: int = 8, rounds: int = 3, serve_args: str = ""
) -> dict[str, Any]:
    """Both apps on one fresh database; every case ``rounds`` times, in turn."""
    url = fresh_database(server)
    uvicorn = ["--host", "127.0.0.1", "--workers", "1", "--no-access-log", "--log-level", "warning"]
    ledger_app = start(
        [sys.executable, "-m", "api.cli.main", "serve", "--port", "8101", *serve_args.split()],
        url,
        8101,
    )
    token = ledger_app.stdout.readline().decode().strip() if ledger_app.stdout else ""
    while token and not re.fullmatch(r"[\w-]{20,}", token):
        token = ledger_app.stdout.readline().decode().strip()  # type: ignore[union-attr]
    bare_app = start(
        [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port", "8102", *uvicorn],
        url,
        8102,
    )
    results: dict[str, Any] = {"database": server_facts(url), "runs": {}}
    try:
        auth = {"Authorization": f"Bearer {token}"}
        ids = report_claims("http://127.0.0.1:8101", auth, CLAIMS)
        ledger_base, bare_base = "http://127.0.0.1:8101", "http://127.0.0.1:8102"
        cases = {
            "command": (ledger_base, [f"/api/v1/claims/{i}/notes" for i in ids], auth, True),
            "bare_insert": (bare_base, [f"/notes/{i}" for i in ids], {}, True),
            "read": (ledger_base, [f"/api/v1/claims/{i}" for i in ids], auth, False),
            "bare_select": (bare_base, [f"/claims/{i}" for i in ids], {}, False),
        }
        for round_no in range(1, rounds + 1):
            for name, (base, paths, headers, post) in cases.items():
                measured = wrk(base, paths, seconds, connections, headers, post)
                results["runs"].setdefault(name, []).append(measured)
                print(f"round {round_no} {name}: {measured}", file=sys.stderr)
        results["service_peak_rss_mib"] = peak_rss_mib(ledger_app.pid)
    finally:
        ledger_app.terminate()
        bare_app.terminate()
        ledger_app.wait(timeout=20)
        bare_app.wait(timeout=20)
        drop_database(server, url)
    results["median"] = {
        name: median_run([r | {"rate": r["requests_per_s"]} for r in runs])
        for name, runs in results["runs"].items()
    }
    # Each ratio is taken round by round, subject against the baseline measured right
    # after it: the machine's speed drifts between rounds (a shared virtual machine
    # varied by a third within minutes), and a ratio of medians would mix the drift in.
    runs = results["runs"]
    results["command_vs_bare_insert"] = median_ratio(runs["command"], runs["bare_insert"])
    results["read_vs_bare_select"] = median_ratio(runs["read"], runs["bare_select"])
    return results


def median_ratio(subject: list[dict[str, float]], baseline: list[dict[str, float]]) -> float:
    """The median over rounds of the subject's rate over the baseline's in that round."""
    return statistics.median(
        s["requests_per_s"] / b["requests_per_s"] for s, b in zip(subject, baseline, strict=True)
    )


def rows(r: dict[str, Any]) -> list[list[str]]:
    m = r["median"]

    def cell(case: dict[str, Any]) -> str:
        return f"{case['rate']:,.0f} ({case['p50_ms']:.1f} / {case['p99_ms']:.1f} ms)"

    return [
        [
            "API `POST /claims/{id}/notes` vs bare INSERT endpoint: req/s (p50 / p99)",
            cell(m["command"]),
            cell(m["bare_insert"]),
            f"{r['command_vs_bare_insert']:.2f}×",
            "≥ 0.5×",
        ],
        [
            "API `GET /claims/{id}` vs bare SELECT endpoint: req/s (p50 / p99)",
            cell(m["read"]),
            cell(m["bare_select"]),
            f"{r['read_vs_bare_select']:.2f}×",
            "",
        ],
        [
            "memory: peak RSS of the service under this load",
            f"{r['service_peak_rss_mib']:.0f} MiB",
            "",
            "",
            "",
        ],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--serve-args", default="", help='extra arguments for sanbao serve, e.g. "--no-projections"'
    )
    args = parser.parse_args()
    server, _ = server_url()
    results = run(server, args.seconds, args.connections, args.rounds, args.serve_args)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(results, indent=2))
    for row in rows(results):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
