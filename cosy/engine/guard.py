"""A watchdog over running tasks: stop one that passes its time or memory budget.

A Dask task cannot be killed from outside without killing its worker (and every other task on
it), and a thread cannot be cancelled. What can be done is what the interpreter does for
Ctrl-C: raise an exception in the task's thread at its next bytecode
(``PyThreadState_SetAsyncExc``). The heavy parsing (pdfminer, layout) is Python, so it stops
within milliseconds; a call into C (PDFium, onnxruntime) stops when it returns, which the
pixel and byte budgets keep short (cosy.pdfguard).

One monitor thread per process watches every armed task: its deadline, and the process's
resident memory against what the task started with plus its allowance. The exception is a
``BaseException`` (like ``KeyboardInterrupt``) so that a library's ``except Exception`` cannot
swallow it, and it is raised again every second until the task lets go (one that lands in a
finalizer or a gc callback is ignored there: Python reports it as "Exception ignored in")."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import psutil

log = logging.getLogger(__name__)

POLL_S = 0.05
"""How often the monitor looks at deadlines and memory."""
REFIRE_S = 1.0
"""An overrun that was caught and ignored is raised again after this long."""
TRIM_AFTER_BYTES = 64 << 20
"""A task that grew the process by this much hands freed memory back to the OS afterwards."""


class Overrun(BaseException):
    """Raised inside a task that is over budget (never caught by ``except Exception``)."""

    what = "budget"


class TimeOverrun(Overrun):
    what = "time"


class MemoryOverrun(Overrun):
    what = "memory"


@dataclass
class Watch:
    """One armed task: its thread, deadline and memory ceiling, and what fired (if anything)."""

    thread_id: int
    deadline: float
    rss_limit: float
    start_rss: int
    fired: type[Overrun] | None = None
    fired_at: float = 0.0
    peak_rss: int = 0


_set_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_clear = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))  # with NULL: withdraw a pending one


class Monitor:
    """The process's watchdog thread (started on first use, idle while nothing is armed)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._watches: dict[int, Watch] = {}
        self._thread: threading.Thread | None = None
        self._process = psutil.Process()

    def rss(self) -> int:
        return int(self._process.memory_info().rss)

    def arm(self, seconds: float, memory_bytes: float) -> Watch:
        start = self.rss()
        watch = Watch(threading.get_ident(), time.monotonic() + seconds, start + memory_bytes,
                      start, peak_rss=start)
        with self._lock:
            self._watches[watch.thread_id] = watch
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                 name="cosy-task-guard")
                self._thread.start()
            self._lock.notify()
        return watch

    def disarm(self, watch: Watch) -> None:
        """Stop watching; an exception raised but not yet delivered is withdrawn."""
        with self._lock:
            self._watches.pop(watch.thread_id, None)
            if watch.fired is not None:
                _clear(watch.thread_id, None)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._watches:
                    self._lock.wait()
                watches = list(self._watches.values())
            rss = self.rss()
            now = time.monotonic()
            with self._lock:
                for w in watches:
                    if self._watches.get(w.thread_id) is not w:
                        continue  # disarmed meanwhile
                    w.peak_rss = max(w.peak_rss, rss)
                    over: type[Overrun] | None = (
                        MemoryOverrun if rss > w.rss_limit else
                        TimeOverrun if now > w.deadline else None)
                    if over is None or (w.fired is not None and now - w.fired_at < REFIRE_S):
                        continue
                    w.fired = w.fired or over
                    w.fired_at = now
                    _set_exc(w.thread_id, w.fired)
            time.sleep(POLL_S)


MONITOR = Monitor()


@contextlib.contextmanager
def watched(seconds: float, memory_bytes: float) -> Iterator[Watch]:
    """Run the block under a deadline and a memory allowance; an overrun raises
    :class:`TimeOverrun` or :class:`MemoryOverrun` inside it."""
    watch = MONITOR.arm(seconds, memory_bytes)
    try:
        yield watch
    finally:
        MONITOR.disarm(watch)
        if watch.fired is not None or watch.peak_rss - watch.start_rss > TRIM_AFTER_BYTES:
            release_memory()


def release_memory() -> None:
    """Collect garbage and hand free heap pages back to the OS (glibc keeps them otherwise: a
    worker that once parsed a huge page would hold its peak for the rest of its life)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
