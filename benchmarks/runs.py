"""Headline figures of several ``make bench`` runs side by side, with median [min–max] across runs.

``python -m benchmarks.runs RUN.json [RUN.json ...] [-o results/runs.md]`` reads the
``bench.json`` of each run (in the order given) and writes a Markdown table: one row per
headline figure, one column per run, then the median, min and max across runs and the target.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.report import RESULTS, _fmt, _get

Getter = Callable[[dict[str, Any]], Any]


def _p95_both(key: str) -> Getter:
    """The budgeted p95: the larger of the steps view and the wall view (median over rounds)."""
    def get(sec: dict[str, Any]) -> Any:
        vals = [_get(sec, key, view, "p95", "median") for view in ("page_s", "wall_per_page_s")]
        vals = [v for v in vals if v is not None]
        return max(vals) if vals else None
    return get


def _path(*path: str) -> Getter:
    return lambda sec: _get(sec, *path)


def _worst(sec: dict[str, Any]) -> Any:
    vals = [v.get("worst_page_s") for v in sec.values() if isinstance(v, dict)]
    vals = [v for v in vals if v is not None]
    return max(vals) if vals else None


# (label, getter, unit, target shown)
HEADLINES: list[tuple[str, Getter, str, str]] = [
    ("worst page, any set", _worst, "s", "≤ 10 s"),
    ("born-digital p95, real (in-process)", _p95_both("pipeline_real"), "s", "≤ 0.4 s"),
    ("born-digital p95, generated (in-process)", _p95_both("pipeline_generated"), "s", "≤ 0.4 s"),
    ("scanned p50, generated", _path("scanned_generated", "page_s", "p50", "median"), "s", ""),
    ("scanned p95, generated", _p95_both("scanned_generated"), "s", "≤ 5 s"),
    ("scanned max, generated", _path("scanned_generated", "worst_page_s"), "s", "≤ 10 s"),
    ("scanned worker CPU/page p95, generated", _path("scanned_generated",
                                                      "worker_cpu_per_page_s", "p95", "median"),
     "s", ""),
    ("scanned wall ÷ worker CPU, generated", _path("scanned_generated", "worker_cpu_per_page_s",
                                                   "wall_over_cpu", "median"), "×", ""),
    ("scanned p50, real", _path("scanned_real", "page_s", "p50", "median"), "s", ""),
    ("scanned p95, real", _p95_both("scanned_real"), "s", "≤ 5 s"),
    ("scanned max, real", _path("scanned_real", "worst_page_s"), "s", "≤ 10 s"),
    ("scanned worker CPU/page p95, real", _path("scanned_real", "worker_cpu_per_page_s", "p95",
                                                 "median"), "s", ""),
    ("scanned wall ÷ worker CPU, real", _path("scanned_real", "worker_cpu_per_page_s",
                                              "wall_over_cpu", "median"), "×", ""),
    ("OCR share of scanned step time", _path("profile_scanned", "families", "0", "share"), "%",
     ""),
    ("OCR: detection s/page", _path("ocr_breakdown", "median_s", "det_s"), "s", ""),
    ("OCR: recognition s/page", _path("ocr_breakdown", "median_s", "rec_s"), "s", ""),
    ("OCR breakdown: wall ÷ CPU", lambda s: _ratio(_get(s, "ocr_breakdown", "median_s")), "×",
     ""),
    ("end to end over HTTP p50 /page, real", _path("http_real", "wall_per_page_s", "p50",
                                                   "median"), "s", ""),
    ("end to end over HTTP p95 /page, real", _path("http_real", "wall_per_page_s", "p95",
                                                   "median"), "s", ""),
    ("end to end over HTTP p50 /page, generated", _path("http_generated", "wall_per_page_s",
                                                        "p50", "median"), "s", ""),
    ("end to end over HTTP p95 /page, generated", _path("http_generated", "wall_per_page_s",
                                                        "p95", "median"), "s", ""),
    ("HTTP: queued share (dispatcher poll), real", _path("http_real", "phases", "queued_s",
                                                         "share"), "%", ""),
    ("median pipeline ÷ floor, real", _path("ratio_real", "median_ratio", "median"), "×", "≤ 3"),
    ("median pipeline ÷ floor, generated", _path("ratio_generated", "median_ratio", "median"),
     "×", "≤ 3"),
    ("batch throughput, 2 workers", _path("batch", "pages_per_s"), "pages/s", "≥ 10"),
    ("worker RSS growth (leak run)", _path("batch", "leak", "growth"), "%", "< 10 %"),
    ("cold start to /readyz", _path("cold_start", "seconds", "median"), "s", ""),
]


def _ratio(med: dict[str, Any] | None) -> float | None:
    if not med or not med.get("cpu_s"):
        return None
    return float(med["total_s"]) / float(med["cpu_s"])


def _families_first(sec: dict[str, Any]) -> dict[str, Any]:
    """Index lists by position for ``_get`` (``families.0.share``)."""
    out = dict(sec)
    prof = sec.get("profile_scanned")
    if isinstance(prof, dict):
        out["profile_scanned"] = {**prof, "families": {str(i): f for i, f in
                                                       enumerate(prof.get("families", []))}}
    return out


def table(runs: list[dict[str, Any]], names: list[str]) -> str:
    """The Markdown table of the headline figures of ``runs``."""
    lines = ["| figure | " + " | ".join(names) + " | median [min–max] | target | ok |",
             "|---|" + "---:|" * len(names) + "---:|---|---|"]
    for label, get, unit, target in HEADLINES:
        vals = [get(_families_first(r["sections"])) for r in runs]
        got = [float(v) for v in vals if v is not None]
        if not got:
            continue
        med = statistics.median(got)
        agg = _fmt(med, unit) + (f" [{_fmt(min(got), unit)}–{_fmt(max(got), unit)}]"
                                 if len(got) > 1 else "")
        lines.append(f"| {label} | " + " | ".join(_fmt(v, unit) for v in vals)
                     + f" | {agg} | {target} | {_ok(med, target)} |")
    return "\n".join(lines)


def _ok(value: float, target: str) -> str:
    if not target:
        return ""
    op, _, rest = target.partition(" ")
    limit = float(rest.split()[0])
    if rest.endswith("%"):
        limit /= 100
    passed = {"≤": value <= limit, "<": value < limit, "≥": value >= limit}[op]
    return "met" if passed else "**missed**"


def main(argv: list[str] | None = None) -> int:
    """Write the runs table (default ``results/runs.md``) from several runs' ``bench.json``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path, help="bench.json of each run, oldest first")
    ap.add_argument("-o", "--out", type=Path, default=RESULTS / "runs.md")
    ap.add_argument("--note", action="append", default=[], help="a line for the notes")
    args = ap.parse_args(argv)
    runs = [json.loads(p.read_text()) for p in args.runs]
    names = [f"run {i} ({r['created'][5:16].replace('T', ' ')})" for i, r in
             enumerate(runs, 1)]
    m = runs[-1]["machine"]
    text = [f"# COSY benchmarks: {len(runs)} runs of `make bench`", "",
            f"Machine: {m['cpus']} CPUs, Python {m['python']}. Each column is one full run "
            "(its own figure is the median over that run's rounds); the last columns give the "
            "median [min–max] across runs and whether the median meets the target. The latest "
            "run's full report is `bench.md`.", "", table(runs, names)]
    if args.note:
        text += ["", "## Notes", ""] + [f"- {n}" for n in args.note]
    args.out.write_text("\n".join(text) + "\n")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
