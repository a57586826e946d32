"""Open items: the invoices between the own company and its partners, one partner line each.

Documents cannot prove that an invoice is unpaid, so the mapping decides which invoices are
open: those issued in ``[open_items] since .. cutoff`` whose number is not in ``paid``. An
invoice printed twice (two PDFs of one Invoice node) is one item; if the copies disagree on the
amount, that is a conflict. Supplier invoices become ``S_BSIK`` rows, customer invoices
``S_BSID`` rows (migration objects "FI - Accounts payable/receivable open item").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from cosy.batch.sap.evidence import conflict, variants
from cosy.batch.sap.graph import DocView, TenantGraph
from cosy.batch.sap.mapping import Mapping
from cosy.batch.sap.partners import Partner, payment_days
from cosy.batch.sap.structures import AP_OPEN_ITEMS, AR_OPEN_ITEMS
from cosy.batch.sap.values import Record, Value, mapped

INVOICE_TYPES = frozenset({"invoice", "corrected_invoice", "self_billed_invoice"})
"""Document types that ask to be paid (an invoice information or a credit note does not)."""


def open_items(g: TenantGraph, m: Mapping, partners: list[Partner]
               ) -> tuple[dict[str, list[Record]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows by structure (S_BSIK, S_BSID), conflicts, and the invoices left out and why."""
    rows: dict[str, list[Record]] = {AP_OPEN_ITEMS.structures[0].name: [],
                                     AR_OPEN_ITEMS.structures[0].name: []}
    conflicts: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for p in partners:
        obj = AP_OPEN_ITEMS if p.role == "supplier" else AR_OPEN_ITEMS
        groups: dict[str, list[DocView]] = {}
        for doc in sorted(p.docs):
            d = g.docs[doc]
            if d.doc_type in INVOICE_TYPES:
                groups.setdefault(d.invoice or d.id, []).append(d)
        for copies in groups.values():
            copies.sort(key=lambda d: (d.issued, d.id), reverse=True)
            reason = _left_out(copies[0], m)
            if reason:
                skipped.append({"partner": p.key, "doc": copies[0].id, "file": copies[0].file,
                                "reason": reason})
                continue
            row, clash = _row(g, m, p, copies, obj.partner_field)
            rows[obj.structures[0].name].append(row)
            if clash:
                conflicts.append({"partner": p.key, "name": p.name, "role": p.role, **clash})
    for obj in (AP_OPEN_ITEMS, AR_OPEN_ITEMS):  # by partner, then date: stable output
        rows[obj.structures[0].name].sort(key=lambda r, k=obj.partner_field: (
            str(r[k].value), r["BLDAT"].value, str(r["XBLNR"].value)))
    return rows, conflicts, skipped


def _left_out(d: DocView, m: Mapping) -> str:
    number = d.fields.get("invoice_number")
    if number is None:
        return "no invoice number (XBLNR is mandatory)"
    if number.value in m.paid:
        return "listed as paid (mapping: open_items.paid)"
    try:
        issued = dt.date.fromisoformat(d.issued) if d.issued else None
    except ValueError:
        issued = None
    if issued is None:
        return "no issue date"
    if m.since and issued < m.since:
        return f"issued before {m.since} (mapping: open_items.since)"
    if m.cutoff and issued > m.cutoff:
        return f"issued after {m.cutoff} (mapping: open_items.cutoff)"
    if _amount(d) is None:
        return "no amount"
    return ""


def _amount(d: DocView) -> Any:
    f = d.fields.get("amount_due") or d.fields.get("total_gross")
    try:
        return (Decimal(f.value), f) if f else None
    except InvalidOperation:
        return None


def _row(g: TenantGraph, m: Mapping, p: Partner, copies: list[DocView],
         pk: str) -> tuple[Record, dict[str, Any] | None]:
    d = copies[0]
    f = d.fields
    amount, amount_f = _amount(d)
    issued = dt.date.fromisoformat(d.issued)
    why = f"the newest of {len(copies)} copies" if len(copies) > 1 else ""
    direction = "input" if p.role == "supplier" else "output"
    days, days_f = payment_days(g, d.id)
    term = m.payment_term(days)
    rates = {(r.get("rate"), r.get("category")) for r in d.tax_rows}
    if not rates and "tax_rate" in f:
        rates = {(f["tax_rate"].value, f["tax_category"].value if "tax_category" in f else None)}
    tax_code, tax_note = "", "no VAT rate printed"
    if len(rates) == 1:
        rate, category = next(iter(rates))
        tax_code = m.tax_code(direction, Decimal(rate) if rate else None, category)
        tax_note = (f"mapping: tax_codes for {direction} {rate} % {category or ''}".strip()
                    if tax_code else f"no tax code for {direction}.{rate} in the mapping")
    elif rates:
        tax_note = f"{len(rates)} VAT rates: one tax code cannot say it"
    row: Record = {
        "BUKRS": mapped(m.company_code, "company.company_code"),
        "XBLNR": Value(f["invoice_number"].value, [f["invoice_number"]], why),
        pk: Value(p.key, [], f"the partner {p.name}"),
        "HKONT": mapped(m.offsetting_account, "accounts.offsetting"),
        "BLART": mapped(m.document_type[p.role], f"open_items.{p.role}_document_type"),
        "BLDAT": Value(issued, [f["issue_date"]], why),
        "BUDAT": (mapped(m.posting_date, "open_items.posting_date") if m.posting_date
                  else Value(issued, [f["issue_date"]], "the document date (mapping: "
                             "open_items.posting_date not set)")),
        "WAERS": Value(f["currency"].value, [f["currency"]], why) if "currency" in f
        else Value(""),
        "WRBTR": Value(amount, [amount_f], why or "the amount due"),
        "MWSKZ": Value(tax_code, [], tax_note),
        "ZTERM": Value(term, days_f, f"{days} days" + ("" if term else ", no payment_terms "
                                                       "key in the mapping")) if days is not None
        else Value(""),
        "ZFBDT": Value(issued, [f["issue_date"]], "baseline date: the document date"),
        "SGTXT": Value(f"COSY {d.id[7:19]}", [], "the source document's id"),
    }
    clash = None
    amounts = [a for c in copies if (a := _amount(c)) is not None]
    if len({a for a, _ in amounts}) > 1:
        vs = variants([s for _, s in amounts], g, lambda v: str(Decimal(v)))
        clash = conflict("open_item_amount", vs, g, next(v for v in vs if d.id in v.docs))
        clash["why"] = f"{f['invoice_number'].value}: copies disagree; {why} is exported"
    return row, clash
