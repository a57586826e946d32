"""A Migration Cockpit template in the layout docs/sap.md documents, for tests.

Built here, not downloaded (no SAP system in CI): an Excel XML Spreadsheet 2003 workbook with
document properties as SAP writes them (APPLICATION, OBJECT_NAME, VERSION, SYSTEM, LANGUAGE),
an Introduction and a Field List sheet, and per structure a data sheet with eight header rows:
title, version, instructions, then hidden rows 4-6 (structure, technical field names, type and
length), the group names in row 7 and the field descriptions (``*`` when mandatory) in row 8.
"""

from __future__ import annotations

from html import escape

SPEC = list[tuple[str, str, bool, str, int]]  # (field, description, mandatory, type, length)
HEADER_ROWS = 8
FIELD_LIST_HEADER = ("Sheet Name", "Group Name", "Field Description", "Importance", "Type",
                     "Length", "Decimal", "SAP Structure", "SAP Field")


def _cell(text: str, style: str | None = None, index: int | None = None) -> str:
    attrs = (f' ss:Index="{index}"' if index else "") + (f' ss:StyleID="{style}"' if style
                                                         else "")
    return f'<Cell{attrs}><Data ss:Type="String">{escape(text)}</Data></Cell>'


def _row(cells: list[str], hidden: bool = False) -> str:
    attrs = ' ss:Hidden="1"' if hidden else ""
    return f"<Row{attrs}>{''.join(cells)}</Row>"


def data_sheet(name: str, object_name: str, structure: str, fields: SPEC) -> str:
    rows = [
        _row([_cell(f"Source Data for Migration Object: {object_name}", "TITLE")]),
        _row([_cell("Version S4CORE 108 - Standard Scope - 05.09.2025", "VERSION")]),
        _row([_cell(f"{name}: enter one record per row, starting in row {HEADER_ROWS + 1}")]),
        _row([_cell(structure) for _ in fields], hidden=True),
        _row([_cell(f) for f, *_ in fields], hidden=True),
        _row([_cell(f"{t} {n}") for _, _, _, t, n in fields], hidden=True),
        _row([_cell("Key" if k == 0 else "Basic Data", "GROUP") for k in range(len(fields))]),
        _row([_cell(d + ("*" if m else ""), "MANDATORY" if m else "HEADER")
              for _, d, m, *_ in fields]),
    ]
    columns = "".join('<Column ss:StyleID="TEXT" ss:Width="110"/>' for _ in fields)
    return (f'<Worksheet ss:Name="{escape(name)}"><Table ss:ExpandedColumnCount="{len(fields)}"'
            f' ss:ExpandedRowCount="{HEADER_ROWS}" x:FullColumns="1" x:FullRows="1">'
            f'{columns}{"".join(rows)}</Table><WorksheetOptions '
            'xmlns="urn:schemas-microsoft-com:office:excel"><FreezePanes/><FrozenNoSplit/>'
            f'<SplitHorizontal>{HEADER_ROWS}</SplitHorizontal></WorksheetOptions></Worksheet>')


def template(object_name: str, sheets: list[tuple[str, str, bool, SPEC]]) -> str:
    """The workbook: sheets are (name, structure, mandatory, fields)."""
    listing = [_row([_cell(f"Field List of {object_name}", "TITLE")]),
               _row([_cell(h, "HEADER") for h in FIELD_LIST_HEADER])]
    for name, structure, mandatory, fields in sheets:
        listed = f"{name} (Mandatory)" if mandatory else name
        for f, d, m, t, n in fields:
            listing.append(_row([_cell(listed), _cell("Basic Data"),
                                 _cell(d + ("*" if m else "")),
                                 _cell("Mandatory" if m else "Optional"), _cell(t), _cell(str(n)),
                                 _cell("0"), _cell(structure), _cell(f)]))
    styles = "".join(f'<Style ss:ID="{s}"><Font ss:Bold="{b}"/><NumberFormat ss:Format="@"/>'
                     "</Style>" for s, b in (("TITLE", 1), ("VERSION", 0), ("GROUP", 1),
                                             ("HEADER", 1), ("MANDATORY", 1), ("TEXT", 0)))
    return (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"\n'
        ' xmlns:o="urn:schemas-microsoft-com:office:office"\n'
        ' xmlns:x="urn:schemas-microsoft-com:office:excel"\n'
        ' xmlns:dt="uuid:C2F41010-65B3-11d1-A29F-00AA00C14882"\n'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"\n'
        ' xmlns:html="http://www.w3.org/TR/REC-html40">\n'
        ' <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office">'
        "<Title>SIF_VEND</Title><Author>MIGRATION</Author><Keywords>Standard Scope</Keywords>"
        "<Created>2025-09-05T00:00:00Z</Created><Company>ACME</Company>"
        "</DocumentProperties>\n"
        ' <CustomDocumentProperties xmlns="urn:schemas-microsoft-com:office:office">'
        '<APPLICATION dt:dt="string">SLO</APPLICATION>'
        f'<OBJECT_NAME dt:dt="string">{escape(object_name)}</OBJECT_NAME>'
        '<VERSION dt:dt="string">S4CORE 108  - Standard Scope - 05.09.2025</VERSION>'
        '<SYSTEM dt:dt="string">S4H / 100</SYSTEM><LANGUAGE dt:dt="string">E</LANGUAGE>'
        "</CustomDocumentProperties>\n"
        ' <ExcelWorkbook xmlns="urn:schemas-microsoft-com:office:excel">'
        "<ProtectStructure>False</ProtectStructure></ExcelWorkbook>\n"
        f" <Styles>{styles}</Styles>\n"
        ' <Worksheet ss:Name="Introduction"><Table>'
        + _row([_cell("Introduction to Data Migration Templates", "TITLE")])
        + "</Table></Worksheet>\n"
        ' <Worksheet ss:Name="Field List"><Table>' + "".join(listing) + "</Table></Worksheet>\n"
        + "\n".join(data_sheet(n, object_name, s, f) for n, s, _, f in sheets)
        + "\n</Workbook>\n")
