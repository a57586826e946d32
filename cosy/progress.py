"""Progress of long CLI work (extract, submit --wait, run, eval): one library, two renderings.

On a terminal a live tqdm bar counts pages, moving within a document as its stages finish and
naming the file and stage; when stderr is a pipe or a file (CI logs, ``2> log``) there is no
repainting, only one plain line per finished document. Results still go to stdout, untouched.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from cosy.engine.executor import Executor, ProgressFn, RunResult

BAR_FORMAT = ("{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} pages "
              "[{elapsed}<{remaining}]{postfix}")


class Progress:
    """Pages done of ``total``; ``live`` (default: stderr is a terminal) draws a bar.

    With ``documents=True`` the total is a count of documents whose pages are not known yet
    (`cosy eval`): each counts as one page until it starts and its pages are known.
    """

    def __init__(self, total: int, desc: str, stream: IO[str] | None = None,
                 live: bool | None = None, documents: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.live = _isatty(self.stream) if live is None else live
        self.total = max(total, 0)
        self.documents = documents
        self.done = 0  # pages of finished documents
        self.finished = 0  # documents
        self._bar: Any = None
        if self.live:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, desc=desc, file=self.stream, leave=False,
                             bar_format=BAR_FORMAT, dynamic_ncols=True)

    def document(self, name: str, pages: int) -> ProgressFn:
        """The ``on_progress`` callback of one document's run: moves the bar within it."""
        if self.documents:  # the document was counted as one page
            self.total += pages - 1
        self.total = max(self.total, self.done + pages)
        if self._bar is not None:
            self._bar.total = self.total
        self._show(self.done, name, "started")

        def report(progress: dict[str, Any]) -> None:
            total = progress.get("steps_total") or 0
            share = min(progress.get("steps_done", 0) / total, 1.0) if total else 0.0
            self._show(self.done + pages * share, name, progress.get("stage") or "")

        return report

    def finish(self, name: str, pages: int, outcome: str) -> None:
        """A document ended (``outcome``: e.g. '0.42 s' or 'failed: reason')."""
        self.done += pages
        self.finished += 1
        if self._bar is not None:
            self._show(self.done, name, "done")
        else:
            print(f"cosy: [{self.done}/{self.total} pages] {name}: {outcome}",
                  file=self.stream, flush=True)

    def update(self, done: float, current: str = "") -> None:
        """Set the pages done directly (progress polled from the store's jobs)."""
        self._show(done, current, "")

    def write(self, text: str, file: IO[str] | None = None) -> None:
        """Print a line (a result, an error) without tearing the bar."""
        if self._bar is not None:
            self._bar.write(text, file=file or sys.stdout)
        else:
            print(text, file=file or sys.stdout, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _show(self, n: float, name: str, stage: str) -> None:
        if self._bar is None:
            return
        self._bar.n = min(n, self.total)
        self._bar.set_postfix_str(f"{name} {stage}".strip(), refresh=False)
        self._bar.refresh()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class TrackedExecutor(Executor):
    """An executor whose every run moves a :class:`Progress` (the same steps, the same
    results): how `cosy extract` and `cosy eval` show progress without the loops knowing."""

    def __init__(self, inner: Executor, progress: Progress) -> None:
        super().__init__(inner.settings)
        self.inner = inner
        self.progress = progress

    def run(self, pipeline: Any, data: bytes, info: Any,
            on_progress: ProgressFn | None = None) -> RunResult:
        report = self.progress.document(info.file_name, info.pages)

        def both(progress: dict[str, Any]) -> None:
            report(progress)
            if on_progress is not None:
                on_progress(progress)

        try:
            run = self.inner.run(pipeline, data, info, both)
        except Exception as err:
            self.progress.finish(info.file_name, info.pages, f"failed: {err}")
            raise
        self.progress.finish(info.file_name, info.pages, f"{run.timings.get('total_s', 0):.2f} s")
        return run

    def ping(self) -> bool:
        return self.inner.ping()

    def close(self) -> None:
        self.inner.close()
