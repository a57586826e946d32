"""ONNX export of a trained scikit-learn classifier, and the session a recipe measures it with.

Every recipe exports the same way (one float32 ``features`` input, no ZipMap, the same opsets)
and measures its held-out split and latency on a single-threaded CPU session, as a worker runs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np

from models.recipes.report import percentiles_ms

ONNX_OPSET = {"": 15, "ai.onnx.ml": 3}


class Exportable(Protocol):
    """What the export names a model by: its registry name, ref and task."""

    @property
    def name(self) -> str: ...

    ref: str
    task: str


@contextmanager
def int_flags() -> Iterator[None]:
    """skl2onnx hands the trees' missing-value flags to onnx as numpy booleans, which onnx
    refuses for an ``ints`` attribute (scikit-learn 1.9); turn them into ints on the way."""
    import onnx.helper

    original = onnx.helper.make_attribute

    def make_attribute(key: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, list | tuple) and any(isinstance(v, bool | np.bool_) for v in value):
            value = [int(v) if isinstance(v, bool | np.bool_) else v for v in value]
        return original(key, value, *args, **kwargs)

    onnx.helper.make_attribute = make_attribute
    try:
        yield
    finally:
        onnx.helper.make_attribute = original


def classifier_onnx(clf: Any, recipe: Exportable, dim: int) -> bytes:
    """The classifier as ONNX bytes: input ``features`` float32 [N, dim], class probabilities
    as a plain tensor (no ZipMap), the recipe's ref and task as the graph's doc string."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    with int_flags():
        onx = convert_sklearn(clf, name=recipe.name,
                              initial_types=[("features", FloatTensorType([None, dim]))],
                              options={id(clf): {"zipmap": False}}, target_opset=ONNX_OPSET)
    onx.doc_string = f"COSY {recipe.ref}: {recipe.task}"
    return onx.SerializeToString()


def measuring_session(blob: bytes) -> Any:
    """A single-threaded CPU session on the exported bytes, as a COSY worker runs the model."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads, opts.inter_op_num_threads = 1, 1
    return ort.InferenceSession(blob, sess_options=opts, providers=["CPUExecutionProvider"])


def batch_latency(session: Any, one: np.ndarray, many: np.ndarray) -> dict[str, Any]:
    """p50/p99 milliseconds of one row and of a batch of 64 rows, as the cards report them."""
    name = session.get_inputs()[0].name
    return {"batch1": percentiles_ms(lambda: session.run(None, {name: one}), runs=300),
            "batch64": percentiles_ms(lambda: session.run(None, {name: many}), runs=100)}


def heldout_latency(session: Any, hx: np.ndarray) -> dict[str, Any]:
    """:func:`batch_latency` on the first held-out row and 64 held-out rows."""
    return batch_latency(session, hx[:1], np.resize(hx, (64, hx.shape[1])))
