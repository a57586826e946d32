"""The benchmark report: figures collected by the suites, the budget check, JSON/Markdown/PNG.

``python -m benchmarks.report [results/bench.json]`` re-renders the Markdown, the plot and the
budget check from a JSON written by an earlier run (exit code 1 if a target is missed).
"""

from __future__ import annotations

import json
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import ROOT, dump

RESULTS = ROOT / "benchmarks" / "results"

HARD_BUDGET_S = 10.0
P95_TARGET_S = 0.4
RATIO_TARGET = 3.0
BATCH_TARGET = 10.0
RSS_GROWTH_TARGET = 0.10


@dataclass
class Target:
    """One budget: ``value`` must be ``op`` ``limit``; ``value`` None means not measured."""

    name: str
    value: float | None
    limit: float
    op: str  # "<=", "<", ">="
    unit: str = ""
    hard: bool = False

    @property
    def measured(self) -> bool:
        return self.value is not None and self.value == self.value

    @property
    def ok(self) -> bool | None:
        if not self.measured:
            return None
        v = float(self.value)  # type: ignore[arg-type]
        return {"<=": v <= self.limit, "<": v < self.limit, ">=": v >= self.limit}[self.op]

    def line(self) -> str:
        state = {True: "PASS", False: "FAIL", None: "n/a "}[self.ok]
        shown = _fmt(self.value, self.unit) if self.measured else "not measured"
        return f"[{state}] {self.name}: {shown} (target {self.op} {_fmt(self.limit, self.unit)})"


@dataclass
class Report:
    """Sections of figures by name (JSON-safe dicts), plus notes; written at the session's end."""

    sections: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, data: dict[str, Any]) -> None:
        self.sections[name] = data

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def to_json(self) -> dict[str, Any]:
        return {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": machine(),
                "sections": self.sections, "notes": self.notes,
                "targets": [t.__dict__ | {"ok": t.ok} for t in targets(self.sections)]}


def machine() -> dict[str, Any]:
    import os

    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count()}


def _get(d: dict[str, Any], *path: str) -> Any:
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def targets(sections: dict[str, Any]) -> list[Target]:
    """The issue's budgets, evaluated on whatever sections were measured."""
    page_sets = [k for k in ("pipeline_real", "pipeline_generated", "service_real",
                             "service_generated") if k in sections]
    worst = [sections[k]["worst_page_s"] for k in page_sets]
    worst += [r for r in [_get(sections, "batch", "worst_page_s")] if r is not None]
    out = [Target("no page over the hard budget (worst page, any set)",
                  max(worst) if worst else None, HARD_BUDGET_S, "<=", "s", hard=True)]
    for key in ("pipeline_real", "pipeline_generated"):
        label = key.split("_", 1)[1]
        sec = sections.get(key, {})
        # both views must meet it: step seconds per page, and document wall / pages
        p95 = [_get(sec, view, "p95", "median") for view in ("page_s", "wall_per_page_s")]
        p95 = [v for v in p95 if v is not None]
        out.append(Target(f"born-digital p95 per page, {label} (max of compute and wall view)",
                          max(p95) if p95 else None, P95_TARGET_S, "<=", "s"))
    for key in ("ratio_real", "ratio_generated"):
        out.append(Target(f"median pipeline ÷ floor, {key.split('_', 1)[1]}",
                          _get(sections, key, "median_ratio", "median"), RATIO_TARGET, "<=", "×"))
    out.append(Target("batch throughput, 2 workers", _get(sections, "batch", "pages_per_s"),
                      BATCH_TARGET, ">=", "pages/s"))
    out.append(Target("worker RSS growth over the leak run",
                      _get(sections, "batch", "leak", "growth"), RSS_GROWTH_TARGET, "<", "%"))
    return out


def budget_failures(sections: dict[str, Any]) -> list[Target]:
    """The measured targets that were missed (empty: the run passes)."""
    return [t for t in targets(sections) if t.ok is False]


def _fmt(v: Any, unit: str = "") -> str:
    if v is None or v != v:
        return "–"
    if unit == "%":
        return f"{100 * float(v):.1f} %"
    if unit == "s":
        return f"{float(v):.3f} s" if float(v) < 10 else f"{float(v):.1f} s"
    if unit == "×":
        return f"{float(v):.2f}×"
    return f"{float(v):.2f} {unit}".strip()


def _mmm(s: dict[str, Any] | None, unit: str = "s") -> str:
    """median [min–max] of a spread."""
    if not s or s.get("median") is None:
        return "–"
    if s.get("n", 0) <= 1 or s["min"] == s["max"]:
        return _fmt(s["median"], unit)
    return f"{_fmt(s['median'], unit)} [{_fmt(s['min'], unit)}–{_fmt(s['max'], unit)}]"


def markdown(data: dict[str, Any]) -> str:
    """The Markdown summary of a report's JSON."""
    sec = data["sections"]
    lines = [f"# COSY benchmarks ({data['created']})", "",
             f"Machine: {data['machine']['cpus']} CPUs, Python {data['machine']['python']}, "
             f"{data['machine']['platform']}. Figures: median over rounds [min–max].", ""]
    lines += ["## Budgets", ""]
    lines += [f"- {Target(**{k: v for k, v in t.items() if k != 'ok'}).line()}"
              for t in data["targets"]]
    lines += ["", "## Seconds per page", "",
              "| set | docs | pages | rounds | p50 (steps) | p95 (steps) | max (steps) "
              "| p50 (wall/page) | p95 (wall/page) |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key in ("pipeline_real", "pipeline_generated", "floor_real", "floor_generated",
                "service_real", "service_generated"):
        s = sec.get(key)
        if not s:
            continue
        lines.append(
            f"| {key} | {s['docs']} | {s['pages']} | {s['rounds']} | {_mmm(s['page_s']['p50'])} "
            f"| {_mmm(s['page_s']['p95'])} | {_mmm(s['page_s']['max'])} "
            f"| {_mmm(s['wall_per_page_s']['p50'])} | {_mmm(s['wall_per_page_s']['p95'])} |")
    if "scanned" in sec:
        lines.append(f"| scanned | – | – | – | {sec['scanned']['status']} | | | | |")
    lines += ["", "## Pipeline ÷ parsing floor (page by page)", ""]
    for key in ("ratio_real", "ratio_generated"):
        if key in sec:
            r = sec[key]
            lines.append(f"- {key.split('_', 1)[1]}: median ratio {_mmm(r['median_ratio'], '×')}"
                         f" over {r['pages']} pages; p95 of per-page ratios "
                         f"{_fmt(r['p95_ratio_of_page_medians'], '×')}")
    if "batch" in sec:
        b = sec["batch"]
        leak = b.get("leak", {})
        peaks = ", ".join(f"{v / 2**20:.0f} MiB" for v in leak.get("peak_rss_bytes", {}).values())
        lines += ["", "## Batch throughput and memory", "",
                  f"- {b['docs']} documents, {b['pages']} pages, {b['workers']} workers, "
                  f"{b['concurrency']} documents in flight: **{_fmt(b['pages_per_s'], 'pages/s')}**"
                  f" ({b['wall_s']:.1f} s); per fifth of the batch "
                  f"{_mmm(b['slice_pages_per_s'], 'pages/s')}",
                  f"- scheduler overhead + idle share of worker time, (wall × workers − compute) ÷ "
                  f"(wall × workers): {_fmt(b['overhead_share'], '%')}",
                  f"- worker RSS growth from page {leak.get('baseline_pages', 0)} to page "
                  f"{leak.get('pages', 0)}: {_fmt(leak.get('growth'), '%')}; peak RSS per worker: "
                  f"{peaks or '–'}"]
    if "profile" in sec:
        p = sec["profile"]
        lines += ["", "## Where the time goes (step seconds, all in-process runs)", "",
                  f"Scheduler overhead share on 1-page documents, (wall − compute) ÷ wall, median:"
                  f" {_fmt(p['overhead_share_1page'], '%')} ({p['overhead_1page_docs']} runs)", "",
                  "| family | seconds | share |", "|---|---:|---:|"]
        lines += [f"| {f['name']} | {f['seconds']:.3f} | {100 * f['share']:.1f} % |"
                  for f in p["families"]]
        lines += ["", "| step (top 20) | seconds | share |", "|---|---:|---:|"]
        lines += [f"| {f['name']} | {f['seconds']:.3f} | {100 * f['share']:.1f} % |"
                  for f in p["steps"]]
    if "cold_start" in sec:
        lines += ["", "## Cold start", "",
                  f"- `cosy serve` until `/readyz` is 200: {_mmm(sec['cold_start']['seconds'])} "
                  f"({sec['cold_start']['rounds']} starts)"]
    if data.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in data["notes"]]
    return "\n".join(lines) + "\n"


def write(report: Report, out: Path = RESULTS) -> dict[str, Path]:
    """Write bench.json, bench.md and bench.png into ``out``; return their paths."""
    from benchmarks.plot import draw

    data = report.to_json()
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "bench.json", "md": out / "bench.md", "png": out / "bench.png"}
    dump(data, paths["json"])
    data = json.loads(paths["json"].read_text())  # the NaN-free form
    paths["md"].write_text(markdown(data))
    draw(data, paths["png"])
    return paths


def main(argv: list[str] | None = None) -> int:
    """Re-render the Markdown and plot from a JSON, print the budgets; 1 if one is missed."""
    from benchmarks.plot import draw

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else RESULTS / "bench.json"
    data = json.loads(path.read_text())
    path.with_suffix(".md").write_text(markdown(data))
    draw(data, path.with_suffix(".png"))
    ts = targets(data["sections"])
    for t in ts:
        print(t.line())
    return 1 if any(t.ok is False for t in ts) else 0


if __name__ == "__main__":
    sys.exit(main())
