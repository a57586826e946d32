"""Bank and tax identifiers read outside the pipeline: the families' stages composed in order.

The pipeline runs each stage as its own step (``ids_bank``, ``ids_tax``, ``ids_register``,
labels and zones in ``ids_labels``, the role model in ``ids_role``). Training the role model and
testing the rules need the same stages on a page without the engine: :func:`read_identifiers`
runs candidates -> normalise -> validate -> context for every family the model reads, and the
``*_candidates`` / :func:`select_ids` functions give the rule-only reading (no model) that the
unit tests check.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import FieldValue, Line
from cosy.steps.fields.common import Candidate
from cosy.steps.fields.ids import bank as ids_bank
from cosy.steps.fields.ids import register as ids_register
from cosy.steps.fields.ids import tax as ids_tax
from cosy.steps.fields.ids.common import LANGUAGES, IdContext, LabelHit, build_contexts, page_zones
from cosy.steps.fields.ids.labels import find_labels, merge_labels

GEOMETRY = {"width": 595.0, "height": 842.0}


def page_labels(lines: list[Line], nlp: dict[str, Any] | None = None) -> list[LabelHit]:
    """Every language's identifier labels on a page, as the three label steps find them."""
    return merge_labels(*(find_labels(lines, lang, (nlp or {}).get(lang)) for lang in LANGUAGES))


def validated(lines: list[Line], page_no: int) -> dict[str, list[Candidate]]:
    """Each family's validated mentions on a page (candidates -> normalise -> validate)."""
    reg = (ids_register.register_candidates_de(lines, page_no),
           ids_register.register_candidates_en(lines, page_no),
           ids_register.register_candidates_fr(lines, page_no))
    return {
        "iban": ids_bank.iban_validate(ids_bank.iban_normalise(
            ids_bank.iban_candidates(lines, page_no))),
        "vat_id": ids_tax.vat_id_validate(ids_tax.vat_id_normalise(
            ids_tax.vat_id_candidates(lines, page_no),
            ids_tax.vat_id_registrations(lines, page_no)), lines),
        "tax_number": ids_tax.tax_number_validate(ids_tax.tax_number_normalise(
            ids_tax.tax_number_candidates_labelled(lines, page_no),
            ids_tax.tax_number_candidates_shape(lines, page_no))),
        "register_number": ids_register.register_validate(
            ids_register.register_normalise(*reg), lines),
    }


def read_identifiers(lines: list[Line], page_no: int, geometry: dict[str, float] | None = None,
                     hits: list[LabelHit] | None = None) -> dict[str, list[IdContext]]:
    """The contexts of a page's IBANs, VAT IDs, tax and register numbers (what the role model
    reads), as the pipeline's context steps make them."""
    geometry = geometry or GEOMETRY
    zones = page_zones(lines, geometry)
    hits = page_labels(lines) if hits is None else hits
    return {kind: build_contexts(ms, lines, zones, hits, float(geometry.get("width") or 595.0))
            for kind, ms in validated(lines, page_no).items()}


def iban_candidates(lines: list[Line], page_no: int) -> list[IdContext]:
    return read_identifiers(lines, page_no)["iban"]


def vat_id_candidates(lines: list[Line], page_no: int) -> list[IdContext]:
    return read_identifiers(lines, page_no)["vat_id"]


def tax_number_candidates(lines: list[Line], page_no: int) -> list[IdContext]:
    return read_identifiers(lines, page_no)["tax_number"]


def bic_candidates(lines: list[Line], page_no: int) -> list[Candidate]:
    hits = page_labels(lines)
    return ids_bank.bic_validate(ids_bank.bic_normalise(
        ids_bank.bic_candidates_pattern(lines, page_no),
        ids_bank.labelled_values(lines, hits, "bic", page_no, "fields.ids.candidates.bic.labelled",
                                 ids_bank.BIC_AFTER_LABEL)), lines)


def select_ids(ibans: list[IdContext], bics: list[Candidate], vats: list[IdContext],
               taxes: list[IdContext], title: str | None = None) -> dict[str, FieldValue]:
    """Payee IBAN and BIC, seller and buyer VAT ID, seller tax number, by rule alone.

    An identifier no label or party section assigns belongs to the writer (letterhead, footer):
    the seller, or on an order the buyer; one labelled 'your' belongs to the addressee.
    """
    out = ids_bank.select_iban(ibans, None, title)
    iban_mentions = [c.mention for c in ibans]
    out |= ids_bank.select_bic([ids_bank.Neighbour(b, ids_bank.nearest(b, iban_mentions))
                                for b in bics], out, bool(ibans))
    out |= ids_tax.select_vat_ids(vats, None, title, "seller", set())
    out |= ids_tax.select_vat_ids(vats, None, title, "buyer",
                                  {str(f.value) for f in out.values()})
    out |= ids_tax.select_tax_number(taxes, None, title)
    return out
