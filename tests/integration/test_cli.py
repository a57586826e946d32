"""The `cosy` command as a user runs it: results, clear errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cosy.cli import main
from cosy.config import get_settings
from tests.conftest import make_pdf

INVOICE = [["Rechnungsnummer: RE-7", "Rechnungsdatum: 03.02.2025", "Gesamtbetrag 50,00 EUR"]]


@pytest.fixture
def cosy(tmp_path, monkeypatch, capsys):
    """Run `cosy ARGS` in-process on a temporary store; return (exit code, stdout, stderr)."""
    monkeypatch.setenv("COSY_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COSY_DASK_SCHEDULER", "sync")
    get_settings.cache_clear()

    def run(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    get_settings.cache_clear()


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    paths = {"good": tmp_path / "good.pdf", "text": tmp_path / "notes.pdf",
             "locked": tmp_path / "locked.pdf", "empty": tmp_path / "empty.pdf"}
    paths["good"].write_bytes(make_pdf(INVOICE))
    paths["text"].write_text("this is not a PDF")
    paths["locked"].write_bytes(make_pdf(INVOICE, encrypt="pw"))
    paths["empty"].write_bytes(b"")
    return paths


def test_extract_json_prints_one_result_per_file(cosy, files):
    code, out, _ = cosy("extract", "--json", str(files["good"]), str(files["good"]))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2
    result = lines[0]
    assert result["document"]["file"] == "good.pdf" and result["document"]["pages"] == 1
    assert result["fields"]["invoice_number"]["value"] == "RE-7"
    assert result["fields"]["issue_date"]["value"] == "2025-02-03"
    assert result["fields"]["total_gross"]["value"] == "50.00"
    assert {"entities", "triples", "timings", "line_items"} <= set(result)


def test_extract_reports_each_bad_file_and_fails(cosy, files):
    code, out, err = cosy("extract", "--json", str(files["good"]), str(files["text"]),
                          str(files["locked"]), str(files["empty"]))
    assert code == 1
    assert len(out.splitlines()) == 1  # the good file still got its result
    assert "notes.pdf is not a PDF" in err
    assert "locked.pdf is encrypted with a password" in err
    assert "empty.pdf is empty" in err


def test_missing_file_is_a_clear_error(cosy, tmp_path):
    code, _, err = cosy("extract", str(tmp_path / "nope.pdf"))
    assert code == 1 and "nope.pdf: no such file or directory" in err


def test_human_output_lists_fields(cosy, files):
    code, out, _ = cosy("extract", str(files["good"]))
    assert code == 0 and "invoice_number" in out and "RE-7" in out


def test_pipeline_describe_json(cosy):
    code, out, _ = cosy("pipeline", "describe", "--pages", "2", "--json")
    info = json.loads(out)
    assert code == 0 and {"steps", "step_instances", "models", "artifacts"} <= set(info)
    page_steps = sum(1 for s in info["steps"] if s["scope"] == "page")
    assert info["step_instances"] == 2 * page_steps + (len(info["steps"]) - page_steps)


def test_pipeline_graph_dot_and_svg(cosy, tmp_path):
    code, out, _ = cosy("pipeline", "graph", "--format", "dot")
    assert code == 0 and out.startswith("digraph") and '"parse.words"' in out
    svg = tmp_path / "dag.svg"
    code, _, _ = cosy("pipeline", "graph", "--format", "svg", "-o", str(svg))
    assert code == 0 and svg.read_text().startswith("<svg") and "parse.words" in svg.read_text()


def test_submit_wait_and_jobs(cosy, files):
    code, out, err = cosy("submit", "--wait", str(files["good"]), str(files["text"]))
    assert code == 1 and "notes.pdf is not a PDF" in err
    assert "1 documents succeeded, 0 failed; 1 pages" in out
    job_id = out.split()[0]
    code, out, _ = cosy("jobs")
    assert code == 0 and job_id in out and "succeeded" in out
    code, out, _ = cosy("jobs", job_id)
    assert json.loads(out)["status"] == "succeeded"
    code, _, err = cosy("jobs", "no-such-job")
    assert code == 1 and "no job no-such-job" in err


def test_help_works_everywhere():
    for args in ([], ["extract"], ["submit"], ["jobs"], ["pipeline"], ["serve"], ["run"],
                 ["corpus"]):
        proc = subprocess.run([sys.executable, "-m", "cosy.cli", *args, "--help"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and "usage: cosy" in proc.stdout, args


def test_real_corpus_extract_json_on_dask(real_corpus: Path, tmp_path):
    """`cosy extract --json` on the real e-invoices: valid §8 JSON per file, key fields right."""
    docs = sorted((real_corpus / "docs").glob("*.pdf"))
    truth = {json.loads(line)["file"].split("/")[-1]: json.loads(line)
             for line in (real_corpus / "truth.jsonl").read_text().splitlines()}
    proc = subprocess.run([sys.executable, "-m", "cosy.cli", "extract", "--json", *map(str, docs)],
                          capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "COSY_STORE": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["document"]["file"] for r in results] == [d.name for d in docs]
    misses = []
    for r in results:
        t = truth[r["document"]["file"]]
        for field in ("invoice_number", "issue_date", "total_gross"):
            expected = t["fields"].get(field)
            if expected is None or not t["visible_in_text"].get(field):
                continue
            got = r["fields"].get(field, {}).get("value")
            ok = (abs(float(got) - float(expected)) < 0.005 if field == "total_gross" and got
                  else got == str(expected))
            if not ok:
                misses.append((r["document"]["file"], field, expected, got))
    assert not misses, f"{len(misses)} misses: {misses}"


def test_run_generates_samples_processes_them_and_summarises(cosy, tmp_path):
    """What `make run` does before it serves: samples, jobs, a summary; twice gives the same."""
    samples = tmp_path / "samples"
    code, out, _ = cosy("run", "--no-serve", "--samples", str(samples), "--n", "3")
    assert code == 0, out
    assert len(list((samples / "docs").glob("*.pdf"))) == 3
    line = out.strip().splitlines()[-1]
    assert line.startswith("3 documents succeeded, 0 failed;") and "triples" in line
    code, again, _ = cosy("run", "--no-serve", "--samples", str(samples), "--n", "3")
    assert code == 0 and again.strip().splitlines()[-1].split(";")[:2] == line.split(";")[:2]


def test_a_partial_result_names_its_skipped_pages(cosy, tmp_path, monkeypatch):
    """A page over a budget: the document is still extracted (exit 0), each skipped page gets
    one line on stderr, and `cosy jobs` marks the job partial."""
    from cosy.corpus import hostile

    monkeypatch.setenv("COSY_MAX_STREAM_MB", "1")
    get_settings.cache_clear()
    path = tmp_path / "partial.pdf"
    path.write_bytes(hostile.document([hostile.text_page(INVOICE[0]),
                                       (hostile.A4, hostile.inflating(2 << 20), b"<< >>")]))
    code, out, err = cosy("extract", "--json", str(path))
    assert code == 0 and json.loads(out)["fields"]["invoice_number"]["value"] == "RE-7"
    assert f"cosy: {path}: page 2 skipped (stream_too_large): page 2: a stream inflates past " \
           "1 MB" in err
    code, out, _ = cosy("submit", "--wait", str(path))
    assert code == 0
    code, out, _ = cosy("jobs")
    assert "succeeded" in out and "(partial: 1 page skipped)" in out
