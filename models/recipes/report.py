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


def file_entry(stub: dict[str, Any], blob: bytes, recipe: Any,
               held: dict[str, Any]) -> dict[str, Any]:
    """The full registry entry: the stub plus the written file, its data splits and metrics."""
    return stub | {
        "sha256": hashlib.sha256(blob).hexdigest(), "size_bytes": len(blob),
        "card": f"cards/{recipe.name}.md",
        "data": {"train_seeds": [recipe.train.start, recipe.train.start + recipe.train.count],
                 "heldout_seeds": [recipe.heldout.start,
                                   recipe.heldout.start + recipe.heldout.count]},
        "heldout": {"accuracy": round(held["accuracy"], 4),
                    "macro_f1": round(held["macro_f1"], 4)},
    }
