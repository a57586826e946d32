"""One OCR page at a time per machine: each reads on every core, none waits for a core.

OCR is nearly all of a scanned page's time, and its models run on ``ocr_threads`` threads
(:func:`cosy.inference.registry.create_ocr_engine`). Two pages read at once on two cores
each get half the machine and both take twice as long; read one after the other, each takes
its own time, and the machine does the same work. So OCR takes a slot first: ``ocr_slots``
lock files per machine (user), shared by every process and thread on it (Dask workers, the
CLI's documents in flight). The seconds spent waiting are reported apart from the page's
own (``timings.waited_s``), as a wait in Dask's queue is. A Kubernetes worker pod has its
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
        while held is None:
            for fd in fds:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | (fcntl.LOCK_NB if slots > 1 else 0))
                except BlockingIOError:
                    continue
                held = fd
                break
            else:
                time.sleep(POLL_S)
        yield time.perf_counter() - t0
    finally:
        if held is not None:
            fcntl.flock(held, fcntl.LOCK_UN)
        for fd in fds:
            os.close(fd)
