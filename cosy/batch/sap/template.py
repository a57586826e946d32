"""Migration Cockpit templates (Microsoft Excel XML Spreadsheet 2003): read, then fill.

A template downloaded from the customer's system has a "Field List" sheet (per field: sheet
name, group, description, importance, type, length, decimals, SAP structure, SAP field) and one
data sheet per structure whose first rows are headers, some hidden: the structure's technical
field names, group names, descriptions with ``*`` on mandatory fields. COSY reads the Field List
to learn which structure each sheet holds and the length and importance of each field, finds
each field's column by its technical name (else its description) in the sheet's header rows,
and appends one ``<Row>`` per record after the last header row: where the cockpit reads data.

Filling is a splice into the original text, not a rewrite: document properties, styles, sheet
order, hidden rows, column formats and everything COSY does not understand stay byte for byte
(the SAP guidance is never to change a template's structure or formats).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cosy.batch.sap.values import Record, check, sap_text

SS = "urn:schemas-microsoft-com:office:spreadsheet"
OFFICE = "urn:schemas-microsoft-com:office:office"
FIELD_LIST = "field list"
HEADERS = {"sheet": ("sheet name",), "group": ("group name",),
           "description": ("field description", "field name"), "importance": ("importance",),
           "type": ("type",), "length": ("length",), "decimals": ("decimal", "decimals"),
           "structure": ("sap structure",), "field": ("sap field",)}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TemplateError(ValueError):
    """The file is not a Migration Cockpit template COSY can fill."""


@dataclass
class TemplateField:
    name: str  # technical
    description: str
    mandatory: bool
    type: str
    length: int | None
    column: int = 0  # 1-based column of the data sheet


@dataclass
class Sheet:
    name: str
    structure: str
    mandatory: bool
    fields: list[TemplateField] = field(default_factory=list)
    rows: int = 0  # the last row with content (headers, maybe data): new rows follow it
    after: int = 0  # how many <Row> elements precede the new rows (empty ones may follow)
    total: int = 0  # the last row of the table, empty formatted rows included
    styles: dict[int, str] = field(default_factory=dict)  # column -> ss:StyleID


@dataclass
class Template:
    path: Path
    text: str
    properties: dict[str, str]  # CustomDocumentProperties (OBJECT_NAME, VERSION, ...)
    sheets: list[Sheet]

    @property
    def structures(self) -> set[str]:
        return {s.structure for s in self.sheets}


def _q(tag: str) -> str:
    return f"{{{SS}}}{tag}"


def _rows(table: ET.Element | None) -> list[tuple[int, ET.Element, dict[int, str]]]:
    """(1-based row number, element, column -> text) of a Table, honouring ss:Index."""
    out: list[tuple[int, ET.Element, dict[int, str]]] = []
    if table is None:
        return out
    r = 0
    for row in table.findall(_q("Row")):
        r = int(row.get(_q("Index"), r + 1))
        cells, c = {}, 0
        for cell in row.findall(_q("Cell")):
            c = int(cell.get(_q("Index"), c + 1))
            data = cell.find(_q("Data"))
            if data is not None:
                cells[c] = "".join(data.itertext()).strip()
            c += int(cell.get(_q("MergeAcross"), 0))
        out.append((r, row, cells))
    return out


def read_template(path: Path) -> Template:
    """Parse a template's Field List and data sheets; raise TemplateError if it is none."""
    try:
        text = path.read_text(encoding="utf-8")
        root = ET.fromstring(text.encode("utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise TemplateError(f"{path}: cannot be read ({err})") from None
    except ET.ParseError as err:
        raise TemplateError(f"{path}: not well-formed XML ({err})") from None
    if root.tag != _q("Workbook"):
        raise TemplateError(f"{path}: not an Excel XML Spreadsheet 2003 workbook")
    worksheets = {ws.get(_q("Name"), ""): ws for ws in root.findall(_q("Worksheet"))}
    listing = next((ws for n, ws in worksheets.items() if n.strip().lower() == FIELD_LIST), None)
    if listing is None:
        raise TemplateError(f"{path}: no 'Field List' sheet; download the template from the "
                            "Migration Cockpit again")
    sheets = _field_list(path, listing, worksheets)
    props = root.find(f"{{{OFFICE}}}CustomDocumentProperties")
    properties = {el.tag.split("}")[-1]: (el.text or "") for el in (props if props is not None
                                                                     else [])}
    return Template(path, text, properties, sheets)


def _field_list(path: Path, listing: ET.Element,
                worksheets: dict[str, ET.Element]) -> list[Sheet]:
    rows = _rows(listing.find(_q("Table")))
    head = next(((n, cells) for n, _, cells in rows
                 if {"sap structure", "sap field"} <= {v.lower() for v in cells.values()}), None)
    if head is None:
        raise TemplateError(f"{path}: the Field List has no 'SAP Structure' and 'SAP Field' "
                            "columns")
    col = {key: c for c, v in head[1].items() for key, names in HEADERS.items()
           if v.lower() in names}
    sheets: dict[str, Sheet] = {}
    for n, _, cells in rows:
        if n <= head[0] or not cells.get(col["field"]):
            continue
        listed = cells.get(col.get("sheet", 0), "")
        name = _sheet_name(listed, worksheets)
        if name is None:
            raise TemplateError(f"{path}: the Field List names sheet {listed!r}, which the "
                                "workbook does not have")
        sheet = sheets.setdefault(name, Sheet(name, cells.get(col["structure"], ""),
                                              "mandatory" in listed.lower()))
        desc = cells.get(col.get("description", 0), "")
        length = cells.get(col.get("length", 0), "")
        sheet.fields.append(TemplateField(
            cells[col["field"]], desc.rstrip("*").strip(),
            desc.endswith("*") or "mandatory" in cells.get(col.get("importance", 0), "").lower(),
            cells.get(col.get("type", 0), ""), int(length) if length.isdigit() else None))
    for sheet in sheets.values():
        _locate(path, sheet, worksheets[sheet.name])
    return list(sheets.values())


def _sheet_name(listed: str, worksheets: dict[str, ET.Element]) -> str | None:
    """The worksheet a Field List entry means ('Basic Data (Mandatory)' is 'Basic Data')."""
    for candidate in (listed, re.sub(r"\s*\(mandatory\)\s*$", "", listed, flags=re.I)):
        if candidate in worksheets:
            return candidate
    return None


def _tech(cell: str) -> str:
    """A technical field name as a header cell may write it: LIFNR, S_SUPPL_GEN-LIFNR."""
    return re.split(r"[-./]", cell)[-1].strip()


def _locate(path: Path, sheet: Sheet, ws: ET.Element) -> None:
    """Find each field's column (technical-name row, else description row) and the rows."""
    table = ws.find(_q("Table"))
    rows = _rows(table)
    filled = [k for k, (_, _, cells) in enumerate(rows) if any(cells.values())]
    sheet.after = filled[-1] + 1 if filled else 0
    sheet.rows = rows[filled[-1]][0] if filled else 0
    sheet.total = max((n for n, _, _ in rows), default=0)
    names = {f.name for f in sheet.fields}
    descs = {f.description.lower() for f in sheet.fields}
    by_name = max(rows, key=lambda r: len(names & {_tech(v) for v in r[2].values()}),
                  default=None)
    by_desc = max(rows, key=lambda r: len(descs & {v.rstrip("*").strip().lower()
                                                   for v in r[2].values()}), default=None)
    for f in sheet.fields:
        if by_name and f.name in {_tech(v) for v in by_name[2].values()}:
            f.column = next(c for c, v in by_name[2].items() if _tech(v) == f.name)
        elif by_desc:
            f.column = next((c for c, v in by_desc[2].items()
                             if v.rstrip("*").strip().lower() == f.description.lower()), 0)
        if not f.column:
            raise TemplateError(f"{path}: sheet {sheet.name!r} has no column for field "
                                f"{f.name} ({f.description})")
    c = 0
    for column in (table.findall(_q("Column")) if table is not None else []):
        c = int(column.get(_q("Index"), c + 1))
        span = int(column.get(_q("Span"), 0))
        for k in range(c, c + span + 1):
            if column.get(_q("StyleID")):
                sheet.styles[k] = column.get(_q("StyleID"), "")
        c += span


# --- filling -------------------------------------------------------------------------------------


def cell_xml(value: Any, f: TemplateField, style: str | None) -> tuple[str, str]:
    """A cell's XML and the text whose length the template limits."""
    kind = f.type.lower()
    text = sap_text(value)
    if isinstance(value, dt.date) and "date" in kind:
        shown, typ = f"{value.isoformat()}T00:00:00.000", "DateTime"
    elif isinstance(value, dt.date):
        shown, typ = text, "String"  # SAP's own date form in a text column
    elif isinstance(value, Decimal) and any(k in kind for k in ("num", "dec", "curr", "amount",
                                                                 "quan")):
        shown, typ = text, "Number"
    else:
        shown = text = _CONTROL.sub("", text)
        typ = "String"
    attrs = f' ss:Index="{f.column}"' + (f' ss:StyleID="{html.escape(style)}"' if style else "")
    return (f'<Cell{attrs}><Data ss:Type="{typ}">{html.escape(shown, quote=False)}</Data>'
            "</Cell>"), text


def fill(t: Template, records: dict[str, list[Record]], constants: dict[str, dict[str, str]]
         ) -> tuple[str, list[dict[str, Any]]]:
    """The template's text with ``records`` appended to their sheets, and every violation of
    its lengths and mandatory fields (values are never cut: a person decides)."""
    violations: list[dict[str, Any]] = []
    inserts: dict[str, tuple[str, int]] = {}
    for sheet in t.sheets:
        rows = records.get(sheet.structure, [])
        if not rows and sheet.mandatory:
            violations.append({"sheet": sheet.name, "structure": sheet.structure, "row": None,
                               "field": None, "kind": "mandatory_sheet_empty",
                               "message": "a mandatory sheet without rows"})
        xml_rows = []
        for i, rec in enumerate(rows, sheet.rows + 1):
            cells = []
            for f in sorted(sheet.fields, key=lambda f: f.column):
                v = rec.get(f.name)
                value = v.value if v is not None else constants.get(sheet.structure, {}).get(
                    f.name, "")
                xml, text = cell_xml(value, f, sheet.styles.get(f.column)) if value not in (
                    None, "") else ("", "")
                problem = check(sheet.structure, i, f.name, f.length, f.mandatory, text)
                if problem:
                    violations.append({"sheet": sheet.name, "description": f.description,
                                       **problem})
                if xml:
                    cells.append(xml)
            xml_rows.append("<Row>" + "".join(cells) + "</Row>")
        if xml_rows:
            inserts[sheet.name] = ("".join(xml_rows), sheet.after,
                                   max(sheet.total, sheet.rows) + len(xml_rows))
    return _splice(t, inserts), violations


_WORKSHEET = re.compile(r'<(?:\w+:)?Worksheet\b[^>]*?ss:Name="([^"]*)"')
_TABLE_START = re.compile(r"<((?:\w+:)?)Table\b[^>]*>")
_TABLE_END = re.compile(r"</(?:\w+:)?Table>")
_ROW_COUNT = re.compile(r'(\bss:ExpandedRowCount=")(\d+)(")')
_ROW = re.compile(r"<(?:\w+:)?Row\b[^>]*?(?:/>|>.*?</(?:\w+:)?Row>)", re.S)


def _splice(t: Template, inserts: dict[str, tuple[str, int, int]]) -> str:
    """Insert each sheet's rows right after its last row with content (before any empty,
    formatted rows: the cockpit must not meet an empty line first); raise the declared row
    count."""
    text, out, pos = t.text, [], 0
    starts = [(m.start(), html.unescape(m.group(1))) for m in _WORKSHEET.finditer(text)]
    for k, (start, name) in enumerate(starts):
        if name not in inserts:
            continue
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        table = _TABLE_START.search(text, start, end)
        close = max(_TABLE_END.finditer(text, start, end), key=lambda m: m.start(),
                    default=None)
        if table is None or close is None:
            raise TemplateError(f"{t.path}: sheet {name!r} has no <Table> to fill")
        rows, after, count = inserts[name]
        spans = list(_ROW.finditer(text, table.end(), close.start()))
        at = spans[after - 1].end() if after else table.end()
        prefix = table.group(1)
        if prefix:
            rows = rows.replace("<Row>", f"<{prefix}Row>").replace("</Row>", f"</{prefix}Row>")
            rows = re.sub(r"<(/?)(Cell|Data)\b", rf"<\1{prefix}\2", rows)
        tag = _ROW_COUNT.sub(lambda m, n=count: f"{m.group(1)}{max(int(m.group(2)), n)}"
                             f"{m.group(3)}", table.group(0))
        out += [text[pos:table.start()], tag, text[table.end():at], rows]
        pos = at
    out.append(text[pos:])
    return "".join(out)
