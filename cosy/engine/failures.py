"""How a failure is classed: what is the input's fault (permanent), what the infrastructure's
(worth another attempt), and which document killed a worker.

Deterministic parser errors (RecursionError, pdfminer's syntax errors) are the input's: the
same bytes fail the same way on any worker, so they are permanent (a page they hit is skipped).
Only infrastructure faults are transient: a lost connection, a cluster restarting, a worker
that died while running *another* document. A worker that died while running this document
is this document's fault (poison): it fails for good and is never sent to the next worker.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from cosy.engine.step import BudgetExceeded, StepError
from cosy.ingest import DocumentInfo

log = logging.getLogger(__name__)


PARSER_ERRORS: tuple[type[BaseException], ...] = (RecursionError, PSException, PdfminerException)
"""Deterministic failures of the PDF parser on its input: the same bytes fail the same way."""


def classify(err: Exception, step: str, where: str, info: DocumentInfo) -> StepError:
    """The StepError for an exception of a step: budgets and parser errors keep (or get)
    their kind, anything else is a permanent ``step_failed``. Raised ``from None`` by the
    caller: a chained RecursionError carries a traceback too deep to pickle, which once
    turned a permanent error into a 'transient' one on the way back from a worker."""
    cause = _root_cause(err)
    if isinstance(cause, BudgetExceeded):
        return BudgetExceeded(where + cause.reason, kind=cause.kind, step=cause.step or step)
    if isinstance(cause, StepError):
        return StepError(where + cause.reason, step=cause.step or step,
                         permanent=cause.permanent, kind=cause.kind)
    if isinstance(cause, MemoryError):
        return BudgetExceeded(f"{where}out of memory in step {step}", kind="memory_budget",
                              step=step)
    if isinstance(cause, PARSER_ERRORS):
        return BudgetExceeded(f"{where}the PDF parser failed ({type(cause).__name__}: "
                              f"{str(cause)[:300]})", kind="parser_error", step=step)
    log.error("step %s failed on %s: %s: %s", step, info.id, type(err).__name__, err,
              exc_info=not isinstance(err, RecursionError))
    return StepError(f"{where}{type(err).__name__}: {str(err)[:500]}", step=step)


def _root_cause(err: BaseException) -> BaseException:
    """The exception under pdfplumber's wrapper (``PdfminerException(original)``) and explicit
    chains, so that a budget or parser error deep in a library keeps its kind."""
    seen: set[int] = set()
    while id(err) not in seen:
        seen.add(id(err))
        if isinstance(err, (StepError, MemoryError, RecursionError)):
            return err
        inner = err.args[0] if err.args and isinstance(err.args[0], BaseException) else None
        inner = inner or err.__cause__
        if inner is None:
            return err
        err = inner
    return err


RUNNING_TOPIC = "cosy.running"
"""Dask event topic (one per worker address) naming the document a worker is running."""


def announce_running(info: DocumentInfo) -> None:
    """On a Dask worker, tell the scheduler which document this worker runs now: if the worker
    dies, the executor knows which document killed it (poison) and which only stood by."""
    distributed = sys.modules.get("distributed")
    if distributed is None:  # never imported: not on a Dask worker (the CLI's in-process run
        return  # does not pay for importing it)
    try:
        worker = distributed.get_worker()
    except ValueError:  # not on a Dask worker
        return
    worker.log_event(f"{RUNNING_TOPIC}:{worker.address}", {"doc": info.id})


class WorkerKilled(StepError):
    """A Dask worker died while running this document (out of memory, or a crash in C): the
    document fails for good, so it cannot take down the next worker too."""

    def __init__(self, reason: str, deaths: int) -> None:
        super().__init__(reason, step="engine.dask", permanent=True, kind="worker_killed")
        self.deaths = deaths


def killed_by(client: Any, err: Any, doc_id: str) -> bool | None:
    """Whether ``doc_id`` was running on the worker whose death raised ``err`` (a Dask
    ``KilledWorker``): True (it killed it), False (another document did), None (unknown: the
    worker died before it said what it ran)."""
    address = getattr(getattr(err, "last_worker", None), "address", None)
    if not address:
        return None
    try:
        events = client.get_events(f"{RUNNING_TOPIC}:{address}")
    except Exception:  # the scheduler is gone too: nothing to learn
        return None
    if not events:
        return None
    return events[-1][1].get("doc") == doc_id


def from_cluster(err: Exception, task_failed: bool) -> StepError:
    """A StepError for an exception that came back from Dask. The task's own exception
    (``task_failed``: the future is in state 'error', e.g. a result that cannot be pickled)
    fails again on any worker: permanent. Anything else is the cluster's: transient."""
    reason = f"{type(err).__name__}: {str(err)[:500]}"
    if task_failed:
        return StepError(reason, step="engine.dask", permanent=True, kind="step_failed")
    return StepError(reason, step="engine.dask", permanent=False)
