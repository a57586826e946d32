"""Review: the values a person should check, and corrections that replace them everywhere.

A value is *due for review* when the extraction marked it ``needs_review`` or its confidence is
below the threshold (``COSY_REVIEW_THRESHOLD``). A reviewer accepts it or types the right value;
either way :func:`review_value` replaces it in one store call (``Store.apply_correction``):

- the document's result: the field gets the value, confidence 1.0, ``source: "reviewed"`` and a
  ``reviews`` entry (who, when, the old value);
- the graph: every literal triple that stated the old value from this field's evidence (same
  page, box, value and one of the field's predicates) is deleted and written again with the new
  value, ``step: "review"``, ``source: "reviewed"``, confidence 1.0. Reads (the triples API, the
  neighbourhood, the exports) see only the reviewed triple; the superseded ones are kept inside
  the correction record, which is the audit trail with the audit log's ``value.reviewed`` event;
- the corrections log, which ``cosy corrections export`` writes as training examples.
Entities keep their ids: a corrected name changes the name triple, not the node's identity.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import time
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from cosy.config import get_settings
from cosy.domain import Triple
from cosy.engine.profiles import field_predicates as literal_predicates
from cosy.identifiers import iban_is_valid, normalize_identifier
from cosy.kg import vocab
from cosy.store.base import Store

REVIEWED = "reviewed"
"""The provenance ``source`` of a value a person reviewed."""
REVIEW_STEP = "review"
CONTEXT_LINES = 2
"""Lines above and below a value's own lines that a training example carries as its context."""
MAX_VALUE_CHARS = 500
QUEUE_DOCUMENTS = 200
"""The review queue looks at the tenant's newest documents, this many."""

FAMILIES = ("party", "reference", "date", "amount", "payment", "tax")
_PAYMENT = ("iban", "bic", "bank_name", "debtor_iban", "creditor_id", "mandate_reference")
_AMOUNTS = ("amount_due", "monthly_fee", "prepaid_amount", "dunning_fee", "currency")
_ROLE = re.compile(r"^(seller|buyer)_(.+)$")


class ReviewError(Exception):
    """A review the caller can fix: ``kind`` is not_found, conflict or invalid."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def family(name: str) -> str:
    """The field family a value is coloured by on the page (one colour per family)."""
    if _ROLE.match(name) or name in ("contact_person", "director"):
        return "party"
    if name.startswith("tax_"):
        return "tax"
    if name in _PAYMENT or name.startswith(("payment_", "discount_")):
        return "payment"
    if name.startswith("total_") or name in _AMOUNTS:
        return "amount"
    if name.endswith("_date") or name in ("valid_until", "period_start", "period_end"):
        return "date"
    return "reference"


@dataclass(frozen=True)
class FieldRow:
    """One reviewable value: a field, or one part of an address field (``seller_address.city``)."""

    key: str
    name: str
    part: str | None
    value: str
    confidence: float
    page: int | None
    bbox: tuple[float, ...] | None
    source: str
    needs_review: bool
    reviewed: bool
    step: str | None
    model: str | None

    @property
    def family(self) -> str:
        return family(self.name)

    @property
    def label(self) -> str:
        return self.name if self.part is None else f"{self.name} · {self.part}"


def field_rows(result: dict[str, Any]) -> list[FieldRow]:
    """The result's fields as rows, address fields split into their parts, in result order."""
    triples = [Triple.from_dict({**t, "tenant": ""}) for t in result.get("triples", [])]
    rows = []
    for name, f in (result.get("fields") or {}).items():
        parts = f["value"].items() if isinstance(f.get("value"), dict) else [(None, f["value"])]
        reviewed = {r.get("part") for r in f.get("reviews", [])}
        for part, value in parts:
            if value is None or value == "":
                continue
            text = str(value)
            step, model = f.get("step"), f.get("model")
            if step is None:
                evidence = next((t for t in triples if _states(t, name, part, f, text)), None)
                step, model = (evidence.step, evidence.model) if evidence else (None, None)
            bbox = tuple(f["bbox"]) if f.get("bbox") else None
            rows.append(FieldRow(
                key=name if part is None else f"{name}.{part}", name=name, part=part,
                value=text, confidence=float(f.get("confidence", 0.0)), page=f.get("page"),
                bbox=bbox, source=REVIEWED if part in reviewed else str(f.get("source", "page")),
                needs_review=bool(f.get("needs_review")) and part not in reviewed,
                reviewed=part in reviewed, step=step, model=model))
    return rows


def due(row: FieldRow, threshold: float) -> bool:
    return not row.reviewed and (row.needs_review or row.confidence < threshold)


def review_queue(store: Store, tenant: str, threshold: float,
                 max_documents: int = QUEUE_DOCUMENTS) -> list[tuple[dict[str, Any], FieldRow]]:
    """(document, value) pairs due for review: marked values first, then by confidence."""
    items = [(doc, row) for doc in store.list_documents(tenant, limit=max_documents)
             if doc.get("result") for row in field_rows(doc["result"]) if due(row, threshold)]
    items.sort(key=lambda item: (not item[1].needs_review, item[1].confidence,
                                 -(item[0].get("created_at") or 0), item[0]["id"], item[1].key))
    return items


# --- which triples state a field's value ---------------------------------------------------------


def field_predicates(name: str, part: str | None) -> set[str] | None:
    """The predicates the graph steps state this field with (None: any predicate)."""
    if part is not None:
        return {vocab.ADDRESS_PARTS[part]} if part in vocab.ADDRESS_PARTS else None
    predicates = literal_predicates(get_settings().pipeline)
    if name in predicates:
        found = {predicates[name][0]}
        if name == "invoice_number":  # also the Invoice node's identifier and an Order's number
            found.add(vocab.SCHEMA + "orderNumber")
        return found
    role = _ROLE.match(name)
    if role and role.group(2) in vocab.ORG_PREDICATES:
        return {vocab.ORG_PREDICATES[role.group(2)][0]}
    return {"iban": {vocab.IBAN}, "debtor_iban": {vocab.IBAN}, "bic": {vocab.BIC},
            "bank_name": {vocab.BANK_NAME}, "contact_person": {vocab.NAME},
            "director": {vocab.NAME}, "creditor_id": {vocab.CREDITOR_ID}}.get(name)


def _states(t: Triple, name: str, part: str | None, field: dict[str, Any], value: str) -> bool:
    """Whether ``t`` is a literal stating ``value`` from this field's evidence (page and box)."""
    if t.o_kind != "literal" or t.o != value or t.page != field.get("page"):
        return False
    predicates = field_predicates(name, part)
    if predicates is not None and t.p not in predicates:
        return False
    box = field.get("bbox")
    if (box is None) != (t.bbox is None):
        return False
    return box is None or all(abs(round(a, 1) - b) < 0.06 for a, b in zip(t.bbox, box,
                                                                            strict=True))


# --- correcting ----------------------------------------------------------------------------------


def normalize_value(name: str, part: str | None, text: str) -> str:
    """The corrected value in the result's conventions (ISO dates, dot decimals, compact IDs)."""
    text = text.strip()
    if not text:
        raise ReviewError("invalid", "a value is required")
    if len(text) > MAX_VALUE_CHARS:
        raise ReviewError("invalid", f"a value has at most {MAX_VALUE_CHARS} characters")
    datatype = _datatype(name, part)
    if datatype == vocab.XSD + "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ReviewError("invalid", f"{name} is a date: write it as YYYY-MM-DD, e.g. "
                                         "2024-03-01") from None
    if datatype in (vocab.XSD + "decimal", vocab.XSD + "integer"):
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ReviewError("invalid", f"{name} is a number: write it with a dot for decimals, "
                                         "e.g. 1234.50") from None
        if datatype == vocab.XSD + "integer":
            if number != number.to_integral_value():
                raise ReviewError("invalid", f"{name} is a whole number")
            return str(int(number))
        return str(number.quantize(Decimal("0.01")))
    if name in ("iban", "debtor_iban"):
        iban = normalize_identifier(text)
        if not iban_is_valid(iban):
            raise ReviewError("invalid", f"{text} is not a valid IBAN (its check digits fail)")
        return iban
    if name == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", text):
            raise ReviewError("invalid", "currency is an ISO 4217 code of three letters, e.g. EUR")
        return text.upper()
    if name.endswith(("vat_id", "bic")) or (part == "country"):
        return normalize_identifier(text)
    return text


def _datatype(name: str, part: str | None) -> str | None:
    if part is not None:
        return None
    predicates = literal_predicates(get_settings().pipeline)
    if name in predicates:
        return predicates[name][1]
    role = _ROLE.match(name)
    return vocab.ORG_PREDICATES[role.group(2)][1] if role and role.group(2) in \
        vocab.ORG_PREDICATES else None


@dataclass(frozen=True)
class Reviewer:
    key_id: str
    name: str


def review_value(store: Store, tenant: str, doc_id: str, key: str, new_text: str | None,
                 reviewer: Reviewer, now: float | None = None) -> dict[str, Any]:
    """Accept (``new_text`` None) or correct one value; return the stored correction record.

    Raises ReviewError: not_found (document or value), conflict (someone reviewed the document
    meanwhile: reload and try again), invalid (the new value does not fit the field).
    """
    now = time.time() if now is None else now
    doc = store.get_document(tenant, doc_id)
    if doc is None or not doc.get("result"):
        raise ReviewError("not_found", f"no processed document {doc_id}")
    row = next((r for r in field_rows(doc["result"]) if r.key == key), None)
    if row is None:
        raise ReviewError("not_found", f"document {doc_id} has no value {key}")
    new = row.value if new_text is None else normalize_value(row.name, row.part, new_text)
    action = "accept" if new == row.value else "correct"
    field = doc["result"]["fields"][row.name]
    old_triples = [t for t in store.find_triples(tenant, doc=doc_id, o=row.value)
                   if _states(t, row.name, row.part, field, row.value)]
    new_triples = [dataclasses.replace(t, o=new, step=REVIEW_STEP, model=None,
                                       model_version=None, confidence=1.0, source=REVIEWED)
                   for t in old_triples]
    correction = {
        "id": uuid.uuid4().hex, "at": now, "doc": doc_id, "file_name": doc.get("file_name"),
        "field": row.name, "part": row.part, "key": row.key, "action": action,
        "old_value": row.value, "new_value": new, "page": row.page,
        "bbox": list(row.bbox) if row.bbox else None, "confidence": row.confidence,
        "step": row.step, "model": row.model, "by": reviewer.key_id, "by_name": reviewer.name,
        "context": _context(store, doc, row),
        "superseded": [t.to_json() for t in old_triples], "triples": [t.id for t in new_triples],
    }
    result = _reviewed_result(doc["result"], row, new, correction, old_triples, new_triples)
    version = int(doc.get("review_version") or 0)
    if not store.apply_correction(tenant, doc_id, version, result, correction,
                                  [t.id for t in old_triples], new_triples):
        raise ReviewError("conflict", "this document was reviewed by someone else meanwhile; "
                                      "reload it and review again")
    store.audit(tenant, "value.reviewed", now, doc_id=doc_id, field=row.key, action=action,
                old_value=row.value, new_value=new, key_id=reviewer.key_id,
                correction=correction["id"])
    return correction


def _reviewed_result(result: dict[str, Any], row: FieldRow, new: str, correction: dict[str, Any],
                     old: list[Triple], new_triples: list[Triple]) -> dict[str, Any]:
    out = copy.deepcopy(result)
    field = out["fields"][row.name]
    if row.part is None:
        field["value"] = new
        field["confidence"] = 1.0
        field["source"] = REVIEWED
        field.pop("needs_review", None)
    else:
        field["value"][row.part] = new
    field.setdefault("reviews", []).append({
        "part": row.part, "action": correction["action"], "old_value": row.value,
        "confidence": row.confidence, "by": correction["by"], "by_name": correction["by_name"],
        "at": correction["at"], "correction": correction["id"]})
    gone = {t.id for t in old}
    kept = [t for t in out.get("triples", []) if t.get("_id") not in gone]
    out["triples"] = kept + [t.to_json() for t in new_triples]
    return out


def _context(store: Store, doc: dict[str, Any], row: FieldRow) -> str:
    """The page text around a value: its lines and CONTEXT_LINES on each side ("" if the page
    has no text layer, e.g. a scan, or the value has no box)."""
    if row.page is None or row.bbox is None or not doc.get("blob"):
        return ""
    try:
        data = store.blobs.get(doc["blob"])
    except KeyError:
        return ""
    return page_context(data, row.page, row.bbox)


def page_context(pdf_bytes: bytes, page: int, bbox: tuple[float, ...]) -> str:
    from cosy.steps.layout import group_lines, join_words
    from cosy.steps.parse import open_page, words

    pdf_page = open_page(pdf_bytes, page)
    try:
        lines = group_lines(words(pdf_page))
    finally:
        pdf_page.pdf.close()
    hits = [i for i, line in enumerate(lines)
            if min(w.top for w in line) < bbox[3] and max(w.bottom for w in line) > bbox[1]]
    if not hits:
        return ""
    first, last = max(hits[0] - CONTEXT_LINES, 0), hits[-1] + CONTEXT_LINES + 1
    return "\n".join(join_words(line) for line in lines[first:last])


# --- training examples ---------------------------------------------------------------------------

EXAMPLE_FIELDS = ("file_name", "page", "bbox", "field", "part", "action", "old_value",
                  "new_value", "context", "confidence", "step", "model", "by", "at", "id")


def export_corrections(store: Store, tenant: str, out: TextIO, page_size: int = 500) -> int:
    """Write the tenant's corrections as JSON lines (oldest first) for the model recipes."""
    n = 0
    while True:
        batch = store.list_corrections(tenant, limit=page_size, offset=n)
        for c in batch:
            example = {"tenant": tenant, "document_id": c["doc"],
                       **{k: c.get(k) for k in EXAMPLE_FIELDS}}
            out.write(json.dumps(example, ensure_ascii=False) + "\n")
        n += len(batch)
        if len(batch) < page_size:
            return n
