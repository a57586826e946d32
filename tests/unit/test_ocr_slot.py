"""OCR slots: pages take turns at OCR on one machine, and what they waited is told apart."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import pytest

from cosy.inference.ocr_slot import ocr_slot

HOLD_S = 0.3


@pytest.fixture(autouse=True)
def own_slots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slots of the tests' own: the machine's are shared with any COSY running beside them."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def _readers(slots: int, n: int) -> tuple[list[tuple[float, float]], list[float]]:
    """``n`` threads each hold a slot for HOLD_S; their (start, end) inside it and waits."""
    spans: list[tuple[float, float]] = []
    waits: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(n)

    def read() -> None:
        start.wait()
        with ocr_slot(slots) as waited:
            t0 = time.perf_counter()
            time.sleep(HOLD_S)
            with lock:
                spans.append((t0, time.perf_counter()))
                waits.append(waited)

    threads = [threading.Thread(target=read) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return sorted(spans), sorted(waits)


def _most_at_once(spans: list[tuple[float, float]]) -> int:
    return max(sum(s <= t < e for s, e in spans) for t, _ in spans)


def test_one_slot_lets_one_page_read_at_a_time_and_the_next_waits() -> None:
    spans, waits = _readers(1, 3)
    assert len(spans) == 3 and _most_at_once(spans) == 1
    assert waits[0] < HOLD_S / 3  # the first one in did not wait
    assert waits[1] >= HOLD_S * 0.9 and waits[2] >= 2 * HOLD_S * 0.9


def test_two_slots_let_two_pages_read_at_once() -> None:
    spans, waits = _readers(2, 3)
    assert _most_at_once(spans) == 2
    assert waits[1] < HOLD_S / 3 and waits[2] >= HOLD_S * 0.9


def test_no_slots_no_limit() -> None:
    spans, waits = _readers(0, 3)
    assert _most_at_once(spans) == 3 and waits == [0.0, 0.0, 0.0]


def test_a_slot_is_given_back_when_the_reader_fails() -> None:
    try:
        with ocr_slot(1):
            raise RuntimeError("the page could not be rendered")
    except RuntimeError:
        pass
    with ocr_slot(1) as waited:
        assert waited < HOLD_S


def _hold(seconds: float) -> float:
    with ocr_slot(1):
        time.sleep(seconds)
    return time.perf_counter()


def test_a_dask_task_waiting_for_the_slot_lets_its_worker_run_other_work() -> None:
    """Two scanned pages on a worker of two threads: the second waits for the slot outside the
    worker's pool, so a cheap task submitted after both runs at once, not after the first scan."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        first = client.submit(_hold, 1.5, pure=False)
        time.sleep(0.2)  # the first holds the slot
        second = client.submit(_hold, 0.1, pure=False)
        time.sleep(0.2)  # the second waits for it
        cheap = client.submit(time.perf_counter, pure=False)
        assert cheap.result(10) < first.result(10) - 0.5
        assert second.result(10) > first.result()
