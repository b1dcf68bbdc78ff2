"""Load on the issuer service: concurrent clients issuing and verifying over loopback HTTP.

    python -m bench.server_load [--clients 50] [--seconds 60] [--workers 2] [--out FILE]

It starts `edubadge serve` (a fresh dev setup in a temporary folder, SQLite status store) on
a free port of 127.0.0.1, runs `--clients` asyncio clients for `--seconds`, each looping
"issue a micro-credential, then verify it", and reports every error, the median and p99
latency of each operation, the throughput, duplicate status-list indexes (when credentials
carry status), and the load average before and after. Requests go to loopback only; the run
stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from edubadge.server.launch import bootstrap

ROOT = Path(__file__).resolve().parent.parent


def _description() -> dict[str, Any]:
    data = json.loads((ROOT / "vectors/microcredential/input.json").read_text("utf-8"))
    data.pop("issuer")
    return dict(data)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _client(
    base: str, headers: dict[str, str], until: float, results: dict[str, Any]
) -> None:
    body = {"microCredential": _description()}
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        while time.monotonic() < until:
            start = time.perf_counter()
            issued = await http.post("/micro-credentials/issue", json=body, headers=headers)
            results["issue"].append(time.perf_counter() - start)
            if issued.status_code != 201:
                results["errors"].append(f"issue {issued.status_code}: {issued.text[:200]}")
                continue
            credential = issued.json()["verifiableCredential"]
            status = credential.get("credentialStatus")
            for entry in status if isinstance(status, list) else [status] if status else []:
                results["indexes"].append((entry["statusListCredential"], entry["statusListIndex"]))
            start = time.perf_counter()
            verified = await http.post(
                "/credentials/verify", json={"verifiableCredential": credential}
            )
            results["verify"].append(time.perf_counter() - start)
            if verified.status_code != 200 or not verified.json().get("verified"):
                problems = verified.json().get("problems") or [{"detail": verified.text[:300]}]
                details = "; ".join(str(p.get("detail")) for p in problems)
                results["errors"].append(f"verify {verified.status_code}: {details}")


async def _run(base: str, api_key: str, clients: int, seconds: float) -> dict[str, Any]:
    results: dict[str, Any] = {"issue": [], "verify": [], "errors": [], "indexes": []}
    headers = {"Authorization": f"Bearer {api_key}"}
    until = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_client(base, headers, until, results) for _ in range(clients)))
    results["elapsed"] = time.perf_counter() - started
    return results


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> None:
    """Run the load and print (and optionally write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=18_765)
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config, api_key = bootstrap(Path(folder) / "data")
        assert api_key is not None
        base = f"http://127.0.0.1:{args.port}"
        command = [
            sys.executable, "-m", "edubadge", "serve", "--config", str(config),
            "--host", "127.0.0.1", "--port", str(args.port), "--workers", str(args.workers),
        ]  # fmt: skip
        log = (Path(folder) / "server.log").open("wb")
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(base, server)
            load_before = os.getloadavg()
            results = asyncio.run(_run(base, api_key, args.clients, args.seconds))
            load_after = os.getloadavg()
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    duplicates = [key for key, n in Counter(results["indexes"]).items() if n > 1]
    report = {
        "clients": args.clients,
        "seconds": round(results["elapsed"], 1),
        "server_workers": args.workers,
        "cpus": os.cpu_count(),
        "issued": len(results["issue"]),
        "verified": len(results["verify"]),
        "errors": len(results["errors"]),
        "first_errors": results["errors"][:5],
        "status_indexes": len(results["indexes"]),
        "duplicate_status_indexes": len(duplicates),
        "throughput_per_s": round(
            (len(results["issue"]) + len(results["verify"])) / results["elapsed"], 1
        ),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }
    for operation in ("issue", "verify"):
        values = results[operation]
        if values:
            report[f"{operation}_median_ms"] = round(statistics.median(values) * 1000, 1)
            report[f"{operation}_p99_ms"] = round(_percentile(values, 0.99) * 1000, 1)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    if results["errors"] or duplicates:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
