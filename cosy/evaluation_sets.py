"""The development sets that `make eval` scores, and the table it writes to docs/evaluation.md.

Each set is reported on its own, never pooled: a change that lifts one set and lowers another
shows up as such. The real sets live beside the repository (``../shared/corpus``) and are skipped,
saying so, where they are absent; the generated held-out set is made on the fly from a seed that
no rule or model was tuned on.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cosy.evaluation import evaluate, format_families, format_report

SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
"""Where the real development sets are: ``../shared/corpus`` beside the repository."""

HELD_OUT_SEED = 9101
"""Seed of the generated held-out set: never used to develop a rule or train a model."""

WILD_HELD_OUT = (
    "Azure-Samples/cognitive-services-REST-api-samples",
    "ad-si/invoice-maker",
    "gematik/spec-Digitale-Patientenrechnung",
)
"""Source families of the wild set kept out of tuning: their misses are never read to write a
rule, and they are reported apart as an unseen check."""

BEGIN, END = "<!-- make eval: begin -->", "<!-- make eval: end -->"


@dataclass(frozen=True)
class EvalSet:
    """One development set: a truth file, where its PDFs are, and what it is."""

    name: str
    truth: Path
    docs: Path | None
    about: str
    held_out: tuple[str, ...] = ()


def real_sets(corpus: Path = SHARED_CORPUS) -> list[EvalSet]:
    """The hand-made and e-invoice sets that exist on this machine."""
    candidates = [
        EvalSet("real", corpus / "real" / "truth.jsonl", None,
                "35 real e-invoices (ZUGFeRD, XRechnung, Factur-X, Order-X), born-digital"),
        EvalSet("real scanned", corpus / "real" / "truth.jsonl", corpus / "real" / "scanned",
                "the same 35 as image-only scans (OCR)"),
        EvalSet("wild", corpus / "wild" / "truth.jsonl", None,
                "25 hand-labelled real-world invoices and receipts from 22 issuers, 17 image-only",
                held_out=WILD_HELD_OUT),
    ]
    return [s for s in candidates if s.truth.is_file()]


def generated_set(out: Path, n: int = 200, seed: int = HELD_OUT_SEED,
                  scanned: float = 0.2) -> EvalSet:
    """Generate the held-out set into ``out`` (deterministic by seed) and describe it."""
    from cosy.corpus.generator import generate_corpus

    generate_corpus(out, n, seed, scanned_ratio=scanned)
    return EvalSet("generated", out / "truth.jsonl", None,
                   f"{n} generated documents, seed {seed}, {scanned:.0%} scanned")


def run_sets(sets: list[EvalSet], executor: Any, pipeline: Any, concurrency: int = 1,
             on_set: Any = None) -> dict[str, dict[str, Any]]:
    """Evaluate every set; ``on_set(name)`` is called before each one starts."""
    reports: dict[str, dict[str, Any]] = {}
    for s in sets:
        if on_set:
            on_set(s.name)
        report = evaluate(s.truth, s.docs, executor, pipeline, progress=False,
                          concurrency=concurrency, held_out=s.held_out)
        report["about"] = s.about
        reports[s.name] = report
    return reports


def summary_table(reports: dict[str, dict[str, Any]]) -> str:
    """One row per set: documents, micro precision, recall, F1, document type, weak fields;
    then its held-out families, and its documents read by OCR and by their text layer apart."""
    out = ["| set | documents | precision | recall | micro-F1 | document type "
           "| fields under 0.75 |", "|---|---:|---:|---:|---:|---:|---|"]
    for name, r in reports.items():
        out.append(_summary_row(name, r["documents"], r["micro"], r["doc_type_accuracy"],
                                ", ".join(weak_fields(r)) or "none"))
        for part, sub in (r.get("held_out") or {}).items():
            out.append(_summary_row(f"{name}: {part} families", sub["documents"], sub["micro"],
                                    sub["doc_type_accuracy"], ""))
        for source, sub in (r.get("by_source") or {}).items():
            out.append(_summary_row(f"{name}: {source}", sub["documents"], sub["micro"],
                                    sub["doc_type_accuracy"], ""))
    return "\n".join(out)


def _summary_row(name: str, docs: int, m: dict[str, Any], doc_type: float | None,
                 weak: str) -> str:
    acc = "—" if doc_type is None else f"{doc_type:.3f}"
    return (f"| {name} | {docs} | {m['precision']:.3f} | {m['recall']:.3f} | **{m['f1']:.3f}** "
            f"| {acc} | {weak} |")


def weak_fields(report: dict[str, Any], floor: float = 0.75) -> list[str]:
    """Scored fields (printed at least once, or predicted wrongly) whose F1 is under ``floor``."""
    return [f"{name} {s['f1']:.2f}" for name, s in report["fields"].items()
            if (s["support"] or s["fp"]) and s["f1"] < floor]


def markdown(reports: dict[str, dict[str, Any]], command: str) -> str:
    """The section `make eval` writes: the summary, then each set's tables and misses."""
    out = [BEGIN, "", f"Written by `{command}`.", "", summary_table(reports), ""]
    for name, r in reports.items():
        out += [f"### {name}", "", r["about"] + ".", ""]
        if r.get("held_out"):
            fams = "; ".join(f"{part}: {', '.join(sub['families'])}"
                             for part, sub in r["held_out"].items())
            out += [f"Families ({fams}).", ""]
        body = format_report(r)
        if len(r.get("families") or {}) <= 1 and r.get("families"):
            body += "\n" + format_families(r["families"]) + "\n"
        out += [body]
    out.append(END)
    return "\n".join(out) + "\n"


def write_markdown(path: Path, section: str) -> None:
    """Replace the section between the markers in ``path`` (or append it where there is none)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    path.write_text(text, encoding="utf-8")


def run_dev_sets_cli(settings: Any, only: list[str] | None, write: str | None,
                     json_out: bool, n_generated: int = 200) -> int:
    """`cosy eval --dev-sets`: score every development set, print one table, optionally write
    it into a Markdown file (``make eval`` writes docs/evaluation.md)."""
    import sys

    from cosy.engine.executor import SyncExecutor, make_executor
    from cosy.engine.profiles import load_pipeline

    pipeline = load_pipeline(settings.pipeline)
    sets = real_sets()
    missing = {"real", "real scanned", "wild"} - {s.name for s in sets}
    for name in sorted(missing):
        print(f"cosy: skipping the {name} set: {SHARED_CORPUS} is absent", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="cosy-eval-") as tmp:
        if only:
            unknown = set(only) - {s.name for s in sets} - {"generated"} - missing
            if unknown:
                raise ValueError(f"unknown set {', '.join(sorted(unknown))}; known: real, "
                                 "real scanned, wild, generated")
            sets = [s for s in sets if s.name in only]
        if not only or "generated" in only:
            sets.append(generated_set(Path(tmp) / "generated", n=n_generated))
        with make_executor(settings) as executor:
            workers = 1 if isinstance(executor, SyncExecutor) else settings.dask_workers
            reports = run_sets(sets, executor, pipeline, concurrency=workers,
                               on_set=lambda name: print(f"cosy eval: {name} ...",
                                                         file=sys.stderr, flush=True))
    if json_out:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
        return 0
    print(summary_table(reports))
    if write:
        write_markdown(Path(write), markdown(reports, "make eval"))
        print(f"wrote {write}", file=sys.stderr)
    return 0
