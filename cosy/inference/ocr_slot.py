"""One OCR page at a time per machine: each reads on every core, none waits for a core.

OCR is nearly all of a scanned page's time, and its models run on ``ocr_threads`` threads
(:func:`cosy.inference.registry.create_ocr_engine`). Two pages read at once on two cores
each get half the machine and both take twice as long; read one after the other, each takes
its own time, and the machine does the same work. So OCR takes a slot first: ``ocr_slots``
lock files per machine (user), shared by every process and thread on it (Dask workers, the
CLI's documents in flight). A page waiting for a slot in a Dask task gives its worker thread
back meanwhile (``secede``), so other documents' pages run instead of queueing behind the scan.
The seconds spent waiting are reported apart from the page's own (``timings.waited_s``), as a
wait in Dask's queue is. A Kubernetes worker pod has its
own filesystem, so its slots are its own, as its cores are.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

POLL_S = 0.02  # how often a page waiting for one of several slots looks again


def slot_path(n: int) -> Path:
    return Path(tempfile.gettempdir()) / f"cosy-ocr-slot-{os.getuid()}-{n}.lock"


@contextlib.contextmanager
def ocr_slot(slots: int) -> Iterator[float]:
    """Hold one of ``slots`` OCR slots of this machine (none with ``slots`` 0) while the
    block runs; yields the seconds it waited for it."""
    if slots <= 0:
        yield 0.0
        return
    t0 = time.perf_counter()
    fds = [os.open(slot_path(n), os.O_CREAT | os.O_RDWR, 0o600) for n in range(slots)]
    held = None
    try:
        held = _take(fds, block=False)
        if held is None:
            with _aside():
                while held is None:
                    held = _take(fds, block=slots == 1)
                    if held is None:
                        time.sleep(POLL_S)
        yield time.perf_counter() - t0
    finally:
        if held is not None:
            fcntl.flock(held, fcntl.LOCK_UN)
        for fd in fds:
            os.close(fd)


def _take(fds: list[int], block: bool) -> int | None:
    """The first free slot's file, locked; None when all are held (``block``: wait for the
    only one)."""
    for fd in fds:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except BlockingIOError:
            continue
        return fd
    return None


@contextlib.contextmanager
def _aside() -> Iterator[None]:
    """Inside a Dask task, leave the worker's thread pool while waiting for a slot, so that the
    worker runs other documents' pages (a born-digital page takes a tenth of a second) instead
    of holding a thread idle behind a scan; join it again to read. Elsewhere, nothing."""
    try:
        from distributed import get_worker, rejoin, secede

        get_worker()
        secede()
    except (ImportError, ValueError, KeyError, AttributeError):
        yield
        return
    try:
        yield
    finally:
        rejoin()
