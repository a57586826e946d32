"""How a batch shows its progress: a tqdm bar on a terminal, JSON lines for log collectors, one
plain line every half minute without a terminal, or only the summary (``--quiet``).

Every display gets the same events from the runner (under its lock, so displays need none):
documents queued, skipped (done by an earlier run), finished or failed, entries refused, and
the end of the sources, with the counts so far in a :class:`Counts`.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass
from typing import IO, Any


@dataclass
class Counts:
    """The batch so far: documents and pages of this run, and what earlier runs did."""

    docs: int = 0  # unique documents to process in this run
    docs_done: int = 0
    pages: int = 0
    pages_done: int = 0
    failed: int = 0  # documents of this run that failed
    refused: int = 0  # entries refused (archive hazards, not a PDF, unreadable PDF)
    skipped: int = 0  # documents an earlier run finished
    duplicates: int = 0  # entries whose content another entry of the batch already has
    started: float = 0.0  # time.monotonic() when processing could begin

    def rate(self, now: float | None = None) -> float:
        elapsed = (now or time.monotonic()) - self.started
        return self.pages_done / elapsed if self.started and elapsed > 0 else 0.0

    def eta(self, now: float | None = None) -> float | None:
        rate = self.rate(now)
        return (self.pages - self.pages_done) / rate if rate > 0 else None


class Display:
    """Shows nothing but the summary; the base of the others."""

    def __init__(self, out: IO[str] | None = None) -> None:
        self.out = out or sys.stderr

    def queued(self, c: Counts, doc_id: str, locator: str, pages: int) -> None: ...

    def skipped(self, c: Counts, doc_id: str, locator: str, status: str) -> None: ...

    def refused(self, c: Counts, locator: str, kind: str, reason: str) -> None:
        print(f"cosy: {locator}: refused: {reason}", file=self.out, flush=True)

    def finished(self, c: Counts, doc_id: str, status: str, pages: int,
                 error: dict[str, Any] | None) -> None:
        if error:
            print(f"cosy: {doc_id}: failed in {error.get('step')}: {error.get('reason')}",
                  file=self.out, flush=True)

    def waiting(self, c: Counts, message: str) -> None: ...

    def close(self, c: Counts, summary: str) -> None:
        print(summary, file=self.out, flush=True)


class LogDisplay(Display):
    """No terminal (a container's log): one progress line every ``every`` seconds."""

    def __init__(self, out: IO[str] | None = None, every: float = 30.0) -> None:
        super().__init__(out)
        self.every = every
        self._last = time.monotonic()

    def finished(self, c: Counts, doc_id: str, status: str, pages: int,
                 error: dict[str, Any] | None) -> None:
        super().finished(c, doc_id, status, pages, error)
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            print(line(c, now), file=self.out, flush=True)

    def waiting(self, c: Counts, message: str) -> None:
        print(f"cosy: {message}", file=self.out, flush=True)


def line(c: Counts, now: float | None = None) -> str:
    """One line of progress: documents, pages, pages/s, ETA, failures."""
    eta = c.eta(now)
    eta_text = f"{eta / 60:.0f} min" if eta is not None and eta >= 90 else (
        f"{eta:.0f} s" if eta is not None else "?")
    return (f"{c.docs_done}/{c.docs} documents, {c.pages_done}/{c.pages} pages, "
            f"{c.rate(now):.1f} pages/s, ETA {eta_text}, {c.failed} failed, "
            f"{c.refused} refused, {c.skipped} done before")


class BarDisplay(Display):
    """A tqdm bar over pages with documents and failures beside it (a terminal)."""

    def __init__(self, out: IO[str] | None = None) -> None:
        super().__init__(out)
        from tqdm import tqdm

        self.bar = tqdm(total=0, unit="page", desc="pages", file=self.out, dynamic_ncols=True,
                        smoothing=0.1)

    def _postfix(self, c: Counts) -> None:
        self.bar.set_postfix_str(f"docs {c.docs_done}/{c.docs}, failed {c.failed}, "
                                 f"refused {c.refused}, done before {c.skipped}", refresh=False)

    def queued(self, c: Counts, doc_id: str, locator: str, pages: int) -> None:
        self.bar.total = c.pages
        self._postfix(c)
        self.bar.refresh()

    def skipped(self, c: Counts, doc_id: str, locator: str, status: str) -> None:
        self._postfix(c)
        self.bar.refresh()

    def refused(self, c: Counts, locator: str, kind: str, reason: str) -> None:
        self.bar.write(f"cosy: {locator}: refused: {reason}", file=self.out)
        self._postfix(c)

    def finished(self, c: Counts, doc_id: str, status: str, pages: int,
                 error: dict[str, Any] | None) -> None:
        if error:
            self.bar.write(f"cosy: {doc_id}: failed in {error.get('step')}: "
                           f"{error.get('reason')}", file=self.out)
        self._postfix(c)
        self.bar.update(pages)

    def waiting(self, c: Counts, message: str) -> None:
        self.bar.write(f"cosy: {message}", file=self.out)

    def close(self, c: Counts, summary: str) -> None:
        self.bar.close()
        super().close(c, summary)


class JsonDisplay(Display):
    """One JSON object per line on stdout for every event (``--jsonl``), for log pipelines."""

    def __init__(self, out: IO[str] | None = None) -> None:
        super().__init__(out or sys.stdout)

    def emit(self, event: str, c: Counts, **fields: Any) -> None:
        record = {"event": event, "ts": round(time.time(), 3), **fields,
                  "progress": {**asdict(c), "pages_per_s": round(c.rate(), 2)}}
        del record["progress"]["started"]
        print(json.dumps(record, ensure_ascii=False), file=self.out, flush=True)

    def queued(self, c: Counts, doc_id: str, locator: str, pages: int) -> None:
        self.emit("queued", c, doc=doc_id, entry=locator, pages=pages)

    def skipped(self, c: Counts, doc_id: str, locator: str, status: str) -> None:
        self.emit("skipped", c, doc=doc_id, entry=locator, status=status)

    def refused(self, c: Counts, locator: str, kind: str, reason: str) -> None:
        self.emit("refused", c, entry=locator, kind=kind, reason=reason)

    def finished(self, c: Counts, doc_id: str, status: str, pages: int,
                 error: dict[str, Any] | None) -> None:
        self.emit(status, c, doc=doc_id, pages=pages, **({"error": error} if error else {}))

    def waiting(self, c: Counts, message: str) -> None:
        self.emit("waiting", c, message=message)

    def close(self, c: Counts, summary: str) -> None:
        self.emit("summary", c, message=summary)


def make_display(mode: str) -> Display:
    """``bar`` (tqdm on a terminal, plain lines otherwise), ``jsonl`` or ``quiet``."""
    if mode == "jsonl":
        return JsonDisplay()
    if mode == "quiet":
        return Display()
    return BarDisplay() if sys.stderr.isatty() else LogDisplay()
