"""The generator's document families: present in the mix, truth exact against the page (values,
labels, visibility), formats that read back to the truth, receipts, photographed scans."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from cosy.cli import main
from cosy.corpus import FAMILIES, generate_corpus, generate_document
from cosy.corpus.families import CLASSIC
from cosy.corpus.texts import MONTHS, MONTHS_SHORT
from cosy.identifiers import normalize_identifier

NEW_FAMILIES = [f for f in FAMILIES if f != CLASSIC]
SEEDS = range(3)  # per family
AMOUNTS = {"total_net", "total_tax", "total_gross", "amount_due", "prepaid_amount",
           "dunning_fee", "monthly_fee"}  # fmt: skip
DATES = {"issue_date", "due_date", "delivery_date", "valid_until", "start_date"}


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def _crop(page: Any, box: dict[str, Any]) -> str:
    x0, top, x1, bottom = box["bbox"]
    return page.crop((x0 + 0.2, top + 0.2, x1 - 0.2, bottom - 0.2)).extract_text() or ""


def parse_amount(text: str) -> Decimal:
    """An amount as printed in any of the generator's formats (sign or code on either side,
    1.234,56 / 1,234.56 / 1 234,56 / 1'234.56 / 12,34,567.89)."""
    neg = text.strip().startswith("-")
    digits = re.sub(r"[^0-9.,' ]", "", text).strip(" .")
    m = re.search(r"[.,](\d{2})$", digits)
    whole = re.sub(r"\D", "", digits[: m.start()] if m else digits)
    value = Decimal(f"{whole}.{m.group(1)}" if m else whole)
    return -value if neg else value


def parse_date(text: str, language: str, us: bool) -> dt.date:
    """A date as printed: numeric (two- or four-digit years, M/D/Y for US issuers), ISO, or with
    the month's name or abbreviation in the document's language (or upper-case English)."""
    t = text.strip()
    names = {m.lower().rstrip("."): i + 1 for i, m in enumerate(MONTHS[language])}
    names.update({m.lower().rstrip("."): i + 1 for i, m in enumerate(MONTHS_SHORT[language])})
    names.update({m.lower(): i + 1 for i, m in enumerate(MONTHS_SHORT["en"])})
    nums = [int(x) for x in re.findall(r"\d+", t)]
    words = [w.lower().rstrip(".") for w in re.findall(r"[^\W\d_]+\.?", t)]
    month_word = next((names[w] for w in words if w in names), None)
    if month_word is not None:
        day, year = (nums[0], nums[1])
    elif re.fullmatch(r"\d{4}[-/]\d{2}[-/]\d{2}", t):
        year, month_word, day = nums
    elif us:
        month_word, day, year = nums
    else:
        day, month_word, year = nums
    return dt.date(year + 2000 if year < 100 else year, month_word, day)


def _check_document(pdf: bytes, truth: dict[str, Any]) -> None:
    """Every box reads its text, every label box its label, every visible value is on the page
    and reads back to the truth; every field marked invisible has no box."""
    fields = truth["fields"]
    us = (fields["seller_address"] or {}).get("country") == "US"
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == truth["pages"]
        text = " ".join(_norm(p.extract_text()) for p in doc.pages)
        for name, box in truth["boxes"].items():
            page = doc.pages[box["page"] - 1]
            assert _norm(_crop(page, box)) == _norm(box["text"]), (name, box)
        for name, box in truth["labels"].items():
            page = doc.pages[box["page"] - 1]
            x0, top, x1, bottom = box["bbox"]
            assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height, (name, box)
            assert box["text"].strip() and _norm(_crop(page, box)) == _norm(box["text"]), name
            assert truth["visible_in_text"].get(name), f"a label for {name}, not printed"
        for boxes in truth["line_item_boxes"]:
            for name, box in boxes.items():
                assert _norm(_crop(doc.pages[box["page"] - 1], box)) == _norm(box["text"]), name
    for name, visible in truth["visible_in_text"].items():
        value = fields[name]
        assert value is not None
        if name in ("currency", "tax_category"):
            continue
        assert visible == (name in truth["boxes"]), name
        if not visible:
            continue
        printed = truth["boxes"][name]["text"]
        if name in AMOUNTS:
            got = parse_amount(printed)
            got = abs(got) if name == "prepaid_amount" else got  # printed as a deduction
            assert got == Decimal(str(value)).quantize(Decimal("0.01")), name
        elif name in DATES:
            assert parse_date(printed, truth["language"], us).isoformat() == value, (name, printed)
        elif name.endswith("_address"):
            # the box holds the first line of the address; the rest is printed beside it
            assert value["street"] in printed or value["postcode"] in printed, (name, printed)
            assert value["postcode"] in text and value["city"] in text, name
        elif name in ("iban", "debtor_iban", "bic", "seller_vat_id", "buyer_vat_id",
                      "invoice_number"):  # fmt: skip
            assert normalize_identifier(printed) == normalize_identifier(value), (name, printed)
            assert printed.replace(" ", "") in text.replace(" ", ""), name
        else:
            assert _norm(printed) == _norm(str(value)), (name, printed)


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_every_family_truth_matches_its_pages(family: str) -> None:
    looks = set()
    for seed in SEEDS:
        pdf, truth = generate_document(1000 + seed, family=family)
        assert truth["family"] == family
        assert truth["doc_type"] in FAMILIES[family].doc_types
        assert truth["layout"] in FAMILIES[family].looks
        looks.add(truth["layout"])
        _check_document(pdf, truth)
        assert truth["labels"], "every family prints labels for its values"


@pytest.mark.parametrize("look", sorted({lk for f in NEW_FAMILIES for lk in FAMILIES[f].looks}))
def test_every_look_truth_matches_its_pages(look: str) -> None:
    pdf, truth = generate_document(77, layout=look)
    assert truth["layout"] == look
    _check_document(pdf, truth)


def test_default_mix_has_the_families_and_classic(tmp_path: Path) -> None:
    recs = generate_corpus(tmp_path, n=80, seed=5)
    seen = {r["family"] for r in recs}
    assert CLASSIC in seen and len(seen) >= 9
    assert {r["doc_type"] for r in recs} >= {"invoice", "receipt"}
    assert {r["language"] for r in recs} == {"de", "en", "fr"}


def test_families_option_restricts_the_mix(tmp_path: Path) -> None:
    recs = generate_corpus(tmp_path, n=6, seed=2, families=["receipt", "hotel"])
    assert {r["family"] for r in recs} <= {"receipt", "hotel"}


def test_receipts_are_narrow_paid_and_have_no_buyer() -> None:
    for seed in range(6):
        pdf, truth = generate_document(seed, family="receipt")
        f = truth["fields"]
        assert truth["doc_type"] == "receipt"
        assert f["buyer_name"] is None and f["buyer_address"] is None
        assert f["amount_due"] is None and f["total_gross"] is not None
        assert truth["visible_in_text"]["total_gross"] and truth["visible_in_text"]["seller_name"]
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            assert doc.pages[0].width < 240  # a 58 or 80 mm roll
        assert all(li["line_total_net"] is None for li in truth["line_items"])  # gross prices


def test_brand_is_printed_but_the_legal_name_is_the_seller() -> None:
    found = 0
    for seed in range(60):
        pdf, truth = generate_document(seed, family="utility")
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            text = " ".join(_norm(p.extract_text()) for p in doc.pages)
        name = truth["fields"]["seller_name"]
        if truth["visible_in_text"]["seller_name"]:
            assert name in text
        brand_line = _norm(text.split(" ")[0])
        if brand_line and brand_line not in name:
            found += 1
    assert found >= 10


def test_formats_vary_across_the_mix() -> None:
    """Month names, two-digit years, several separators, signs and codes on either side."""
    dates, amounts = set(), set()
    for seed in range(120):
        _, truth = generate_document(seed, family="saas" if seed % 2 else "hotel")
        boxes = truth["boxes"]
        if "issue_date" in boxes:
            t = boxes["issue_date"]["text"]
            dates.add("name" if re.search(r"[A-Za-z]", t) else
                      "yy" if re.fullmatch(r"\d{1,2}[./]\d{1,2}[./]\d{2}", t) else "num")
        if "total_gross" in boxes:
            t = boxes["total_gross"]["text"]
            amounts.add(("prefix" if not t[0].isdigit() else "suffix",
                         "comma" if re.search(r",\d{2}\b", t) else "dot"))
    assert dates == {"name", "yy", "num"}
    assert len(amounts) >= 3


def test_photo_scans_are_image_only_and_deterministic() -> None:
    seed = next(s for s in range(40)
                if generate_document(s, family="receipt", scanned=True)[1]["scan"].get("mode")
                == "photo")  # fmt: skip
    a, truth = generate_document(seed, family="receipt", scanned=True)
    b, _ = generate_document(seed, family="receipt", scanned=True)
    assert a == b and truth["scanned"] is True
    assert truth["scan"]["dpi"] <= 150 and abs(truth["scan"]["angle"]) <= 4.0
    with pdfplumber.open(io.BytesIO(a)) as doc:
        assert not doc.pages[0].chars and doc.pages[0].images


def test_cli_generates_a_family(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    assert main(["corpus", "generate", "--n", "2", "--seed", "3", "--families", "receipt",
                 "--out", str(out)]) == 0  # fmt: skip
    assert len((out / "truth.jsonl").read_text().splitlines()) == 2
    assert main(["corpus", "generate", "--n", "1", "--families", "memo", "--out",
                 str(out)]) != 0  # fmt: skip
    err = capsys.readouterr().err
    assert "unknown family 'memo'" in err and "classic" in err
