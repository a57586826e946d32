"""Look at what each page would cost before anyone parses or renders it.

For every page, everything its content and resources reach is walked (iteratively, each object
once): content streams and forms are decoded under the byte budgets and their operators
counted, images are measured by their declared size (never decoded), and nesting depth and
object count are bounded. A page over a budget gets a ``skip`` record (kind and reason); the
others get the facts later steps use: whether anything is drawn at all (a blank page needs no
OCR) and how many operators pdfplumber would interpret.

This costs milliseconds per ordinary page (their content is kilobytes) and is bounded for
hostile ones: decoding stops at the budgets, the walk at the object and depth caps.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, resolve1
from pdfminer.psparser import PSLiteral

from cosy.budgets import Budgets, mp
from cosy.engine.step import BudgetExceeded
from cosy.pdfguard.decode import Meter, metered

PAINTING = (b"Tj", b"TJ", b"'", b'"', b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s",
            b"Do", b"sh", b"BI")
"""Operators that put something on the page; a page with none of them is blank."""
NOT_OPERATORS = (b"true", b"false", b"null")
SKIP_KEYS = frozenset({"Parent", "P", "Annots", "B", "Metadata", "Thumb", "StructParents"})
"""Keys that lead away from what the page draws (back up the tree, to other pages, to XML)."""

_TOKENS = re.compile(
    rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"  # a string, one level of (nesting)
    rb"|<<|>>|<[0-9A-Fa-f\s]*>"  # dictionary brackets, hex strings
    rb"|/[^\s/\[\]()<>{}%]*"  # a name
    rb"|%[^\r\n]*"  # a comment
    rb"|([A-Za-z'\"][A-Za-z0-9*'\"]*)",  # an operator (or true/false/null)
    re.S)
_INLINE_IMAGE = re.compile(rb"\bID\s.*?\sEI\b", re.S)


def count_operators(content: bytes) -> tuple[int, int]:
    """(operators, painting operators) of a content stream, without interpreting it."""
    if b"ID" in content and b"BI" in content:
        content = _INLINE_IMAGE.sub(b" ", content)  # binary image data is not operators
    counts = Counter(_TOKENS.findall(content))
    counts.pop(b"", None)
    for word in NOT_OPERATORS:
        counts.pop(word, None)
    return sum(counts.values()), sum(counts[p] for p in PAINTING)


@dataclass
class StreamFacts:
    size: int
    operators: int = 0
    painted: int = 0


@dataclass
class PageCheck:
    """What one page costs; ``skip`` says why it will not be read (None: it will)."""

    page: int
    objid: int | None = None  # the page object: later steps open it without walking the tree
    width: float = 0.0
    height: float = 0.0
    operators: int = 0
    painted: int = 0
    objects: int = 0
    skip: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "objid": self.objid, "width": self.width, "height": self.height,
                "operators": self.operators, "painted": self.painted, "objects": self.objects,
                "skip": self.skip}


def skipped(page: int, kind: str, reason: str) -> dict[str, Any]:
    """The check of a page that will not be read (also made by the engine for overruns)."""
    return PageCheck(page, skip={"kind": kind, "reason": reason}).to_dict()


class DocumentWalker:
    """Walks the pages of one document; streams shared by pages are decoded once."""

    def __init__(self, doc: PDFDocument, budgets: Budgets, meter: Meter) -> None:
        self.doc = doc
        self.b = budgets
        self.meter = meter
        self.facts: dict[int, StreamFacts] = {}
        self.refused: dict[int | None, BudgetExceeded] = {}

    def page(self, number: int, page: PDFPage) -> PageCheck:
        check = PageCheck(number, page.pageid if isinstance(page.pageid, int) else None)
        try:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            check.width, check.height = round(abs(x1 - x0), 2), round(abs(y1 - y0), 2)
            self._walk(page, check)
        except BudgetExceeded as err:
            check.skip = {"kind": err.kind, "reason": f"page {number}: {err.reason}"}
        except (TypeError, ValueError) as err:
            check.skip = {"kind": "parser_error",
                          "reason": f"page {number}: its page box is unreadable ({err})"}
        return check

    def _walk(self, page: PDFPage, check: PageCheck) -> None:
        seen: set[int] = set()
        stack: list[tuple[Any, int, bool]] = [(page.attrs.get("Contents"), 1, True),
                                              (page.resources, 1, False)]
        while stack:
            obj, depth, content = stack.pop()
            if depth > self.b.nesting:
                raise BudgetExceeded(f"objects nest deeper than {self.b.nesting} levels",
                                     kind="too_deep")
            if isinstance(obj, PDFObjRef):
                if obj.objid in seen:
                    continue
                seen.add(obj.objid)
                objid: int | None = obj.objid
                try:
                    obj = obj.resolve()
                except Exception:  # a broken object: pdfminer reads around it too
                    continue
            else:
                objid = None
            if isinstance(obj, (list, dict, PDFStream)):
                check.objects += 1
                if check.objects > self.b.page_objects:
                    raise BudgetExceeded(f"it reaches more than {self.b.page_objects:,} objects",
                                         kind="too_many_objects")
            if isinstance(obj, list):
                stack.extend((v, depth + 1, content) for v in obj)
            elif isinstance(obj, dict):  # a Type 3 font's glyphs (CharProcs) are content
                stack.extend((v, depth + 1, content or k == "CharProcs")
                             for k, v in obj.items() if k not in SKIP_KEYS)
            elif isinstance(obj, PDFStream):
                self._stream(obj, objid, content, check)
                stack.extend((v, depth + 1, False) for k, v in obj.attrs.items()
                             if k not in SKIP_KEYS and k not in ("Length", "Filter", "DecodeParms"))

    def _stream(self, stream: PDFStream, objid: int | None, content: bool,
                check: PageCheck) -> None:
        subtype = _name(stream.get("Subtype"))
        if subtype == "Image" or ("Width" in stream.attrs and "BitsPerComponent" in stream.attrs):
            pixels = _int(stream.get("Width")) * _int(stream.get("Height"))
            if pixels > self.b.image_pixels:
                raise BudgetExceeded(f"it draws an image of {mp(pixels)}, over the budget of "
                                     f"{mp(self.b.image_pixels)}", kind="image_too_large")
            return
        is_content = content or subtype == "Form" or _int(stream.get("PatternType")) == 1
        if objid in self.refused:  # a shared stream over budget is decoded once, not per page
            raise self.refused[objid]
        facts = self.facts.get(objid) if objid is not None else None
        if facts is None:
            try:
                facts = self._decode(stream, is_content)
            except BudgetExceeded as err:
                if objid is not None:
                    self.refused[objid] = err
                raise
            if objid is not None:
                self.facts[objid] = facts
        check.operators += facts.operators
        check.painted += facts.painted
        if check.operators > self.b.page_operators:
            raise BudgetExceeded(f"its content has more than {self.b.page_operators:,} "
                                 "operators", kind="too_many_operators")

    def _decode(self, stream: PDFStream, is_content: bool) -> StreamFacts:
        """Decode under the meter, count operators of content, then drop the decoded bytes
        (pdfminer caches them on the object; this walk must not hold a document's worth)."""
        raw = stream.rawdata
        try:
            data = stream.get_data()
        except BudgetExceeded:
            raise
        except Exception as err:  # a filter pdfminer cannot decode: its parser fails the same
            if is_content:
                raise BudgetExceeded(f"a content stream cannot be decoded ({err})",
                                     kind="parser_error") from None
            return StreamFacts(0)
        facts = StreamFacts(len(data))
        if is_content:
            facts.operators, facts.painted = count_operators(data)
        if raw is not None:
            stream.rawdata, stream.data = raw, None
        return facts


def page_object(doc: PDFDocument, objid: int) -> PDFPage:
    """Page ``objid`` of ``doc`` with its inherited attributes, without walking the page tree
    (which costs each page of a 500-page document the other 499)."""
    attrs = dict(dict_value(doc.getobj(objid)))
    node, seen = attrs.get("Parent"), {objid}
    while isinstance(node, PDFObjRef) and node.objid not in seen and len(seen) < 64:
        seen.add(node.objid)
        parent = resolve1(node)
        if not isinstance(parent, dict):
            break
        for key in PDFPage.INHERITABLE_ATTRS:
            if key not in attrs and key in parent:
                attrs[key] = parent[key]
        node = parent.get("Parent")
    return PDFPage(doc, objid, attrs, None)


def _name(value: Any) -> str:
    return value.name if isinstance(value, PSLiteral) else str(value or "")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def check_document(data: bytes, pages: int, budgets: Budgets,
                   only: int | None = None) -> list[dict[str, Any]]:
    """The check of each of ``pages`` pages (as plain dicts, they travel between processes),
    or of page ``only`` alone (a list of one).

    Pages past the document's decode budget are skipped; a page PDFium counts but pdfminer's
    page tree does not hold (a broken or circular tree) is skipped as missing.
    """
    wanted = range(1, pages + 1) if only is None else range(only, only + 1)
    with metered(budgets.stream_bytes, budgets.decoded_bytes) as meter:
        try:
            doc = PDFDocument(PDFParser(io.BytesIO(data)))
        except BudgetExceeded as err:
            return [skipped(n, err.kind, f"page {n}: the document's {err.reason}") for n in wanted]
        except Exception as err:
            return [skipped(n, "parser_error", f"page {n}: pdfminer cannot read the document "
                                               f"({type(err).__name__}: {err})") for n in wanted]
        walker = DocumentWalker(doc, budgets, meter)
        out: dict[int, dict[str, Any]] = {}
        try:
            for number, page in enumerate(PDFPage.create_pages(doc), 1):
                if number > wanted[-1]:
                    break
                if number in wanted:
                    out[number] = walker.page(number, page).to_dict()
        except BudgetExceeded as err:  # an object stream of the page tree itself
            out |= {n: skipped(n, err.kind, f"page {n}: the page tree's {err.reason}")
                    for n in wanted if n not in out}
        except Exception as err:
            reason = f"pdfminer cannot read the page tree ({type(err).__name__}: {err})"
            out |= {n: skipped(n, "parser_error", f"page {n}: {reason}")
                    for n in wanted if n not in out}
    return [out.get(n) or skipped(n, "missing_page", f"page {n} is not in the page tree "
                                                     "pdfminer reads (a broken or circular "
                                                     "page tree)") for n in wanted]
