"""The extraction result of DESIGN §8: what `cosy extract --json` prints and the API returns."""

from __future__ import annotations

from typing import Any

from cosy.domain import Entity, FieldValue, PageGeometry, Pose, Triple
from cosy.engine.step import StepError, step
from cosy.ingest import DocumentInfo
from cosy.steps.classify import Prediction
from cosy.steps.consistency import Check


@step("result.assemble", scope="document",
      requires=["doc_info", "page.geometry", "page.scan", "page.pose", "page.check",
                "doc.fields",
                "doc.entities",
                "doc.triples", "doc.doc_type", "doc.language", "doc.line_items", "doc.checks",
                "doc.layout", "doc.tax_breakdown"],
      provides=["doc.result"], sink=True)
def assemble(doc_info: DocumentInfo, page_geometry: list[PageGeometry],
             page_scan: list[dict[str, Any]], page_pose: list[Pose],
             page_check: list[dict[str, Any]], doc_fields: dict[str, FieldValue],
             doc_entities: list[Entity],
             doc_triples: list[Triple], doc_doc_type: Prediction,
             doc_language: Prediction, doc_line_items: list[dict[str, Any]],
             doc_checks: list[Check], doc_layout: list[dict[str, Any]],
             doc_tax_breakdown: list[dict[str, Any]]) -> dict[str, Any]:
    """Document header (type and language by the classifiers), fields, line items, the
    consistency checks that adjusted the fields' confidence, entities and triples, and the page
    layout (blocks with their class), so a reviewer sees what the layout model saw.

    Pages that could not be read (over a budget: docs/reliability.md) are named in
    ``skipped_pages``; the document succeeds partially with the others, and fails when no page
    could be read."""
    skipped = skipped_pages(page_check)
    if skipped and len(skipped) == doc_info.pages:
        kinds = {s["kind"] for s in skipped}
        raise StepError("no page could be read: " + "; ".join(s["reason"] for s in skipped[:3])
                        + ("; ..." if len(skipped) > 3 else ""),
                        kind=kinds.pop() if len(kinds) == 1 else "no_readable_pages")
    return {
        "document": {"id": doc_info.id, "file": doc_info.file_name, "pages": doc_info.pages,
                     "doc_type": doc_doc_type.label, "language": doc_language.label,
                     "page_sizes": [g.to_dict() for g in page_geometry],
                     "page_sources": [page_source(s, p) for s, p in zip(page_scan, page_pose,
                                                                        strict=True)],
                     "skipped_pages": skipped},
        "fields": {name: f.to_json() for name, f in sorted(doc_fields.items())},
        "line_items": doc_line_items,
        "tax_breakdown": doc_tax_breakdown,
        "checks": [c.to_dict() for c in doc_checks],
        "layout": doc_layout,
        "entities": [e.to_dict() for e in doc_entities],
        "triples": [t.to_json() for t in doc_triples],
    }


def page_source(scan: dict[str, Any], pose: Pose) -> dict[str, Any]:
    """How a page was read: by OCR or its text layer and why; for OCR, how the page was
    turned (degrees clockwise) and levelled (its lines' tilt in degrees) to be read."""
    out = {"ocr": scan["ocr"], "reason": scan["reason"]}
    return {**out, **pose.to_dict()} if scan["ocr"] else out


def skipped_pages(page_check: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pages that were not read: page number, kind and reason of each."""
    return [{"page": c["page"], "kind": c["skip"]["kind"], "reason": c["skip"]["reason"]}
            for c in page_check if c.get("skip")]
