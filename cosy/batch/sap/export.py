"""``cosy export sap``: the tenant's graph as SAP S/4HANA Migration Cockpit data.

Reads the graph once, finds the own company (mapping), its suppliers and customers and their
open items, then writes: the filled templates (``--template``, the customer's release decides
structures, lengths and mandatory fields) or, without templates, one XLSX workbook and one CSV
per structure for each migration object; always the provenance of every cell, the conflicts
with the documents behind each variant, the documents, and ``export.json`` with the counts and
every length or mandatory-field violation. docs/sap.md walks through it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cosy.batch.sap import writers
from cosy.batch.sap.graph import TenantGraph, load_graph
from cosy.batch.sap.mapping import Mapping, MappingError, load_mapping
from cosy.batch.sap.openitems import open_items
from cosy.batch.sap.partners import OwnCompanyError, build, find_partners, own_company
from cosy.batch.sap.structures import OBJECTS, MigrationObject
from cosy.batch.sap.template import Template, TemplateError, fill, read_template
from cosy.batch.sap.values import Record, Value, check, sap_text
from cosy.store.base import Store


class ExportError(Exception):
    """The export cannot start: a bad mapping or template, no documents, no own company."""


Records = dict[str, dict[str, list[Record]]]
"""Migration object key -> structure name -> rows."""


def collect(g: TenantGraph, m: Mapping) -> tuple[Records, list[dict[str, Any]], dict[str, Any]]:
    """Rows of every structure, the conflicts, and what the export left out."""
    own = own_company(g, m)
    partners = find_partners(g, own)
    build(g, m, partners)
    records: Records = {o.key: {s.name: [] for s in o.structures} for o in OBJECTS}
    conflicts: list[dict[str, Any]] = []
    for p in sorted(partners, key=lambda p: (p.role, p.key)):
        for structure, rows in p.records.items():
            records[p.role][structure] += rows
        conflicts += [{"role": p.role, "partner": p.key, "name": p.name, **c}
                      for c in p.conflicts]
    items, item_conflicts, skipped = open_items(g, m, partners)
    records["ap_open_items"]["S_BSIK"] = items["S_BSIK"]
    records["ar_open_items"]["S_BSID"] = items["S_BSID"]
    conflicts += item_conflicts
    for obj_records in records.values():
        _constants(obj_records, m)
    left_out = {"own_company": sorted(own), "open_items_left_out": skipped}
    return records, conflicts, left_out


def _constants(records: dict[str, list[Record]], m: Mapping) -> None:
    """Mapping ``[fields.STRUCTURE]`` values for fields no document fills."""
    for structure, fields in m.constants.items():
        for row in records.get(structure, []):
            for name, value in fields.items():
                if name not in row or row[name].value in ("", None):
                    row[name] = Value(value, [], f"mapping: fields.{structure}.{name}")


def object_of(t: Template) -> MigrationObject:
    """The migration object whose structures a template holds (most in common)."""
    best = max(OBJECTS, key=lambda o: len(t.structures & {s.name for s in o.structures}))
    if not t.structures & {s.name for s in best.structures}:
        raise TemplateError(f"{t.path}: its structures ({', '.join(sorted(t.structures))}) are "
                            "none that COSY fills: " + ", ".join(
                                f"{o.name} ({', '.join(s.name for s in o.structures)})"
                                for o in OBJECTS))
    return best


def run_export(store: Store, tenant: str, out: Path, templates: list[Path],
               mapping_path: Path | None) -> int:
    """Write the export into ``out``; print one line per file group and a summary."""
    try:
        m = load_mapping(mapping_path)
        parsed = [read_template(t) for t in templates]
        objects = [object_of(t) for t in parsed]
    except (MappingError, TemplateError) as err:
        raise ExportError(str(err)) from None
    g = load_graph(store, tenant)
    if not g.docs:
        raise ExportError(f"tenant {tenant!r} has no processed documents; run `cosy batch` "
                          "first")
    try:
        records, conflicts, left_out = collect(g, m)
    except OwnCompanyError as err:
        raise ExportError(f"{err} (mapping: {mapping_path or 'none given'})") from None
    out.mkdir(parents=True, exist_ok=True)
    violations: list[dict[str, Any]] = []
    written: list[str] = []
    if parsed:
        for t, obj in zip(parsed, objects, strict=True):
            text, problems = fill(t, records[obj.key], m.constants)
            ET.fromstring(text.encode("utf-8"))  # a filled template is well-formed XML, always
            target = out / "templates" / t.path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            violations += [{"template": t.path.name, **p} for p in problems]
            written.append(str(target))
    else:
        violations += _write_tables(out, records, g, m)
        written += [str(out / "xlsx"), str(out / "csv")]
    _write_side_files(out, records, conflicts, g, store, tenant)
    counts = {o.key: len(records[o.key][o.structures[0].name]) for o in OBJECTS}
    summary = {"tenant": tenant, "counts": counts, "conflicts": len(conflicts),
               "violations": violations, "templates": [t.path.name for t in parsed],
               "template_properties": {t.path.name: t.properties for t in parsed},
               **left_out}
    writers.write_json(out / "export.json", summary)
    writers.write_csv(out / "violations.csv", ("template", "sheet", "structure", "row", "field",
                                                "description", "kind", "message", "value"),
                      violations)
    print(f"cosy: exported {counts['supplier']} suppliers, {counts['customer']} customers, "
          f"{counts['ap_open_items']} payable and {counts['ar_open_items']} receivable open "
          f"items of tenant {tenant!r}; {len(conflicts)} conflicts (conflicts.csv), "
          f"{len(violations)} violations (violations.csv); written: {', '.join(written)}")
    return 0


def _write_tables(out: Path, records: Records, g: TenantGraph, m: Mapping
                  ) -> list[dict[str, Any]]:
    """XLSX and CSV per object (no template); violations of COSY's own field definitions."""
    violations = []
    for obj in OBJECTS:
        sheets: dict[str, tuple[list[str], list[list[Any]]]] = {}
        for s in obj.structures:
            rows = records[obj.key][s.name]
            cols = writers.columns([f.name for f in s.fields], rows)
            writers.write_structure_csv(out / "csv" / obj.key / f"{s.name}.csv", cols, rows,
                                        m.csv_delimiter)
            sheets[s.name] = (cols, [[r[c].value if c in r else None for c in cols]
                                     for r in rows])
            for n, r in enumerate(rows, 1):
                for f in s.fields:
                    problem = check(s.name, n, f.name, f.length, f.mandatory,
                                    sap_text(r[f.name].value) if f.name in r else "")
                    if problem:
                        violations.append({"template": "", "sheet": obj.key, **problem})
        prov = list(_provenance(obj, records, g))
        sheets["Provenance"] = (list(writers.PROVENANCE_COLUMNS),
                                [[p[c] for c in writers.PROVENANCE_COLUMNS] for p in prov])
        writers.write_xlsx(out / "xlsx" / f"{obj.key}.xlsx", sheets)
    return violations


def _provenance(obj: MigrationObject, records: Records,
                g: TenantGraph) -> Iterator[dict[str, Any]]:
    for s in obj.structures:
        key = "XBLNR" if obj.key.endswith("open_items") else obj.partner_field
        yield from writers.provenance(obj.key, s.name, records[obj.key][s.name], key, g)


def _write_side_files(out: Path, records: Records, conflicts: list[dict[str, Any]],
                      g: TenantGraph, store: Store, tenant: str) -> None:
    prov = [p for obj in OBJECTS for p in _provenance(obj, records, g)]
    writers.write_csv(out / "provenance.csv", writers.PROVENANCE_COLUMNS, prov)
    writers.write_json(out / "conflicts.json", conflicts)
    writers.write_csv(out / "conflicts.csv", writers.CONFLICT_COLUMNS,
                      writers.conflict_lines(conflicts))
    used = sorted({d for p in prov for d in p["documents"].split()} |
                  {e["doc"] for c in conflicts for v in c.get("variants", [])
                   for e in v.get("evidence", [])})
    writers.write_csv(out / "documents.csv", writers.DOCUMENT_COLUMNS,
                      (_document(store, tenant, g, d) for d in used))


def _document(store: Store, tenant: str, g: TenantGraph, doc_id: str) -> dict[str, Any]:
    """A document with where it came from: archive paths and the e-mail it was attached to."""
    record = store.get_document(tenant, doc_id) or {}
    sources = record.get("sources") or []
    mail = next((s["mail"] for s in sources if s.get("mail")), {})
    d = g.docs.get(doc_id)
    return {"id": doc_id, "file": record.get("file_name") or (d.file if d else ""),
            "doc_type": d.doc_type if d else "", "issued": d.issued if d else "",
            "entries": " | ".join(s["locator"] for s in sources),
            "mail_from": mail.get("from", ""), "mail_subject": mail.get("subject", ""),
            "mail_date": mail.get("date", "")}
