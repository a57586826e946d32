"""SEPA creditor identifier (Gläubiger-ID, Creditor Identifier, ICS): whom a direct debit pays.

Shape: country code, two check digits, a three-character business code (mostly 'ZZZ') and the
national identifier ('DE98ZZZ09999999999', 'FR72ZZZ123456'). The check digits are ISO 7064
MOD 97-10 over the national identifier and the country code, the business code left out: the
IBAN's arithmetic, so :func:`cosy.identifiers.make_iban` computes them.

Family: candidates by shape and after a label per language -> normalise (the longest prefix that
passes the check) -> validate (the check; behind a label a misprinted one stays, less trusted)
-> context (label, party, zone: the identifier families' context) -> select ``creditor_id``: the
payee's, who collects the direct debit (the seller, or the payee the seller names).
"""

from __future__ import annotations

import re

from cosy import identifiers as ids
from cosy.domain import FieldValue, Line
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, XSD
from cosy.steps.fields.common import Candidate, find_mentions, flatten, span_bbox
from cosy.steps.fields.ids.bank import longest_prefix
from cosy.steps.fields.ids.common import IdContext, field_value, labelled_party, refined
from cosy.steps.xml_tree import CII_SETTLEMENT

STEP = "fields.ids.select.creditor_id"
CREDITOR_ID = re.compile(r"^(?P<cc>[A-Z]{2})(?P<check>\d{2})(?P<business>[A-Z0-9]{3})"
                         r"(?P<national>[A-Z0-9]{1,28})$")
SHAPE = re.compile(r"\b(?P<creditor_id>[A-Z]{2}\d{2}\s?[A-Z]{3}\s?[A-Z0-9]{5,28})\b")
"""A creditor identifier printed without a label: the business code in letters ('ZZZ'), where an
IBAN has the digits of its bank code."""
LABELS = {
    "de": r"gläubiger[\s-]?(?:identifikations)?(?:id|nummer|nr\.?)\b|gläubiger[\s-]?id\b|"
          r"gläubigeridentifikationsnummer",
    "en": r"(?:sepa\s)?creditor\s(?:identifier|identification(?:\snumber|\sno\.?)?|id\b)",
    "fr": r"identifiant\s(?:unique\s)?(?:du\s|de\s)?créancier(?:\ssepa)?|\bn°\s?ics\b|\bics\b",
}
"""Labels that introduce a creditor identifier, per language."""
LABEL_PATTERNS = {lang: re.compile(p, re.I) for lang, p in LABELS.items()}
VALUE_CUT = re.compile(r"\t|\s{2,}|[,;]\s|\s[|·•–-]\s")
"""Where a labelled value ends: the cell, a wide gap, a list separator."""


def creditor_id_valid(value: str) -> bool:
    """ISO 7064 MOD 97-10 over national identifier + country + check digits (business code
    excluded), for a SEPA country."""
    m = CREDITOR_ID.match(value)
    if m is None or m["cc"] not in ids.IBAN_LENGTHS:
        return False
    return ids.mod97_check_digits(m["national"] + m["cc"]) == int(m["check"])


def value_after(text: str, end: int, max_label: int = 30) -> tuple[int, int] | None:
    """The characters of the value a label ending at ``end`` introduces: after a colon in the
    label's cell ('Gläubiger ID bei Lastschrift : DE98...'), else the rest of the cell, else the
    next cell; up to the end of its cell or a list separator."""
    tab = text.find("\t", end)
    cell_end = len(text) if tab < 0 else tab
    rest = text[end:cell_end]
    colon = rest.find(":")
    if 0 <= colon <= max_label and not re.search(r"\d", rest[:colon]):
        start = end + colon + 1
    elif not rest.strip(" .#"):
        start = cell_end
    else:
        start = end
    while start < len(text) and text[start] in " \t:#":
        start += 1
    cut = VALUE_CUT.search(text, start)
    stop = cut.start() if cut else len(text)
    stop = len(text[:stop].rstrip(" .:"))
    return (start, stop) if stop > start else None


def labelled_values(lines: list[Line], page_no: int, label: re.Pattern[str], kind: str,
                    step_name: str) -> list[Candidate]:
    """The value after each ``label`` on the page's lines, as a candidate with its label."""
    out = []
    for i, line in enumerate(lines):
        for m in label.finditer(line.text):
            span = value_after(line.text, m.end())
            if span is None:
                continue
            a, b = span
            out.append(Candidate(kind=kind, raw=line.text[a:b], value=line.text[a:b],
                                 page=page_no, bbox=span_bbox(line, a, b),
                                 span=(line.start + a, line.start + b), step=step_name,
                                 label=line.text[m.start():a].strip(" \t:"), line=i))
    return out


def part_of_iban(m: re.Match[str]) -> bool:
    """Whether a shape match is the start of an IBAN: a British one has letters where a creditor
    identifier has its business code ('GB71 NWBK 6016 ...'), and an IBAN label before it."""
    ahead = ids.normalize_identifier(m.string[m.start():m.start() + 44])
    return bool(longest_prefix(ahead, ids.iban_is_valid)) \
        or "IBAN" in m.string[max(0, m.start() - 12):m.start()].upper()


@step("fields.ids.candidates.creditor_id.pattern", scope="page", requires=["page.lines", "page_no"],
      provides=["page.creditor_id.candidates.pattern"])
def creditor_id_pattern(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Words shaped like a creditor identifier ('DE98ZZZ09999999999', 'FR72 ZZZ 123456') that
    do not start an IBAN."""
    return list(find_mentions(page_lines, page_no, SHAPE, "creditor_id",
                              "fields.ids.candidates.creditor_id.pattern",
                              lambda m: None if part_of_iban(m)
                              else ids.normalize_identifier(m["creditor_id"])))


def _labelled(lines: list[Line], page_no: int, lang: str) -> list[Candidate]:
    return labelled_values(lines, page_no, LABEL_PATTERNS[lang], "creditor_id",
                           f"fields.ids.candidates.creditor_id.{lang}")


@step("fields.ids.candidates.creditor_id.de", scope="page", requires=["page.lines", "page_no"],
      provides=["page.creditor_id.candidates.de"])
def creditor_id_de(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """The value after 'Gläubiger-ID', 'Gläubiger-Identifikationsnummer', 'Gläubiger-Nr.'."""
    return _labelled(page_lines, page_no, "de")


@step("fields.ids.candidates.creditor_id.en", scope="page", requires=["page.lines", "page_no"],
      provides=["page.creditor_id.candidates.en"])
def creditor_id_en(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """The value after 'Creditor ID', 'SEPA Creditor Identifier'."""
    return _labelled(page_lines, page_no, "en")


@step("fields.ids.candidates.creditor_id.fr", scope="page", requires=["page.lines", "page_no"],
      provides=["page.creditor_id.candidates.fr"])
def creditor_id_fr(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """The value after 'Identifiant créancier SEPA', 'ICS', 'N° ICS'."""
    return _labelled(page_lines, page_no, "fr")


@step("fields.ids.normalise.creditor_id", scope="page",
      requires=["page.creditor_id.candidates.de", "page.creditor_id.candidates.en",
                "page.creditor_id.candidates.fr", "page.creditor_id.candidates.pattern"],
      provides=["page.creditor_id.normalised"])
def creditor_id_normalise(page_creditor_id_candidates_de: list[Candidate],
                          page_creditor_id_candidates_en: list[Candidate],
                          page_creditor_id_candidates_fr: list[Candidate],
                          page_creditor_id_candidates_pattern: list[Candidate]
                          ) -> list[Candidate]:
    """Upper-case compact values; behind a label the longest prefix that passes the check (the
    value may run into the next word), a bare shape as printed; one per place, labelled first."""
    out: list[Candidate] = []
    for m in (page_creditor_id_candidates_de + page_creditor_id_candidates_en
              + page_creditor_id_candidates_fr + page_creditor_id_candidates_pattern):
        if any(o.line == m.line and o.span[0] < m.span[1] and m.span[0] < o.span[1]
               for o in out):
            continue
        compact = ids.normalize_identifier(m.raw)
        labelled = not m.step.endswith(".pattern")
        value = (longest_prefix(compact, creditor_id_valid) if labelled else None) or compact
        out.append(refined(m, value=value))
    return sorted(out, key=lambda m: (m.line, m.span))


@step("fields.ids.validate.creditor_id", scope="page", requires=["page.creditor_id.normalised"],
      provides=["page.creditor_id.validated"])
def creditor_id_validate(page_creditor_id_normalised: list[Candidate]) -> list[Candidate]:
    """The check digits decide; a labelled value of the right shape that fails them stays, less
    trusted (sample documents print made-up identifiers); a bare one that is an IBAN is none."""
    out = []
    for m in page_creditor_id_normalised:
        labelled = not m.step.endswith(".pattern")
        if creditor_id_valid(m.value) and not ids.iban_is_valid(m.value):
            out.append(refined(m, confidence=0.95 if labelled else 0.85))
        elif labelled and CREDITOR_ID.match(m.value) and len(m.value) >= 8:
            out.append(refined(m, confidence=0.4))
    return out


def select_creditor_id(contexts: list[IdContext], title: str | None) -> dict[str, FieldValue]:
    """The payee's identifier: the most trusted one no label gives to the buyer."""
    keep = [c for c in contexts if labelled_party(c, title) != "buyer"]
    if not keep:
        return {}
    best = max(keep, key=lambda c: c.confidence)
    return {"creditor_id": field_value("creditor_id", best.mention, best.confidence, STEP)}


CREDITOR_ID_FIELD = field_spec(
    "creditor_id", "identifier", "the payee's SEPA creditor identifier", bt="BT-90",
    subject="seller", predicate=COSY + "creditorId", datatype=XSD + "string",
    cii=(*CII_SETTLEMENT, "CreditorReferenceID"), xml=True)  # UBL: a party id of scheme SEPA


@step(STEP, scope="document", requires=["page.creditor_id.context", "doc.title_kind"],
      provides=["doc.field.creditor_id"])
def creditor_id_select(page_creditor_id_context: list[list[IdContext]],
                       doc_title_kind: str | None) -> dict[str, FieldValue]:
    """``creditor_id``: the SEPA creditor identifier of the payee."""
    return select_creditor_id(flatten(page_creditor_id_context), doc_title_kind)
