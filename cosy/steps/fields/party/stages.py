"""The party families' page stages in pipeline order, as plain calls: one page's party blocks.

The pipeline runs each stage as its own step; the ``party_role`` recipe and the tests need the
same blocks outside the engine, so this runs the very same step functions in the DAG's order.
"""

from __future__ import annotations

from cosy.domain import Line
from cosy.steps.fields.party import address as addr
from cosy.steps.fields.party import blocks as blk
from cosy.steps.fields.party import names
from cosy.steps.fields.party.model import PartyBlock


def page_blocks(lines: list[Line], page_no: int,
                geometry: dict[str, float]) -> tuple[list[PartyBlock], list[dict[str, float]]]:
    """A page's validated party blocks and their layout context (what the role model reads)."""
    postcodes = addr.postcode_validate(addr.postcode_normalise(
        addr.postcode_continental(lines), addr.postcode_anglo(lines), addr.postcode_uk_line(lines)))
    country = addr.country_context(lines, addr.country_validate(addr.country_normalise(
        *(addr.country_candidates(lines, lang=lang) for lang in ("de", "en", "fr")),
        addr.country_iso(lines))), postcodes)
    cities = addr.city_validate(addr.city_normalise(addr.city_candidates(lines, postcodes)))
    anchors = addr.city_context(lines, cities, country)
    streets = addr.street_validate(addr.street_normalise(
        *(addr.street_candidates(lines, lang=lang) for lang in addr.STREET_WORDS),
        addr.street_numbered(lines), addr.street_postbox(lines)), cities)
    headings = blk.heading_validate(lines, blk.heading_normalise(
        *(blk.heading_candidates(lines, lang=lang) for lang in ("de", "en", "fr"))))
    blocks = blk.blocks_normalise(blk.blocks_stacked(lines, page_no, geometry, anchors, headings),
                                  blk.blocks_inline(lines, page_no, geometry, anchors))
    forms = names.legal_form_validate(names.legal_form_normalise(
        *(names.legal_form_candidates(lines, lang=lang) for lang in ("de", "en", "fr", "intl"))))
    persons = names.person_context(lines, names.person_validate(names.person_normalise(
        *(names.person_candidates(lines, lang=lang) for lang in ("de", "en", "fr")),
        names.person_contact(lines)), forms), forms)
    org = names.org_name_context(names.org_name_validate(names.org_name_normalise(
        names.org_name_candidates(blocks, streets)), persons),
        names.legal_form_context(lines, geometry, forms))
    valid = blk.blocks_validate(blocks, org, streets)
    return valid, blk.blocks_context(valid, geometry)
