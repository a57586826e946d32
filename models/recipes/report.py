"""Metrics, latency and model cards shared by the recipes."""

from __future__ import annotations

import hashlib
import platform
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cosy.inference.registry import signature


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str],
                           labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-class precision/recall/F1/support (sklearn's definitions)."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(labels),
                                                 zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=list(labels), average="macro",
                                   zero_division=0)),
        "per_class": {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                            "support": int(s[i])} for i, lab in enumerate(labels)},
    }


def percentiles_ms(fn: Callable[[], Any], runs: int, warmup: int = 5) -> tuple[float, float]:
    """p50 and p99 of ``fn``'s wall time in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 99))


def machine() -> str:
    import os

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, " \
           f"{platform.python_implementation()} {platform.python_version()}"


def metrics_table(m: dict[str, Any]) -> str:
    """A per-class markdown table of a :func:`classification_metrics` result."""
    rows = ["| class | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for lab, v in m["per_class"].items():
        rows.append(f"| {lab} | {v['precision']:.4f} | {v['recall']:.4f} | {v['f1']:.4f} "
                    f"| {v['support']} |")
    return "\n".join(rows)


def latency_table(lat: dict[str, tuple[float, float]]) -> str:
    """The card's latency rows for the model at batch 1 and 64 (p50, p99 in ms); a card may add
    rows of its own below (feature code, a whole page)."""
    return ("| | p50 ms | p99 ms |\n|---|---:|---:|\n"
            f"| ONNX model, batch 1 | {lat['batch1'][0]:.3f} | {lat['batch1'][1]:.3f} |\n"
            f"| ONNX model, batch 64 | {lat['batch64'][0]:.3f} | {lat['batch64'][1]:.3f} |")


def write_card(path: Path, text: str) -> None:
    """Write a model card, ending with what its bytes depend on (versions, numeric kernels)."""
    from models.recipes.environment import card_section

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.strip() + "\n\n" + card_section().strip() + "\n", encoding="utf-8")


def entry_stub(recipe: Any, session: Any, features: Any) -> dict[str, Any]:
    """The registry entry without file facts (those are added once the file is written)."""
    inputs, outputs = signature(session)
    return {"name": recipe.name, "version": recipe.version, "task": recipe.task,
            "file": f"{recipe.name}.onnx", "sha256": "", "inputs": inputs, "outputs": outputs,
            "labels": list(recipe.labels), "features": features}


def file_entry(stub: dict[str, Any], blob: bytes, recipe: Any, held: dict[str, Any],
               dev: DevResults = ()) -> dict[str, Any]:
    """The full registry entry: the stub plus the written file, its data splits and metrics
    (held-out, and each development set measured: :func:`dev_entry`)."""
    return stub | {
        "sha256": hashlib.sha256(blob).hexdigest(), "size_bytes": len(blob),
        "card": f"cards/{recipe.name}.md",
        "data": {"train_seeds": [recipe.train.start, recipe.train.start + recipe.train.count],
                 "heldout_seeds": [recipe.heldout.start,
                                   recipe.heldout.start + recipe.heldout.count]},
        "heldout": {"accuracy": round(held["accuracy"], 4),
                    "macro_f1": round(held["macro_f1"], 4)},
        "dev_sets": dev_entry(dev),
    }


DevResults = Sequence[tuple[Any, dict[str, Any]]]
"""Per development set measured (``EvalSet`` of :func:`models.recipes.corpus.dev_corpora`, in
its order): the set and :func:`dev_metrics` of the model on it."""


def dev_metrics(dev_set: Any, y_true: Sequence[str], y_pred: Sequence[str | None],
                labels: Sequence[str], docs: Sequence[Any]) -> dict[str, Any]:
    """A model's metrics on one development set: :func:`classification_metrics` over the classes
    its truth has (a prediction of ``None``, no answer, is wrong), ``n`` alone where nothing
    could be labelled; and the rows from documents (``docs[i]``, the ``DevDocument`` of row i)
    of the set's families kept out of tuning, apart: their documents, rows and accuracy."""
    if not y_true:
        return {"n": 0}
    pred = [p if p is not None else "(none)" for p in y_pred]
    m = classification_metrics(y_true, pred, tuple(lab for lab in labels if lab in y_true))
    if dev_set.held_out:
        idx = [i for i, d in enumerate(docs) if d.family in dev_set.held_out]
        m["held_out"] = {"documents": len({docs[i].file for i in idx}), "n": len(idx),
                         "accuracy": (sum(y_true[i] == pred[i] for i in idx) / len(idx))
                         if idx else None}
    return m


def dev_entry(dev: DevResults) -> dict[str, Any]:
    """The registry's record of the development sets: n, accuracy and macro-F1 per set (and of
    the families kept out of tuning), rounded so that the same build writes the same bytes."""
    out: dict[str, Any] = {}
    for dev_set, m in dev:
        row = {"n": m["n"]}
        if m["n"]:
            row |= {"accuracy": round(m["accuracy"], 4), "macro_f1": round(m["macro_f1"], 4)}
        held = m.get("held_out")
        if held and held["n"]:
            row["held_out"] = {"n": held["n"], "accuracy": round(held["accuracy"], 4)}
        out[dev_set.name] = row
    return out


def dev_sections(dev: DevResults, unit: str, labelling: str,
                 more: Callable[[dict[str, Any]], str] | None = None) -> str:
    """The card's development-set part: how the truth labels the samples (the same rule on
    every set), then per set its size, accuracy, macro-F1 over the classes present, the
    per-class table, the families kept out of tuning, and ``more(metrics)`` (errors ...)."""
    head = ("## Development sets (real documents, never trained or tuned on)\n\n"
            "Measured on each development set present at build time\n"
            "(`../shared/corpus/real`, `../shared/corpus/wild`), each on its own.")
    if not dev:
        return head + " None was present at this build.\n"
    parts = [head, labelling.strip()]
    for dev_set, m in dev:
        title = (f"### {dev_set.name}: {dev_set.about} "
                 f"(`../shared/corpus/{dev_set.truth.parent.name}`)")
        if not m["n"]:
            parts.append(f"{title}\n\nNo {unit} of this set could be labelled by its truth.")
            continue
        held = ""
        if m.get("held_out"):
            h = m["held_out"]
            rate = f"accuracy {h['accuracy']:.4f}" if h["n"] else "nothing to measure"
            of = "" if unit == "documents" else f" of {h['documents']} documents"
            held = (f"\n\nFamilies kept out of tuning ({', '.join(dev_set.held_out)}):\n"
                    f"{h['n']} {unit}{of}, {rate}.")
        parts.append(f"{title}\n\n{m['n']} {unit}: accuracy **{m['accuracy']:.4f}**, macro-F1 "
                     f"over the classes present **{m['macro_f1']:.4f}**.\n\n{metrics_table(m)}"
                     f"{held}" + (("\n\n" + more(m).strip()) if more else ""))
    return "\n\n".join(parts) + "\n"


def dev_unmeasured(why: str) -> str:
    """The card's development-set part of a model their truth cannot label: one sentence."""
    return ("## Development sets (real documents)\n\nNot measured on the real and wild sets "
            f"(`../shared/corpus/real`, `../shared/corpus/wild`): {why.strip()}\n")
