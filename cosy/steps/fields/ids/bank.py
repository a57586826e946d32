"""Bank identifiers: IBAN (mod 97 and country length), BIC (ISO 9362 and country), bank name.

IBAN: candidates (pattern) -> normalise (the longest valid prefix of a greedy match, or the
printed groups) -> validate (mod 97 and the country's length; behind an IBAN label a misprinted
one is kept, less trusted) -> context -> role (model) -> select ``iban`` (the payee's, the
seller's) and ``debtor_iban`` (the buyer's account to be debited).
BIC: candidates by pattern and after a BIC/SWIFT label -> normalise -> validate -> context
(distance to the nearest IBAN) -> select: the BIC printed beside the payee's IBAN.
Bank name: candidates after a bank label and from a lexicon of bank words -> normalise ->
context (distance to the nearest IBAN/BIC) -> select: the bank named beside the account.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cosy import identifiers as ids
from cosy.domain import FieldValue, Line
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.steps.fields.common import Candidate, find_mentions, flatten, span_bbox
from cosy.steps.fields.ids.common import IdContext, LabelHit, field_value, refined
from cosy.steps.fields.ids.labels import LABEL_ARTIFACTS, merge_labels
from cosy.steps.fields.ids.role import RoleProbs, pick_party, role_field
from cosy.steps.fields.party_words import name_shaped
from cosy.steps.xml_tree import CII_MEANS, UBL_MEANS

IBAN = re.compile(r"\b(?P<iban>[A-Z]{2}\d{2}(?:\s?[A-Z0-9l]){11,30})\b")  # l: OCR's 1
BIC = re.compile(r"\b(?P<bic>[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
IBAN_LABEL = re.compile(r"IBAN", re.I)
BIC_EVIDENCE = re.compile(r"BIC|SWIFT|IBAN", re.I)
BIC_COUNTRIES = frozenset(ids.IBAN_LENGTHS) | {
    "US", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "JP", "CN", "HK", "SG", "KR", "TW", "IN",
    "ID", "MY", "TH", "PH", "VN", "AU", "NZ", "ZA", "NG", "KE", "MA", "RU", "BY", "AM",
}  # fmt: skip
"""Countries a BIC's letters 5-6 may name: IBAN countries and the large non-IBAN ones."""
BANK_WORDS = re.compile(
    r"\b(?:\w*bank\w*|sparkasse\w*|volksbank|raiffeisen\w*|postfinance|kantonalbank|"
    r"banque|crédit|credit (?:agricole|mutuel|suisse|lyonnais)|caisse d'[ée]pargne|"
    r"banca|banco|bnp paribas|soci[ée]t[ée] g[ée]n[ée]rale|lcl|hsbc(?: uk)?|natwest|barclays|"
    r"lloyds|santander|rabobank|abn amro|ING[\s-](?:Bank|DiBa|Belgium)|unicredit|ubs|"
    r"wells fargo|jpmorgan|erste|girozentrale|landesbank|hypo\w*)\b", re.I)
"""Words that make a cell a bank's name (gazetteer of bank words and large banks' names)."""
SEGMENT = re.compile(r"\t|\s+[·●•|–]\s+|\s{2,}")
"""Where a footer cell ends: a tab, a bullet or bar between spaces, a wide gap."""
STEP_IBAN, STEP_DEBTOR = "fields.ids.select.iban", "fields.ids.select.debtor_iban"
STEP_BIC, STEP_BANK = "fields.ids.select.bic", "fields.ids.select.bank_name"


def iban_shape_ok(s: str) -> bool:
    """Country code, check digits and the country's IBAN length: an IBAN as printed, unchecked."""
    shape = re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", s)
    return bool(shape) and ids.IBAN_LENGTHS.get(s[:2]) == len(s)


def longest_prefix(compact: str, valid: object) -> str | None:
    """The longest prefix of a compact match that passes ``valid`` (a greedy match may run on)."""
    for end in range(len(compact), 7, -1):
        if valid(compact[:end]):  # type: ignore[operator]
            return compact[:end]
    return None


def printed_groups(raw: str) -> str:
    """An IBAN as printed in groups of four, up to the short last group or a word after it."""
    parts = raw.split()
    out = parts[:1]
    for part in parts[1:]:
        if part.isalpha() and len(out) >= 3:
            break  # 'BIC' after the account
        out.append(part)
        if len(part) < 4:
            break
    return "".join(out).upper()


# --- IBAN ----------------------------------------------------------------------------------------


@step("fields.ids.candidates.iban", scope="page", requires=["page.lines", "page_no"],
      provides=["page.iban.candidates"])
def iban_candidates(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Everything shaped like an IBAN: country code, two check digits, 11-30 characters."""
    return list(find_mentions(page_lines, page_no, IBAN, "iban", "fields.ids.candidates.iban",
                              lambda m: ids.normalize_identifier(m["iban"])))


@step("fields.ids.normalise.iban", scope="page", requires=["page.iban.candidates"],
      provides=["page.iban.normalised"])
def iban_normalise(page_iban_candidates: list[Candidate]) -> list[Candidate]:
    """The IBAN in each match: the longest prefix that passes mod 97, else one whose digits OCR
    read as look-alike letters, repaired (:func:`cosy.identifiers.iban_ocr_repair`), else the
    longest of the country's length, else the groups as printed (a misprinted IBAN behind its
    label)."""
    out = []
    for m in page_iban_candidates:
        value = (longest_prefix(m.value, ids.iban_is_valid) or ids.iban_ocr_repair(m.value)
                 or longest_prefix(m.value, iban_shape_ok) or printed_groups(m.raw))
        out.append(refined(m, value=value))
    return out


@step("fields.ids.validate.iban", scope="page", requires=["page.iban.normalised"],
      provides=["page.iban.validated"])
def iban_validate(page_iban_normalised: list[Candidate]) -> list[Candidate]:
    """Mod 97 and the country's length decide; behind an IBAN label a failing one stays, with a
    confidence that says so (sample documents print made-up IBANs after the label)."""
    out = []
    for m in page_iban_normalised:
        labelled = bool(IBAN_LABEL.search(m.label or ""))
        if ids.iban_is_valid(m.value):
            confidence = 0.95
        elif labelled and iban_shape_ok(m.value):
            confidence = 0.4
        elif labelled and 15 <= len(m.value) <= 34 and m.value[:2] in ids.IBAN_LENGTHS:
            confidence = 0.3
        else:
            continue
        out.append(refined(m, confidence=confidence))
    return out


def select_iban(contexts: list[IdContext], probs: list[RoleProbs] | None,
                title: str | None) -> dict[str, FieldValue]:
    """The payee's IBAN: the seller's account (not one a debit label names)."""
    keep = [i for i, c in enumerate(contexts) if not c.debtor]
    return role_field("iban", pick_party(contexts, probs, "seller", title, keep), STEP_IBAN)


def select_debtor_iban(contexts: list[IdContext], probs: list[RoleProbs] | None,
                       title: str | None) -> dict[str, FieldValue]:
    """The buyer's account: labelled as debited (Lastschrift, Käufer-IBAN) or the model's."""
    return role_field("debtor_iban", pick_party(contexts, probs, "buyer", title), STEP_DEBTOR)


IBAN_FIELD = field_spec(
    "iban", "identifier", "the payee's account (IBAN)", bt="BT-84", scored=True, subject="node",
    xml=True)
DEBTOR_IBAN_FIELD = field_spec(
    "debtor_iban", "identifier", "the buyer's account a direct debit draws on", bt="BT-91",
    scored=True, subject="node", xml=True)
BIC_FIELD = field_spec(
    "bic", "identifier", "the payee bank's BIC", bt="BT-86", scored=True, subject="node",
    cii=(*CII_MEANS, "PayeeSpecifiedCreditorFinancialInstitution", "BICID"),
    ubl=(*UBL_MEANS, "PayeeFinancialAccount", "FinancialInstitutionBranch", "ID"))
BANK_NAME_FIELD = field_spec(
    "bank_name", "text", "the payee's bank", match="name", scored=True, subject="node")


@step(STEP_IBAN, scope="document", requires=["page.iban.context", "page.iban.roles",
                                             "doc.title_kind"], provides=["doc.field.iban"])
def iban_select(page_iban_context: list[list[IdContext]], page_iban_roles: list[list[RoleProbs]],
                doc_title_kind: str | None) -> dict[str, FieldValue]:
    """``iban``: the payee's account, from every page's IBANs and their roles."""
    return select_iban(flatten(page_iban_context), flatten(page_iban_roles), doc_title_kind)


@step(STEP_DEBTOR, scope="document", requires=["page.iban.context", "page.iban.roles",
                                               "doc.title_kind"],
      provides=["doc.field.debtor_iban"])
def debtor_iban_select(page_iban_context: list[list[IdContext]],
                       page_iban_roles: list[list[RoleProbs]],
                       doc_title_kind: str | None) -> dict[str, FieldValue]:
    """``debtor_iban``: the buyer's account a direct debit draws on."""
    return select_debtor_iban(flatten(page_iban_context), flatten(page_iban_roles),
                              doc_title_kind)


# --- BIC -----------------------------------------------------------------------------------------


@step("fields.ids.candidates.bic.pattern", scope="page", requires=["page.lines", "page_no"],
      provides=["page.bic.candidates.pattern"])
def bic_candidates_pattern(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Words shaped like a BIC (4 letters bank, 2 country, 2 location, optional 3 branch)."""
    return list(find_mentions(page_lines, page_no, BIC, "bic", "fields.ids.candidates.bic.pattern",
                              lambda m: m["bic"]))


def labelled_values(lines: list[Line], hits: list[LabelHit], kind: str, page_no: int,
                    step_name: str, value: re.Pattern[str]) -> list[Candidate]:
    """The value right after each ``kind`` label on its line (': ' and spaces skipped)."""
    out = []
    for h in hits:
        if h.kind != kind:
            continue
        line = lines[h.line]
        m = value.match(line.text, h.end)
        if m is None:
            continue
        start, end = m.span("v")
        out.append(Candidate(kind=kind, raw=m["v"], value=m["v"], page=page_no,
                             bbox=span_bbox(line, start, end),
                             span=(line.start + start, line.start + end), step=step_name,
                             label=h.text, line=h.line))
    return out


BIC_AFTER_LABEL = re.compile(r"[\s:.-]*(?:code\s*)?[\s:]*(?P<v>[A-Za-z]{6}[A-Za-z0-9]{2}"
                             r"(?:[A-Za-z0-9]{3}|\s(?:[Xx]{3}|(?=[A-Za-z0-9]{0,2}\d)[A-Za-z0-9]{3}))?)"
                             r"(?![\w-])")
"""The code after a BIC label; a branch set apart by a space is 'XXX' or has a digit ('500'),
so the next label ('USt-IdNr.', 'VAT No.') is never read as one."""


@step("fields.ids.candidates.bic.labelled", scope="page",
      requires=["page.lines", "page_no", *LABEL_ARTIFACTS],
      provides=["page.bic.candidates.labelled"])
def bic_candidates_labelled(page_lines: list[Line], page_no: int,
                            **labels: list[LabelHit]) -> list[Candidate]:
    """The code after a BIC/SWIFT label, also lower-case or with the branch set apart."""
    return labelled_values(page_lines, merge_labels(*labels.values()), "bic", page_no,
                           "fields.ids.candidates.bic.labelled", BIC_AFTER_LABEL)


@step("fields.ids.normalise.bic", scope="page",
      requires=["page.bic.candidates.pattern", "page.bic.candidates.labelled"],
      provides=["page.bic.normalised"])
def bic_normalise(page_bic_candidates_pattern: list[Candidate],
                  page_bic_candidates_labelled: list[Candidate]) -> list[Candidate]:
    """Both sources as one list of upper-case compact codes, one per place on the page."""
    out: list[Candidate] = []
    for m in page_bic_candidates_labelled + page_bic_candidates_pattern:
        if any(o.span[0] < m.span[1] and m.span[0] < o.span[1] for o in out):
            continue  # the labelled reading of the same code came first
        out.append(refined(m, value=ids.normalize_identifier(m.raw)))
    return sorted(out, key=lambda m: m.span)


@step("fields.ids.validate.bic", scope="page", requires=["page.bic.normalised", "page.lines"],
      provides=["page.bic.validated"])
def bic_validate(page_bic_normalised: list[Candidate], page_lines: list[Line]) -> list[Candidate]:
    """ISO 9362 shape and a known country; a bare word needs a BIC label or an IBAN nearby."""
    out = []
    for m in page_bic_normalised:
        if not ids.bic_is_valid(m.value) or m.value[4:6] not in BIC_COUNTRIES:
            continue
        near = " ".join(page_lines[j].text for j in range(max(m.line - 1, 0),
                                                         min(m.line + 2, len(page_lines))))
        own_line = BIC_EVIDENCE.search(page_lines[m.line].text)
        if m.step.endswith("labelled") or own_line:
            out.append(refined(m, confidence=0.85))
        elif BIC_EVIDENCE.search(near):
            out.append(refined(m, confidence=0.6))
    return out


@dataclass(slots=True)
class Neighbour:
    """A mention with the distance (points) to the nearest IBAN on its page."""

    mention: Candidate
    distance: float


def distance(a: Candidate, b: Candidate) -> float:
    """How far apart two values are for a reader: lines apart, or cells apart on one line."""
    dy = abs((a.bbox[1] + a.bbox[3]) / 2 - (b.bbox[1] + b.bbox[3]) / 2)
    dx = max(0.0, b.bbox[0] - a.bbox[2], a.bbox[0] - b.bbox[2])  # the gap between them
    return math.hypot(dy, 0.25 * dx)


def nearest(m: Candidate, others: list[Candidate]) -> float:
    return min((distance(m, o) for o in others if o.page == m.page), default=math.inf)


@step("fields.ids.context.bic", scope="page",
      requires=["page.bic.validated", "page.iban.validated"], provides=["page.bic.context"])
def bic_context(page_bic_validated: list[Candidate],
                page_iban_validated: list[Candidate]) -> list[Neighbour]:
    """Each BIC with its distance to the nearest IBAN: a BIC belongs to the account beside it."""
    return [Neighbour(m, nearest(m, page_iban_validated)) for m in page_bic_validated]


def select_bic(bics: list[Neighbour], accounts: dict[str, FieldValue],
               any_iban: bool) -> dict[str, FieldValue]:
    """The BIC nearest the payee's IBAN; without any IBAN on the document, a lone BIC."""
    payee = accounts.get("iban")
    if payee is not None:
        near = [b.mention for b in bics if b.mention.page == payee.page]
        if not near:
            return {}
        anchor = Candidate("iban", "", str(payee.value), payee.page or 0,
                           payee.bbox or (0, 0, 0, 0), (0, 0), "")
        best = min(near, key=lambda b: distance(b, anchor))
        return {"bic": field_value("bic", best, best.confidence, STEP_BIC)}
    if not any_iban and bics:
        return {"bic": field_value("bic", bics[0].mention, 0.6, STEP_BIC)}
    return {}


@step(STEP_BIC, scope="document",
      requires=["page.bic.context", "doc.field.iban", "page.iban.validated"],
      provides=["doc.field.bic"])
def bic_select(page_bic_context: list[list[Neighbour]], doc_field_iban: dict[str, FieldValue],
               page_iban_validated: list[list[Candidate]]) -> dict[str, FieldValue]:
    """``bic``: the code printed beside the payee's account."""
    return select_bic(flatten(page_bic_context), doc_field_iban, bool(flatten(page_iban_validated)))


# --- bank name -----------------------------------------------------------------------------------

BANK_AFTER_LABEL = re.compile(r"[ .]*:[ \t]*(?P<v>[^\W\d][^\t|·●•]{1,60}?)(?=\s+IBAN\b|\s+BIC\b|"
                              r"\s+[·●•|–]\s+|\t|\s*$|,\s)", re.I)
"""The name after a bank label and its colon ('Bank: GLS Bank', 'Banque : BNP Paribas'); without
the colon 'Bank' is the name's own word ('Bank Austria', 'GLS Bank')."""


@step("fields.ids.candidates.bank_name.label", scope="page",
      requires=["page.lines", "page_no", *LABEL_ARTIFACTS],
      provides=["page.bank_name.candidates.label"])
def bank_name_candidates_label(page_lines: list[Line], page_no: int,
                               **labels: list[LabelHit]) -> list[Candidate]:
    """The name after a bank label ('Bank: Postbank', 'Bankverbindung: Sparkasse Köln')."""
    return labelled_values(page_lines, merge_labels(*labels.values()), "bank", page_no,
                           "fields.ids.candidates.bank_name.label", BANK_AFTER_LABEL)


def segments(line: Line) -> list[tuple[int, int]]:
    """Character spans of a line's cells and bullet-separated parts."""
    out, pos = [], 0
    for sep in [*SEGMENT.finditer(line.text), None]:
        end = sep.start() if sep else len(line.text)
        if line.text[pos:end].strip():
            out.append((pos, end))
        pos = sep.end() if sep else end
    return out


@step("fields.ids.candidates.bank_name.lexicon", scope="page", requires=["page.lines", "page_no"],
      provides=["page.bank_name.candidates.lexicon"])
def bank_name_candidates_lexicon(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Cells that name a bank by a bank word ('Sparkasse Köln', 'Société Générale')."""
    out = []
    for i, line in enumerate(page_lines):
        for a, b in segments(line):
            text = line.text[a:b]
            if not BANK_WORDS.search(text) or len(text) > 70:
                continue
            out.append(Candidate(kind="bank_name", raw=text, value=text, page=page_no,
                                 bbox=span_bbox(line, a, b), span=(line.start + a, line.start + b),
                                 step="fields.ids.candidates.bank_name.lexicon", line=i))
    return out


BANK_NOISE = re.compile(r"^(?:bank(?:verbindung|name)?|kreditinstitut|banque|domiciliation|"
                        r"bank details)\s*:\s*|\s*(?:IBAN|BIC|SWIFT|BLZ|Konto)\b.*$", re.I)


def after_numbers(text: str) -> str:
    """The words after the last one with a digit: a name a phone number ran into
    ('Tel. 0141 496 0167 HSBC UK' -> 'HSBC UK'); a bank's name has no digits."""
    words = text.split()
    last = max((i for i, w in enumerate(words) if re.search(r"\d", w)), default=-1)
    return " ".join(words[last + 1:])


@step("fields.ids.normalise.bank_name", scope="page",
      requires=["page.bank_name.candidates.label", "page.bank_name.candidates.lexicon"],
      provides=["page.bank_name.normalised"])
def bank_name_normalise(page_bank_name_candidates_label: list[Candidate],
                        page_bank_name_candidates_lexicon: list[Candidate]) -> list[Candidate]:
    """Names without their label, a following IBAN or a phone number run into their cell; a
    labelled one is trusted more; one name per place; a label alone ('Bankverbindung') is none,
    nor a sentence ('Please pay by wire transfer to the following account')."""
    out: list[Candidate] = []
    for source, confidence in ((page_bank_name_candidates_label, 0.8),
                               (page_bank_name_candidates_lexicon, 0.6)):
        for m in source:
            value = after_numbers(BANK_NOISE.sub("", m.raw).strip(" :,.|-"))
            value = BANK_NOISE.sub("", value).strip(" :,.|-")
            if len(value) < 2 or "@" in value or "www" in value or not name_shaped(value) \
                    or (m.step.endswith("lexicon") and not BANK_WORDS.search(value)):
                continue
            if any(o.line == m.line and o.span[0] < m.span[1] and m.span[0] < o.span[1]
                   for o in out):
                continue
            out.append(refined(m, value=" ".join(value.split()), confidence=confidence))
    return out


@step("fields.ids.context.bank_name", scope="page",
      requires=["page.bank_name.normalised", "page.iban.validated", "page.bic.validated"],
      provides=["page.bank_name.context"])
def bank_name_context(page_bank_name_normalised: list[Candidate],
                      page_iban_validated: list[Candidate],
                      page_bic_validated: list[Candidate]) -> list[Neighbour]:
    """Each name with its distance to the nearest account (IBAN or BIC) on the page."""
    accounts = page_iban_validated + page_bic_validated
    return [Neighbour(m, nearest(m, accounts)) for m in page_bank_name_normalised]


NEAR_ACCOUNT = 40.0  # points: a bank named further from every account names something else


def select_bank_name(names: list[Neighbour], accounts: dict[str, FieldValue]) -> \
        dict[str, FieldValue]:
    """The bank named beside the document's account (IBAN, else BIC), else one a label names."""
    anchor = accounts.get("iban") or accounts.get("debtor_iban") or accounts.get("bic")
    pool = names
    if anchor is not None:
        ref = Candidate("iban", "", "", anchor.page or 0, anchor.bbox or (0, 0, 0, 0), (0, 0), "")
        on_page = [n.mention for n in names if n.mention.page == anchor.page]
        close = [m for m in on_page if distance(m, ref) <= 2 * NEAR_ACCOUNT]
        if close:
            best = min(close, key=lambda m: distance(m, ref))
            return {"bank_name": field_value("bank_name", best, best.confidence, STEP_BANK)}
    pool = [n for n in names if n.distance <= NEAR_ACCOUNT or n.mention.confidence >= 0.8]
    if not pool:
        return {}
    best = min(pool, key=lambda n: (n.distance, -n.mention.confidence)).mention
    return {"bank_name": field_value("bank_name", best, best.confidence, STEP_BANK)}


@step(STEP_BANK, scope="document",
      requires=["page.bank_name.context", "doc.field.iban", "doc.field.debtor_iban",
                "doc.field.bic"],
      provides=["doc.field.bank_name"])
def bank_name_select(page_bank_name_context: list[list[Neighbour]],
                     doc_field_iban: dict[str, FieldValue],
                     doc_field_debtor_iban: dict[str, FieldValue],
                     doc_field_bic: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """``bank_name``: the bank beside the document's account."""
    return select_bank_name(flatten(page_bank_name_context),
                            {**doc_field_iban, **doc_field_debtor_iban, **doc_field_bic})
