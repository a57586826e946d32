"""The pipeline's own stages for unit tests, run from given artifacts by ``Pipeline.subset``.

A unit test checks one step or one family; the stages upstream of it (sources, normalise,
validate, context) and the selections after it run here as the default pipeline runs them, in
its order, from the artifacts the test gives (a page's lines and geometry, some mentions, a
title): nothing is wired by hand.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cosy.domain import FieldValue, Line, PageGeometry
from cosy.engine.dag import Pipeline
from cosy.engine.profiles import load_pipeline

GEOMETRY = PageGeometry(595.0, 842.0)
"""An A4 page in points."""


@lru_cache(maxsize=64)
def _subset(outputs: tuple[str, ...], inputs: tuple[str, ...]) -> Pipeline:
    return load_pipeline().subset(outputs, inputs)


def run_steps(outputs: str | tuple[str, ...], page: dict[str, Any],
              document: dict[str, Any] | None = None) -> Any:
    """``outputs`` (one artifact, or a tuple of them as a dict) made from one page's given
    artifacts and the document's by the default pipeline's own steps."""
    wanted = (outputs,) if isinstance(outputs, str) else outputs
    given = tuple(sorted({*page, *(document or {})}))
    out = _subset(wanted, given).run_page(page, document)
    return out[outputs] if isinstance(outputs, str) else {a: out[a] for a in wanted}


def run_pages(outputs: tuple[str, ...], pages: list[dict[str, Any]],
              document: dict[str, Any] | None = None) -> dict[str, Any]:
    """As :func:`run_steps` over several pages: a page artifact is the list of its pages'."""
    given = tuple(sorted({*(a for p in pages for a in p), *(document or {})}))
    out = _subset(outputs, given).run(pages, document)
    return {a: out[a] for a in outputs}


def page_inputs(lines: list[Line], geometry: PageGeometry | None = None,
                page_no: int = 1) -> dict[str, Any]:
    """A page as the layout steps leave it: its lines, size and number."""
    return {"page.lines": lines, "page.geometry": geometry or GEOMETRY, "page_no": page_no}


def date_context(lines: list[Line], page_no: int = 1,
                 geometry: PageGeometry | None = None) -> list[Any]:
    """The page's dates with label, header and position (``page.date.context``)."""
    return run_steps("page.date.context", page_inputs(lines, geometry, page_no))


def amount_context(lines: list[Line], page_no: int = 1,
                   geometry: PageGeometry | None = None) -> list[Any]:
    """The page's amounts with label, header and position (``page.amount.context``)."""
    return run_steps("page.amount.context", page_inputs(lines, geometry, page_no))


def number_roles(lines: list[Line]) -> list[Any]:
    """The page's document numbers with the role their labels give (``page.doc_number.role``)."""
    return run_steps("page.doc_number.role", page_inputs(lines))


def reference_context(lines: list[Line]) -> list[Any]:
    """The page's buyer references in context (``page.buyer_reference.context``)."""
    return run_steps("page.buyer_reference.context", page_inputs(lines))


def identifier_context(kind: str, lines: list[Line], geometry: PageGeometry | None = None,
                       page_no: int = 1) -> list[Any]:
    """The page's identifiers of one kind (iban, vat_id, ...) in context, with every
    language's labels and the page's zones (``page.<kind>.context``)."""
    return run_steps(f"page.{kind}.context", page_inputs(lines, geometry, page_no))


def identifier_labels(lines: list[Line]) -> list[Any]:
    """Every language's identifier labels on the page, overlaps resolved."""
    from cosy.steps.fields.ids.labels import merge_labels

    found = run_steps(tuple(f"page.identifier.labels.{lang}" for lang in ("de", "en", "fr")),
                      page_inputs(lines))
    return merge_labels(*found.values())


def party_blocks(lines: list[Line], page_no: int = 1,
                 geometry: PageGeometry | None = None) -> tuple[list[Any], list[Any]]:
    """The page's validated party blocks and their layout context (what the role model reads)."""
    out = run_steps(("page.party_block.valid", "page.party_block.context"),
                    page_inputs(lines, geometry, page_no))
    return out["page.party_block.valid"], out["page.party_block.context"]


def selected(fields: tuple[str, ...], page: dict[str, Any],
             document: dict[str, Any] | None = None) -> dict[str, FieldValue]:
    """The fields the select steps make of the given artifacts, joined by name."""
    out = run_steps(tuple(f"doc.field.{f}" for f in fields), page, document)
    return {name: f for found in out.values() for name, f in found.items()}


def select_dates(context: list[Any], roles: list[dict[str, float]] | None = None,
                 implied_due: str | None = None) -> dict[str, FieldValue]:
    """Issue, delivery and due date by the select steps (rules alone without ``roles``)."""
    return selected(("issue_date", "delivery_date", "due_date"),
                    {"page.date.context": context, "page.date.role": roles or []},
                    {"doc.payment.implied_due": implied_due})


def select_numbers(numbers: list[Any], title: str | None = None,
                   references: list[Any] | None = None) -> dict[str, FieldValue]:
    """The document's number fields by the select steps, from numbers with their roles."""
    return selected(("invoice_number", "order_number", "customer_number", "supplier_number",
                     "invoice_reference"),
                    {"page.doc_number.role": numbers,
                     "page.buyer_reference.context": references or []},
                    {"doc.title_kind": title})


def select_parties(blocks: list[Any], title: str | None = None,
                   roles: list[dict[str, float]] | None = None,
                   letterhead: list[Any] | None = None) -> dict[str, FieldValue]:
    """Seller and buyer fields by the assign and select steps, from one page's blocks."""
    return selected(tuple(f"{role}_{part}" for role in ("seller", "buyer")
                          for part in ("name", "address", "legal_form")),
                    {"page.party_block.valid": blocks,
                     "page.org_name.letterhead": letterhead or []},
                    {"doc.party_block.roles": roles or [], "doc.title_kind": title})
