"""The OCR card's real-scan measure: a scan read against its born-digital twin's text lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosy.corpus import generate_document
from models.recipes import ocr as ocr_recipe

SEED = 11  # a one-page German invoice (as tests/unit/test_ocr.py)


def test_without_real_scans_there_is_nothing_to_measure(tmp_path: Path) -> None:
    assert ocr_recipe.real_scans(engine=None, real=tmp_path) is None


@pytest.mark.slow
def test_a_scan_is_read_against_the_text_lines_of_its_born_digital_twin(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "scanned").mkdir()
    twin, _ = generate_document(SEED, doc_type="invoice", language="de", family="classic")
    scan, _ = generate_document(SEED, doc_type="invoice", language="de", family="classic",
                                scanned=True)
    (tmp_path / "docs" / "a.pdf").write_bytes(twin)
    (tmp_path / "scanned" / "a.pdf").write_bytes(scan)
    (tmp_path / "scanned" / "no-twin.pdf").write_bytes(scan)  # no born-digital twin: not read
    engine = ocr_recipe.service_engine()
    m = ocr_recipe.real_scans(engine, real=tmp_path)
    assert m is not None and m["docs"] == 1 and m["pages"] == 1 and m["lines"] > 20
    assert 0.9 < m["char_accuracy"] <= 1.0
    assert 0.0 < m["sec_p50"] <= m["sec_max"]
    # the measure can fail: the twin of another document reads far worse
    other, _ = generate_document(SEED + 1, doc_type="invoice", language="de", family="classic")
    (tmp_path / "docs" / "a.pdf").write_bytes(other)
    assert ocr_recipe.real_scans(engine, real=tmp_path)["char_accuracy"] < 0.6
