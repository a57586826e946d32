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
SCANNED_P95_TARGET_S = 5.0
RATIO_TARGET = 3.0
BATCH_TARGET = 10.0
RSS_GROWTH_TARGET = 0.10
CLI_ONE_PAGE_TARGET_S = 2.0
CLI_REFUSED_TARGET_S = 1.0


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


PAGE_SETS = ("pipeline_real", "pipeline_generated", "scanned_generated", "scanned_real",
             "http_real", "http_generated")
"""Sets of seconds per page (each with ``worst_page_s``): the hard budget covers them all."""


def targets(sections: dict[str, Any]) -> list[Target]:
    """The issue's budgets, evaluated on whatever sections were measured."""
    page_sets = [k for k in PAGE_SETS if k in sections and "worst_page_s" in sections[k]]
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
    for key in ("scanned_generated", "scanned_real"):
        sec = sections.get(key, {})
        p95 = [_get(sec, view, "p95", "median") for view in ("page_s", "wall_per_page_s")]
        p95 = [v for v in p95 if v is not None]
        out.append(Target(f"scanned (OCR) p95 per page, {key.split('_', 1)[1]} (max of compute "
                          "and wall view)", max(p95) if p95 else None, SCANNED_P95_TARGET_S,
                          "<=", "s"))
    for key in ("ratio_real", "ratio_generated"):
        out.append(Target(f"median pipeline ÷ floor, {key.split('_', 1)[1]}",
                          _get(sections, key, "median_ratio", "median"), RATIO_TARGET, "<=", "×"))
    out.append(Target("batch throughput, 2 workers", _get(sections, "batch", "pages_per_s"),
                      BATCH_TARGET, ">=", "pages/s"))
    out.append(Target("worker RSS growth over the leak run",
                      _get(sections, "batch", "leak", "growth"), RSS_GROWTH_TARGET, "<", "%"))
    out.append(Target("`cosy extract` of one born-digital page, fresh process (median)",
                      _get(sections, "cli", "one_page", "seconds", "median"),
                      CLI_ONE_PAGE_TARGET_S, "<", "s"))
    out.append(Target("`cosy extract` of a refused file, fresh process (median)",
                      _get(sections, "cli", "refused", "seconds", "median"),
                      CLI_REFUSED_TARGET_S, "<", "s"))
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
                "scanned_generated", "scanned_real", "http_real", "http_generated"):
        s = sec.get(key)
        if not s or "page_s" not in s:
            continue
        lines.append(
            f"| {key} | {s['docs']} | {s['pages']} | {s['rounds']} | {_mmm(s['page_s']['p50'])} "
            f"| {_mmm(s['page_s']['p95'])} | {_mmm(s['page_s']['max'])} "
            f"| {_mmm(s['wall_per_page_s']['p50'])} | {_mmm(s['wall_per_page_s']['p95'])} |")
    lines += ["", "pipeline_* and scanned_*: in-process on the warm LocalCluster; http_*: through "
              "a running `cosy serve` (upload → job succeeded → triples fetched), so its steps "
              "and wall views are both the end-to-end seconds ÷ pages."]
    lines += _http_md(sec)
    lines += _scanned_md(sec)
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
        lines += ["", "## Where the time goes (step seconds, born-digital in-process runs)", "",
                  f"Scheduler overhead share on 1-page documents, (wall − compute) ÷ wall, median:"
                  f" {_fmt(p['overhead_share_1page'], '%')} ({p['overhead_1page_docs']} runs)", "",
                  "| family | seconds | share |", "|---|---:|---:|"]
        lines += [f"| {f['name']} | {f['seconds']:.3f} | {100 * f['share']:.1f} % |"
                  for f in p["families"]]
        lines += ["", "| step (top 20) | seconds | share |", "|---|---:|---:|"]
        lines += [f"| {f['name']} | {f['seconds']:.3f} | {100 * f['share']:.1f} % |"
                  for f in p["steps"]]
    if "cli" in sec:
        c = sec["cli"]
        lines += ["", "## The command line (a fresh process each round, start-up included)", ""]
        for key, label in (("one_page", "`cosy extract one.pdf` (one born-digital page)"),
                           ("refused", "`cosy extract notes.pdf` (a text file: refused)"),
                           ("ten_docs", "`cosy extract --json ten/` (ten documents)")):
            if key in c:
                pages = f", {c[key]['pages']} pages" if "pages" in c[key] else ""
                cpu = _mmm(c[key].get("cpu_seconds"))
                lines.append(f"- {label}: {_mmm(c[key]['seconds'])} wall, {cpu} CPU "
                             f"({c[key]['rounds']} rounds{pages})")
    if "cold_start" in sec:
        lines += ["", "## Cold start", "",
                  f"- `cosy serve` until `/readyz` is 200: {_mmm(sec['cold_start']['seconds'])} "
                  f"({sec['cold_start']['rounds']} starts)"]
    if data.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in data["notes"]]
    return "\n".join(lines) + "\n"


def _http_md(sec: dict[str, Any]) -> list[str]:
    """The end-to-end phases through `cosy serve`: median seconds per document and share."""
    keys = [k for k in ("http_real", "http_generated") if (sec.get(k) or {}).get("phases")]
    if not keys:
        return []
    names = {"upload_s": "upload (POST → 202)", "queued_s": "queued (until claimed)",
             "pipeline_s": "pipeline run (job total_s)", "persist_s": "persist + finish job",
             "notice_s": "client notices (poll)", "triples_s": "GET triples",
             "wall_s": "end to end"}
    out = ["", "## End to end through `cosy serve`: where a document's time goes", "",
           "Median seconds per document [share of all end-to-end seconds], last round.", "",
           "| phase | " + " | ".join(keys) + " |", "|---|" + "---:|" * len(keys)]
    for ph, label in names.items():
        cells = []
        for k in keys:
            v = sec[k]["phases"].get(ph, {})
            cells.append(f"{_fmt(v.get('median'), 's')} [{100 * (v.get('share') or 0):.0f} %]")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    srv = sec[keys[0]].get("server", {})
    if srv:
        out += ["", f"Server: {srv.get('workers')} workers, dispatcher poll "
                f"{srv.get('dispatcher_poll_s')} s, client poll {srv.get('client_poll_s')} s, "
                f"ready after {_fmt(srv.get('ready_s'), 's')}."]
    return out


def _scanned_md(sec: dict[str, Any]) -> list[str]:
    """The OCR path: family shares of the scanned runs and the per-page OCR breakdown."""
    out: list[str] = []
    prof = sec.get("profile_scanned")
    if prof:
        fam = ", ".join(f"{f['name']} {100 * f['share']:.1f} %" for f in prof["families"][:5])
        out += ["", "## Scanned pages: where the time goes", "",
                f"Step-time share per family over the scanned runs: {fam}."]
    for key in ("scanned_generated", "scanned_real"):
        cpu = (sec.get(key) or {}).get("worker_cpu_per_page_s") or {}
        if _get(cpu, "p95", "median") is not None:
            out += ["", f"{key}: worker CPU seconds per page (document's worker CPU ÷ pages) p50 "
                    f"{_mmm(cpu['p50'])}, p95 {_mmm(cpu['p95'])}, max {_mmm(cpu['max'])}; "
                    f"wall ÷ CPU {_mmm(cpu['wall_over_cpu'], '×')} (above 1 for a 1-page "
                    f"document: it waited for a core)."]
    bd = sec.get("ocr_breakdown") or {}
    if bd.get("pages"):
        med, share = bd["median_s"], bd["share"]
        parts = {"render_s": f"render ({bd['dpi']} dpi, gray)", "det_s": "text detection",
                 "rec_s": "text recognition", "other_s": "engine pre/post-processing"}
        out += ["", f"One page's OCR, split (in the benchmark process, as a worker reads it, "
                f"{bd['pages']} pages):", "", "| part | median s/page | share |",
                "|---|---:|---:|"]
        out += [f"| {label} | {_fmt(med[k], 's')} | {100 * share[k]:.1f} % |"
                for k, label in parts.items()]
        out.append(f"| total | {_fmt(med['total_s'], 's')} | 100 % |")
        if med.get("cpu_s"):
            out += ["", f"CPU seconds per page (median): {_fmt(med['cpu_s'], 's')}; wall ÷ CPU "
                    f"{med['total_s'] / med['cpu_s']:.2f} (above 1: the page waited for a core)."]
    return out


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
