"""Tax identifiers: EU VAT IDs (national formats, check digits) and national tax numbers.

VAT ID: candidates (the EU pattern; registrations of other shapes behind a GST, ABN or VAT
label) -> normalise (the longest prefix in a valid national format) ->
validate (not the start of an IBAN; check digits raise confidence, since sample documents print
made-up IDs such as DE123456789) -> context -> role (model) -> select ``seller_vat_id`` and
``buyer_vat_id``. Tax number: candidates behind a label and by shape -> normalise -> validate
(the shapes of the German Länder, Austria, French SIRET, US EIN) -> context -> role -> select
``seller_tax_number``.
"""

from __future__ import annotations

import re

from cosy import identifiers as ids
from cosy.domain import FieldValue, Line
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import SCHEMA, XSD
from cosy.steps.fields.common import Candidate, find_mentions, flatten, left_label, span_bbox
from cosy.steps.fields.doc_kinds import ISSUER_IS_BUYER
from cosy.steps.fields.ids.bank import IBAN, iban_shape_ok, longest_prefix
from cosy.steps.fields.ids.common import IdContext, field_value, labelled_party, refined
from cosy.steps.fields.ids.role import RoleProbs, pick_party, role_field
from cosy.steps.fields.party_words import BUYER_PARTY

VAT_ID = re.compile(
    r"\b(?P<vat_id>(?:AT\s?U|BE\s?[01]|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|"
    r"NL|PL|PT|RO|SE|SI|SK|XI|CHE)[\s.-]?[0-9A-Z][0-9A-Z .-]{6,14}[0-9A-Z])"
)
REGISTRATION_LABEL = (
    r"(?:\b(?:GST(?:IN)?|VAT|ABN|TRN|TVA|BTW|IVA|HST|SST)"
    r"(?:\s?(?:Reg(?:istration|istered|\.)?|ID|Id\.?|No\.?|Nr\.?|Number|N°|#|intracom\w*\.?))*"
    r"|(?:N°|No\.?|Numéro)\s(?:de\s)?TVA(?:\sintracom\w*\.?)?)")
"""A tax registration's label of any country: GST Reg No, GST ID, GSTIN, ABN, TRN, VAT No.,
N° TVA intracommunautaire (the words may run together as OCR reads them: 'GSTREGNO')."""
REGISTRATION = re.compile(
    REGISTRATION_LABEL + r"\s*[:.：#]?\s*"
    r"(?P<vat_id>\d{2}[A-Z]{5}\d{4}[A-Z][0-9A-Z]Z[0-9A-Z]|\d(?:[ -]?\d){7,14})(?![\w-])",
    re.I)
"""A registration number of a shape no EU VAT ID has, behind such a label: 8 to 15 digits in
groups (Malaysian GST 001637511168, Australian ABN 51 824 753 556) or an Indian GSTIN
(27AAPFU0939F1ZV). EU VAT IDs, which start with their country, are :data:`VAT_ID`'s."""
IBAN_GROUPS = re.compile(r"[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2}")
"""How an IBAN is printed (country, check digits, groups of four); no VAT ID is."""
TAX_NUMBER_LABEL = re.compile(
    r"(?:steuer\s?-?\s?(?:nummer|nr\.?)|st\.?\s?-?\s?nr\.?|stnr\.?|tax\s?(?:id|number|no\.?)|"
    r"num[ée]ro fiscal|n° fiscal|codice fiscale|(?:n°\s)?siret|\bein\b|\btin\b)\s*[:.]?\s*"
    r"(?P<tax>\d[\d/ -]{5,16}\d|[A-Z][A-Z0-9_]{3,30})(?![\w/])", re.I)
TAX_NUMBER = re.compile(r"(?<![\w/])(?P<tax>\d{2,3}/\d{3,4}/\d{4,5}(?:/\d)?)(?![\w/])")
TAX_SHAPES = re.compile(
    r"\d{2,3}/\d{3,4}/\d{4,5}(?:/\d)?"  # DE: the Länder's FF/BBB/UUUUP, FFF/BBB/UUUUP, ...
    r"|0\d{2} \d{3} \d{5}"  # DE Hessen: 0FF BBB UUUUP
    r"|\d{13}"  # DE: the federal 13-digit form
    r"|\d{2} ?\d{3}/\d{4}"  # AT: FA-Nr. and St.-Nr.
    r"|\d{3} ?\d{3} ?\d{3} ?\d{5}"  # FR: SIRET (SIREN + NIC)
    r"|\d{2}-\d{7}"  # US: EIN
)
"""National tax number shapes; a value behind a tax label in another shape is less trusted."""
STEP_SELLER_VAT = "fields.ids.select.seller_vat_id"
STEP_BUYER_VAT = "fields.ids.select.buyer_vat_id"
STEP_TAX = "fields.ids.select.seller_tax_number"


# --- VAT ID --------------------------------------------------------------------------------------


@step("fields.ids.candidates.vat_id", scope="page", requires=["page.lines", "page_no"],
      provides=["page.vat_id.candidates"])
def vat_id_candidates(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Everything that starts with an EU country code (or CHE) and runs on in digits."""
    return list(find_mentions(page_lines, page_no, VAT_ID, "vat_id", "fields.ids.candidates.vat_id",
                              lambda m: ids.normalize_identifier(m["vat_id"])))


@step("fields.ids.candidates.vat_id.labelled", scope="page", requires=["page.lines", "page_no"],
      provides=["page.vat_id.registrations"])
def vat_id_registrations(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Tax registration numbers of non-EU shapes behind their label ('GST Reg No.: 0016...')."""
    return list(find_mentions(page_lines, page_no, REGISTRATION, "vat_id",
                              "fields.ids.candidates.vat_id.labelled",
                              lambda m: ids.normalize_identifier(m["vat_id"])))


def abn_is_valid(digits: str) -> bool:
    """The Australian Business Number's check: weighted sum (first digit less one) mod 89."""
    if not re.fullmatch(r"\d{11}", digits):
        return False
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    values = [int(digits[0]) - 1, *map(int, digits[1:])]
    return sum(w * v for w, v in zip(weights, values, strict=True)) % 89 == 0


@step("fields.ids.normalise.vat_id", scope="page",
      requires=["page.vat_id.candidates", "page.vat_id.registrations"],
      provides=["page.vat_id.normalised"])
def vat_id_normalise(page_vat_id_candidates: list[Candidate],
                     page_vat_id_registrations: list[Candidate] | None = None) -> list[Candidate]:
    """The longest prefix in its country's format ('DE136695976 Steuer...' -> 'DE136695976');
    a labelled registration of another shape as printed, without its spaces."""
    out = []
    for m in page_vat_id_candidates:
        value = longest_prefix(m.value, lambda s: ids.vat_id_is_valid(s, checksum=False))
        if value is not None:
            out.append(refined(m, value=value))
    taken = {(m.page, m.line) for m in out}
    out += [m for m in page_vat_id_registrations or () if (m.page, m.line) not in taken]
    return out


@step("fields.ids.validate.vat_id", scope="page", requires=["page.vat_id.normalised", "page.lines"],
      provides=["page.vat_id.validated"])
def vat_id_validate(page_vat_id_normalised: list[Candidate],
                    page_lines: list[Line]) -> list[Candidate]:
    """Not an IBAN: neither its start ('DE58 2336 4460 ...') nor a piece of one in the IBAN's
    groups of four (a wrapped 'DE67 1004 8392 7221'); valid check digits are trusted more."""
    out = []
    for m in page_vat_id_normalised:
        if IBAN_GROUPS.match(m.raw):
            continue
        line = page_lines[m.line]
        iban = IBAN.match(line.text, m.span[0] - line.start)
        if iban is not None and longest_prefix(ids.normalize_identifier(iban["iban"]),
                                               iban_shape_ok):
            continue
        out.append(refined(m, confidence=0.9 if ids.vat_id_is_valid(m.value)
                           or abn_is_valid(m.value) else 0.6))
    return out


def select_vat_ids(contexts: list[IdContext], probs: list[RoleProbs] | None,
                   title: str | None, role: str, taken: set[str]) -> dict[str, FieldValue]:
    """The VAT ID most surely ``role``'s, other than values already given to another field;
    the buyer's may also be the addressee's by elimination (:func:`addressee_vat_id`)."""
    keep = [i for i, c in enumerate(contexts) if c.mention.value not in taken]
    step_name = STEP_SELLER_VAT if role == "seller" else STEP_BUYER_VAT
    found = role_field(f"{role}_vat_id", pick_party(contexts, probs, role, title, keep), step_name)
    if not found and role == "buyer" and title not in ISSUER_IS_BUYER:
        c = addressee_vat_id(contexts, title, taken)
        if c is not None:
            found = {"buyer_vat_id": field_value("buyer_vat_id", c.mention,
                                                 c.confidence * BY_ELIMINATION, step_name)}
    return found


BY_ELIMINATION = 0.7
"""Share of a VAT ID's confidence left when it is the buyer's only because it is not the
seller's."""


def addressee_vat_id(contexts: list[IdContext], title: str | None,
                     taken: set[str]) -> IdContext | None:
    """The one other VAT ID of a document whose writer prints its own in letterhead or footer:
    standing in the body (beside the customer and invoice numbers) with no label naming another
    party, it is the addressee's. Two other values, or one in letterhead or footer (a seller
    registered in several countries), decide nothing."""
    if not taken or not contexts:
        return None
    if not {c.zone for c in contexts if c.value in taken} <= {"head", "foot"}:
        return None
    others = [c for c in contexts if c.value not in taken]
    if len({c.value for c in others}) != 1 or any(
            c.zone != "body" or labelled_party(c, title) not in (None, "buyer") for c in others):
        return None
    return others[0]


SELLER_VAT_ID_FIELD = field_spec(
    "seller_vat_id", "identifier", "the seller's VAT ID", bt="BT-31", scored=True, subject="seller",
    predicate=SCHEMA + "vatID", datatype=XSD + "string", xml=True)
BUYER_VAT_ID_FIELD = field_spec(
    "buyer_vat_id", "identifier", "the buyer's VAT ID", bt="BT-48", scored=True, subject="buyer",
    predicate=SCHEMA + "vatID", datatype=XSD + "string", xml=True)


@step(STEP_SELLER_VAT, scope="document",
      requires=["page.vat_id.context", "page.vat_id.roles", "doc.title_kind"],
      provides=["doc.field.seller_vat_id"])
def seller_vat_id_select(page_vat_id_context: list[list[IdContext]],
                         page_vat_id_roles: list[list[RoleProbs]],
                         doc_title_kind: str | None) -> dict[str, FieldValue]:
    """``seller_vat_id`` from every page's VAT IDs and their roles."""
    return select_vat_ids(flatten(page_vat_id_context), flatten(page_vat_id_roles),
                          doc_title_kind, "seller", set())


@step(STEP_BUYER_VAT, scope="document",
      requires=["page.vat_id.context", "page.vat_id.roles", "doc.title_kind",
                "doc.field.seller_vat_id"],
      provides=["doc.field.buyer_vat_id"])
def buyer_vat_id_select(page_vat_id_context: list[list[IdContext]],
                        page_vat_id_roles: list[list[RoleProbs]], doc_title_kind: str | None,
                        doc_field_seller_vat_id: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """``buyer_vat_id``: the buyer's, never the value chosen as the seller's."""
    return select_vat_ids(flatten(page_vat_id_context), flatten(page_vat_id_roles),
                          doc_title_kind, "buyer",
                          {str(f.value) for f in doc_field_seller_vat_id.values()})


# --- tax number ----------------------------------------------------------------------------------


def _tax_matches(lines: list[Line], page_no: int, pattern: re.Pattern[str],
                 step_name: str) -> list[Candidate]:
    out = []
    for i, line in enumerate(lines):
        for m in pattern.finditer(line.text):
            start, end = m.span("tax")
            label, _ = left_label(line, start)
            out.append(Candidate(
                kind="tax_number", raw=m["tax"], value=m["tax"], page=page_no,
                bbox=span_bbox(line, start, end), span=(line.start + start, line.start + end),
                step=step_name, label=label, line=i))
    return out


@step("fields.ids.candidates.tax_number.labelled", scope="page", requires=["page.lines", "page_no"],
      provides=["page.tax_number.candidates.labelled"])
def tax_number_candidates_labelled(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """The value behind a tax number label (Steuernummer, St.-Nr., Tax ID, SIRET, EIN)."""
    return _tax_matches(page_lines, page_no, TAX_NUMBER_LABEL,
                        "fields.ids.candidates.tax_number.labelled")


@step("fields.ids.candidates.tax_number.shape", scope="page", requires=["page.lines", "page_no"],
      provides=["page.tax_number.candidates.shape"])
def tax_number_candidates_shape(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Unlabelled numbers in the slash shape of German tax numbers (201/113/40209)."""
    return _tax_matches(page_lines, page_no, TAX_NUMBER, "fields.ids.candidates.tax_number.shape")


@step("fields.ids.normalise.tax_number", scope="page",
      requires=["page.tax_number.candidates.labelled", "page.tax_number.candidates.shape"],
      provides=["page.tax_number.normalised"])
def tax_number_normalise(page_tax_number_candidates_labelled: list[Candidate],
                         page_tax_number_candidates_shape: list[Candidate]) -> list[Candidate]:
    """One reading per place (the labelled first), spaces dropped: '12 345/6789' -> '12345/6789'."""
    out: list[Candidate] = []
    for m in page_tax_number_candidates_labelled + page_tax_number_candidates_shape:
        if any(o.span[0] == m.span[0] for o in out):
            continue
        out.append(refined(m, value=re.sub(r"\s+", "", m.raw)))
    return out


@step("fields.ids.validate.tax_number", scope="page", requires=["page.tax_number.normalised"],
      provides=["page.tax_number.validated"])
def tax_number_validate(page_tax_number_normalised: list[Candidate]) -> list[Candidate]:
    """A national shape raises confidence; an unlabelled value needs one, a labelled one may be
    a scheme we do not know ('SELLER_TAX_ID' in a test file is still what the label says)."""
    out = []
    for m in page_tax_number_normalised:
        shaped = bool(TAX_SHAPES.fullmatch(m.raw.strip()))
        labelled = m.step.endswith("labelled")
        if labelled:
            out.append(refined(m, confidence=0.85 if shaped or not m.raw[0].isdigit() else 0.75))
        elif shaped:
            out.append(refined(m, confidence=0.5))
    return out


def select_tax_number(contexts: list[IdContext], probs: list[RoleProbs] | None,
                      title: str | None) -> dict[str, FieldValue]:
    """The seller's tax number; one a buyer label introduces never is."""
    keep = [i for i, c in enumerate(contexts) if not BUYER_PARTY.search(c.mention.label or "")]
    return role_field("seller_tax_number", pick_party(contexts, probs, "seller", title, keep),
                      STEP_TAX)


SELLER_TAX_NUMBER_FIELD = field_spec(
    "seller_tax_number", "identifier", "the seller's national tax number", bt="BT-32", scored=True,
    subject="seller", predicate=SCHEMA + "taxID", datatype=XSD + "string", xml=True)


@step(STEP_TAX, scope="document",
      requires=["page.tax_number.context", "page.tax_number.roles", "doc.title_kind"],
      provides=["doc.field.seller_tax_number"])
def seller_tax_number_select(page_tax_number_context: list[list[IdContext]],
                             page_tax_number_roles: list[list[RoleProbs]],
                             doc_title_kind: str | None) -> dict[str, FieldValue]:
    """``seller_tax_number`` from every page's tax numbers and their roles."""
    return select_tax_number(flatten(page_tax_number_context), flatten(page_tax_number_roles),
                             doc_title_kind)
