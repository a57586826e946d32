"""Golden tests on generated documents (fixed seeds): fields, line items, entities, triples.

Each case is made here by the document generator, so the test needs no corpus on disk; the
layouts are chosen for what they exercise (roles swapped on an order, British and US address
lines, a table over two pages with carried-forward rows, headers above values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cosy.corpus import generate_document
from cosy.evaluation import field_values, score_line_items, scored_fields, values_match
from cosy.kg import vocab
from tests.conftest import Extract

CASES = [  # seed, doc_type, layout, language
    (101, "invoice", "din_classic", "de"),
    (202, "order", "center_zebra", "en"),  # the letterhead is the buyer's
    (301, "invoice", "grid_times", "de"),  # two pages, carried-forward rows, repeated header
    (404, "credit_note", "modern_band", "en"),  # values under a row of column headers
    (505, "quotation", "sidebar_times", "fr"),
    (706, "invoice", "us_style", "en"),  # 'Austin, TX 78701' city lines
    (801, "quotation", "sidebar_times", "en"),  # British postcode on its own line
    (606, "delivery_note", "typewriter", "en"),  # no prices: items matched by quantity
]


@pytest.fixture(scope="module")
def run(extract_result: Extract) -> Any:
    def extract(case: tuple[int, str, str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
        seed, doc_type, layout, language = case
        pdf, truth = generate_document(seed, doc_type=doc_type, layout=layout, language=language)
        return extract_result(pdf, Path(truth["file"]).name), truth

    return extract


@pytest.mark.parametrize("case", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_printed_fields(case: tuple[int, str, str, str], run: Any) -> None:
    result, truth = run(case)
    got = field_values(result)
    wrong = {f: (truth["fields"][f], got.get(f)) for f in scored_fields()
             if truth["visible_in_text"].get(f) and truth["fields"].get(f) is not None
             and not values_match(f, truth["fields"][f], got.get(f))}
    assert wrong == {}


@pytest.mark.parametrize("case", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_line_items(case: tuple[int, str, str, str], run: Any) -> None:
    result, truth = run(case)
    counts = score_line_items(truth["line_items"], result["line_items"])
    assert counts == {"tp": len(truth["line_items"]), "fp": 0, "fn": 0}
    for item in result["line_items"]:
        assert set(item) >= {"description", "quantity", "unit", "unit_price", "total"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_entities_and_triples(case: tuple[int, str, str, str], run: Any) -> None:
    result, truth = run(case)
    entities = result["entities"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in entities:
        by_type.setdefault(e["type"], []).append(e)
    assert len(by_type["Document"]) == 1
    assert len(by_type.get("LineItem", [])) == len(truth["line_items"])
    names = {e["label"] for e in by_type["Organization"]}
    want = {truth["fields"]["seller_name"], truth["fields"]["buyer_name"]}
    companies = {e["label"] for e in truth["entities"] if e["type"] == "Organization"}
    assert want & companies <= names
    doc = by_type["Document"][0]["id"]
    triples = result["triples"]
    links = [t for t in triples if t["s"] == doc and t["p"] == vocab.LINE_ITEM]
    assert len(links) == len(truth["line_items"])
    totals = {t["o"] for t in triples if t["p"] == vocab.LINE_TOTAL}
    expected = {f"{it['line_total_net']:.2f}" for it in truth["line_items"]
                if it["line_total_net"] is not None}
    assert totals == expected
    provider = [t for t in triples if t["s"] == doc and t["p"] == vocab.PROVIDER]
    customer = [t for t in triples if t["s"] == doc and t["p"] == vocab.CUSTOMER]
    assert len(provider) == 1 and len(customer) == 1
    seller_org = next(e for e in by_type["Organization"] if e["id"] == provider[0]["o"])
    assert seller_org["label"] == truth["fields"]["seller_name"]
