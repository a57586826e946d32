"""Files an export writes: XLSX (openpyxl) and CSV per migration object, the provenance of every
cell, the conflicts with the documents behind each variant, and the documents themselves."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from cosy.batch.sap.graph import TenantGraph
from cosy.batch.sap.values import Record, cell_text

PROVENANCE_COLUMNS = ("object", "structure", "row", "key", "field", "value", "note",
                      "documents", "files", "pages")
CONFLICT_COLUMNS = ("role", "partner", "name", "attribute", "kind", "chosen", "why", "variant",
                    "valid", "documents", "newest", "evidence")
DOCUMENT_COLUMNS = ("id", "file", "doc_type", "issued", "entries", "mail_from", "mail_subject",
                    "mail_date")


def columns(fields: list[str], rows: list[Record]) -> list[str]:
    """The structure's fields, then any field a row has beyond them (mapping constants)."""
    extra = sorted({k for r in rows for k in r} - set(fields))
    return fields + extra


def provenance(obj: str, structure: str, rows: list[Record], key_field: str,
               g: TenantGraph) -> Iterable[dict[str, Any]]:
    """One line per non-empty cell: its value, how it was chosen and the documents behind it."""
    for n, row in enumerate(rows, 1):
        key = cell_text(row[key_field].value) if key_field in row else str(n)
        for name, v in row.items():
            text = cell_text(v.value)
            if not text:
                continue
            docs = sorted({s.doc for s in v.stated})
            yield {"object": obj, "structure": structure, "row": n, "key": key, "field": name,
                   "value": text, "note": v.note, "documents": " ".join(docs),
                   "files": " | ".join(g.docs[d].file for d in docs if d in g.docs),
                   "pages": " ".join(sorted({f"{s.doc[7:15]}:{s.page}" for s in v.stated
                                             if s.page is not None}))}


def conflict_lines(conflicts: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """One line per variant of each conflict (the CSV form of conflicts.json)."""
    for c in conflicts:
        variants = c.get("variants") or [{}]
        for v in variants:
            yield {"role": c.get("role"), "partner": c.get("partner"), "name": c.get("name"),
                   "attribute": c["attribute"], "kind": c["kind"],
                   "chosen": _show(c.get("chosen")), "why": c.get("why"),
                   "variant": _show(v.get("value")), "valid": v.get("valid"),
                   "documents": v.get("documents"), "newest": v.get("newest"),
                   "evidence": " | ".join(f"{e['file'] or e['doc']} p.{e['page']}"
                                          for e in v.get("evidence", []))}


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(str(x) for x in value.values() if x)
    return "" if value is None else str(value)


def write_csv(path: Path, header: Iterable[str], lines: Iterable[dict[str, Any]],
              delimiter: str = ",") -> None:
    """UTF-8 with a byte order mark, so that Excel shows umlauts right."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(header), delimiter=delimiter,
                           extrasaction="ignore")
        w.writeheader()
        for line in lines:
            w.writerow({k: _show(v) for k, v in line.items()})


def write_structure_csv(path: Path, fields: list[str], rows: list[Record],
                        delimiter: str) -> None:
    write_csv(path, fields, ({f: cell_text(r[f].value) if f in r else "" for f in fields}
                             for r in rows), delimiter)


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[list[Any]]]]) -> None:
    """A workbook with one sheet per name: a header row, then rows (dates and amounts typed)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(name[:31])
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
        ws.freeze_panes = "A2"
        for col, h in zip(ws.columns, header, strict=False):
            width = max([len(str(h))] + [len(str(c.value or "")) for c in col[:200]])
            ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 8), 60)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _xlsx_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dt.date | int | float) or v is None:
        return v
    return str(v)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=cell_text),
                    encoding="utf-8")
