"""`python -m fuzz`: list the targets, write seed corpora, or run every target under atheris.

    python -m fuzz list
    python -m fuzz seeds OUTDIR
    python -m fuzz run TARGET [libFuzzer args]
    python -m fuzz all [--seconds 60 | --runs 2000] [--work DIR] [--report fuzz-report.json]

`all` runs each target in its own process (libFuzzer ends the process it runs in), seeded
from `fuzz.seeds`, and writes executions, coverage (`cov`, `ft`), corpus sizes and crashes
per target into the report. A crash leaves its input in WORK/TARGET/crashes/: turn it into
a file under fuzz/regressions/TARGET/ (replayed by tests/test_fuzz.py) once fixed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .seeds import ROOT, demo_folder, write_corpus
from .targets import TARGETS

_DONE = re.compile(r"#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/")
_PROGRESS = re.compile(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/")
_EXECUTED = re.compile(r"stat::number_of_executed_units: (\d+)")
BEGIN, END = "<!-- fuzz:begin -->", "<!-- fuzz:end -->"


def run_target(
    target: str, work: Path, *, seconds: int | None, runs: int | None, demo: Path
) -> dict[str, Any]:
    """Fuzz one target in a subprocess; its figures."""
    corpus, crashes, seeds = work / "corpus", work / "crashes", work / "seeds"
    crashes.mkdir(parents=True, exist_ok=True)
    corpus.mkdir(parents=True, exist_ok=True)
    seeded = write_corpus(target, seeds, demo=demo)
    limit = [f"-max_total_time={seconds}"] if seconds else [f"-runs={runs or 1000}"]
    command = [
        sys.executable, "-m", "fuzz.run", target, str(corpus), str(seeds),
        *limit, "-timeout=30", "-rss_limit_mb=4096", "-max_len=65536",
        "-print_final_stats=1", f"-artifact_prefix={crashes}/",
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, errors="replace")
    log = done.stderr + done.stdout
    (work / "log.txt").write_text(log, "utf-8")
    stats = _DONE.findall(log) or _PROGRESS.findall(log)
    executed = _EXECUTED.findall(log)
    last = stats[-1] if stats else ("0", "0", "0", "0")
    found = sorted(p.name for p in crashes.iterdir())
    return {
        "target": target,
        "seeds": seeded,
        "executions": int(executed[-1]) if executed else int(last[0]),
        "cov": int(last[1]),
        "ft": int(last[2]),
        "corpus": int(last[3]),
        "seconds": round(time.monotonic() - started, 1),
        "exit": done.returncode,
        "crashes": found,
    }


def table(report: dict[str, Any], command: str) -> str:
    """The Markdown table of a run, for docs/security.md."""
    lines = [
        f"`{command}` ({report['seconds']} s in all, one core):",
        "",
        "| target | seeds | executions | cov | ft | corpus | crashes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["targets"]:
        lines.append(
            f"| `{r['target']}` | {r['seeds']} | {r['executions']} | {r['cov']} | {r['ft']} "
            f"| {r['corpus']} | {len(r['crashes'])} |"
        )
    lines.append(f"| **all** | | **{report['executions']}** | | | | **{report['crashes']}** |")
    return "\n".join(lines)


def write_docs(report: dict[str, Any], args: argparse.Namespace) -> None:
    """Replace the table between the fuzz markers in docs/security.md."""
    limit = f"--seconds {args.seconds}" if args.seconds else f"--runs {args.runs or 1000}"
    docs = ROOT / "docs" / "security.md"
    text = docs.read_text("utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    body = table(report, f"python -m fuzz all {limit}")
    docs.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}", "utf-8")


def main(argv: list[str] | None = None) -> int:
    """The command line above."""
    parser = argparse.ArgumentParser(prog="python -m fuzz")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    seeds = commands.add_parser("seeds")
    seeds.add_argument("outdir", type=Path)
    every = commands.add_parser("all")
    every.add_argument("--seconds", type=int, help="time per target")
    every.add_argument("--runs", type=int, help="executions per target (default 1000)")
    every.add_argument("--work", type=Path, help="corpora and crashes (default: a temp dir)")
    every.add_argument("--report", type=Path, help="write the figures here (JSON)")
    every.add_argument("--only", action="append", choices=sorted(TARGETS), help="these targets")
    every.add_argument("--write-docs", action="store_true", help="the table into security.md")
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "run":
        from .run import main as run_main

        sys.argv = [sys.argv[0], *sys.argv[2:]]
        run_main()
        return 0
    args = parser.parse_args(argv)
    if args.command == "list":
        print("\n".join(TARGETS))
        return 0
    demo = demo_folder()
    if args.command == "seeds":
        for target in TARGETS:
            print(target, write_corpus(target, args.outdir / target, demo=demo))
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="edubadge-fuzz-"))
    results = []
    for target in args.only or list(TARGETS):
        result = run_target(target, work / target, seconds=args.seconds, runs=args.runs, demo=demo)
        results.append(result)
        print(json.dumps(result), flush=True)
    report = {
        "seconds": round(sum(r["seconds"] for r in results)),
        "targets": results,
        "executions": sum(r["executions"] for r in results),
        "crashes": sum(len(r["crashes"]) for r in results),
        "work": str(work),
    }
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    if args.write_docs:
        write_docs(report, args)
    print(f"{report['executions']} executions, {report['crashes']} crashes ({work})")
    return 1 if report["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
