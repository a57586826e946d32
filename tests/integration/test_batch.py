"""`cosy batch` as a user runs it: a folder, a ZIP and an mbox of generated documents, killed
half-way and resumed; hostile archives refused per entry while the batch goes on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from cosy.cli import main
from cosy.config import get_settings
from cosy.corpus import generate_corpus
from cosy.store import open_store
from tests.conftest import make_pdf
from tests.unit.test_batch_sources import hostile_zip

SMALL_TYPES = ["invoice", "credit_note", "payment_reminder", "letter", "contract",
               "delivery_note"]
"""Document types that are mostly one page: 300 documents in a few minutes on two cores."""


@pytest.fixture
def cosy_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    monkeypatch.setenv("COSY_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COSY_DASK_SCHEDULER", "sync")
    get_settings.cache_clear()

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["batch", *args])
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    get_settings.cache_clear()


def test_hostile_archive_is_refused_per_entry_and_the_batch_goes_on(cosy_batch, tmp_path):
    archive = tmp_path / "export.zip"
    archive.write_bytes(hostile_zip())
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "locked.pdf").write_bytes(make_pdf([["Rechnung"]], encrypt="pw"))
    (folder / "ok.pdf").write_bytes(make_pdf([["Rechnungsnummer: RE-9", "Betrag 9,00 EUR"]]))
    out = tmp_path / "report"
    code, stdout, _ = cosy_batch(str(archive), str(folder), "--tenant", "t", "--out",
                                 str(out), "--jsonl")
    assert code == 1  # finished, with refusals: the report says which
    report = json.loads((out / "report.json").read_text())
    refused = {r["entry"].rsplit("/", 1)[-1]: (r["kind"], r["reason"]) for r in report["refused"]}
    assert {k: v[0] for k, v in refused.items()} == {
        "escape.pdf": "path_traversal", "absolute.pdf": "absolute_path",
        "C:\\windows\\drive.pdf": "absolute_path", "link.pdf": "symlink",
        "locked.pdf": "encrypted", "bomb.pdf": "zip_bomb", "notes.txt": "unsupported_media_type",
        "level4.zip": "nested_too_deep"}
    assert "encrypted with a password" in refused["locked.pdf"][1]
    assert report["documents_by_status"] == {"succeeded": 4}  # good, inner, last, ok
    assert report["entries_by_status"] == {"document": 4, "refused": 9}
    assert report["refused_by_kind"]["encrypted"] == 2  # the ZIP entry and the folder's PDF
    events = [json.loads(line) for line in stdout.splitlines()]
    assert Counter(e["event"] for e in events) == {"refused": 9, "queued": 4, "succeeded": 4,
                                                   "summary": 1}
    assert events[-1]["progress"]["failed"] == 0 and events[-1]["progress"]["refused"] == 9
    html = (out / "report.html").read_text()
    assert "Refused entries (9)" in html and "climbs out of the archive" in html


def _mbox(path: Path, pdfs: list[Path], per_message: int = 2) -> None:
    with path.open("wb") as fh:
        for k in range(0, len(pdfs), per_message):
            msg = EmailMessage()
            msg["From"] = f"Lieferant {k} <rechnung{k}@lieferant.example>"
            msg["Subject"] = f"Belege {k}"
            msg["Date"] = "Mon, 04 Mar 2024 09:00:00 +0100"
            msg.set_content("Anbei.")
            for p in pdfs[k:k + per_message]:
                msg.add_attachment(p.read_bytes(), maintype="application", subtype="pdf",
                                   filename=p.name)
            fh.write(b"From rechnung@lieferant.example Mon Mar  4 09:00:00 2024\n")
            fh.write(msg.as_bytes().replace(b"\nFrom ", b"\n>From ") + b"\n")


def _run(args: list[str], env: dict[str, str], kill_after: int | None = None
         ) -> tuple[int, list[dict[str, Any]], str]:
    """Run `cosy batch --jsonl`; with ``kill_after``, SIGKILL its process group once that many
    documents succeeded (the batch process and its Dask workers: nothing gets to clean up)."""
    proc = subprocess.Popen([sys.executable, "-m", "cosy.cli", "batch", *args, "--jsonl"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, text=True)
    events, done = [], 0
    assert proc.stdout is not None
    for line in proc.stdout:
        events.append(json.loads(line))
        done += events[-1]["event"] == "succeeded"
        if kill_after is not None and done >= kill_after:
            os.killpg(proc.pid, signal.SIGKILL)
            break
    code = proc.wait(timeout=600)
    err = proc.stderr.read() if proc.stderr else ""
    return code, events, err


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_300_documents_killed_half_way_then_resumed(tmp_path: Path) -> None:
    records = generate_corpus(tmp_path / "gen", n=300, seed=16, doc_types=SMALL_TYPES)
    pdfs = [tmp_path / "gen" / r["file"] for r in records]
    folder = tmp_path / "folder"
    folder.mkdir()
    for p in pdfs[:120]:
        (folder / p.name).write_bytes(p.read_bytes())
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in pdfs[120:220] + pdfs[:10]:  # ten documents also sent in the folder
            zf.write(p, f"2024/{p.name}")
    mbox = tmp_path / "inbox.mbox"
    _mbox(mbox, pdfs[220:])
    out, store_dir = tmp_path / "out", tmp_path / "store"
    env = {**os.environ, "COSY_STORE": str(store_dir), "COSY_DASK_WORKERS": "2",
           "COSY_JOB_LEASE_S": "120"}  # a take-over must not wait for the lease
    args = [str(folder), str(archive), str(mbox), "--tenant", "t", "--out", str(out)]

    code, _, _ = _run(args, env, kill_after=100)
    assert code == -signal.SIGKILL
    assert not (out / "report.json").exists()
    store = open_store(str(store_dir))
    before = {j.doc_id: j for j in store.list_jobs("t", status="succeeded", limit=1000)}
    assert 100 <= len(before) < 300, "the batch ended before the kill; make it longer"

    code, second, err = _run(args, env)
    assert code == 0, err
    counts = Counter(e["event"] for e in second)
    assert counts["skipped"] == len(before)  # done before: not run again
    assert counts["succeeded"] == 300 - len(before) and counts["failed"] == 0

    report = json.loads((out / "report.json").read_text())
    assert report["totals"] == {"entries": 310, "documents": 300,
                                "pages": sum(r["pages"] for r in records)}
    assert report["entries_by_status"] == {"document": 300, "duplicate": 10}
    assert report["documents_by_status"] == {"succeeded": 300}
    results = [d["result"]["document"] for d in store.list_documents("t", limit=1000)]
    assert report["documents_by_type"] == dict(Counter(r["doc_type"] for r in results))
    assert report["refused"] == [] and report["failures"] == []
    assert report["throughput"]["documents"] == 300 - len(before)
    assert report["throughput"]["documents_done_before"] == len(before)
    assert report["slowest_pages"] and report["throughput"]["pages_per_s"] > 0

    # every document processed once: one job each, one success each, the earlier ones untouched
    jobs = store.list_jobs("t", limit=1000)
    assert len(jobs) == 300 and {j.status for j in jobs} == {"succeeded"}
    succeeded = Counter(a["details"]["doc_id"] for a in store.list_audit("t", limit=100000)
                        if a["event"] == "job.succeeded")
    assert len(succeeded) == 300 and set(succeeded.values()) == {1}
    for doc_id, job in before.items():
        assert store.get_job(job.id).updated_at == job.updated_at, doc_id
    assert sum(1 for j in jobs if j.attempts > 1) <= 8  # only those in flight at the kill
    mailed = [d for d in store.list_documents("t", limit=1000)
              if any(s.get("mail") for s in d.get("sources", []))]
    assert len(mailed) == 80 and all(s["mail"]["subject"].startswith("Belege ")
                                     for d in mailed for s in d["sources"])
    store.close()


def _ctrl_c_as_in_a_terminal() -> None:
    """The child gets SIGINT's default action, as a shell's foreground command has, whatever
    this test process inherited (a process started with SIGINT ignored passes that on, and
    Python then installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


CTRL_C_DOCS = 30
"""Documents of the Ctrl-C run: enough that the batch cannot end before the interrupt lands
(with ten, two full-suite runs saw it exit 0, not interrupted; alone it passed)."""


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_ctrl_c_hands_the_jobs_in_flight_back(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "gen", n=CTRL_C_DOCS, seed=17, doc_types=SMALL_TYPES)
    env = {**os.environ, "COSY_STORE": str(tmp_path / "store"), "COSY_DASK_SCHEDULER": "sync",
           "COSY_JOB_LEASE_S": "600"}  # only a hand-back lets the next run start at once
    args = [str(tmp_path / "gen" / "docs"), "--tenant", "t", "--out", str(tmp_path / "out")]
    proc = subprocess.Popen([sys.executable, "-m", "cosy.cli", "batch", *args, "--jsonl"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal)
    assert proc.stdout is not None
    for line in proc.stdout:
        if json.loads(line)["event"] == "succeeded":
            proc.send_signal(signal.SIGINT)
            break
    rest = [json.loads(line) for line in proc.stdout]
    code = proc.wait(timeout=300)
    assert code == 130, (code, [e["event"] for e in rest][-5:], proc.stderr.read()[-2000:])
    assert rest[-1]["event"] == "summary" and "interrupted" in rest[-1]["message"]
    assert any(e["event"] == "waiting" and "finishing" in e["message"] for e in rest)
    store = open_store(str(tmp_path / "store"))
    jobs = store.list_jobs("t", limit=100)
    assert len(jobs) >= 1 and not [j for j in jobs if j.status == "running"]  # none left held
    done = [j for j in jobs if j.status == "succeeded"]
    assert len(done) >= 1 and len(done) < CTRL_C_DOCS
    store.close()
    code, events, err = _run(args, env)
    assert code == 0, err
    counts = Counter(e["event"] for e in events)
    assert counts["skipped"] == len(done) and counts["succeeded"] == CTRL_C_DOCS - len(done)
