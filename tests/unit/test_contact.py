"""Contact families: phone/fax to E.164, e-mail and website normalised, names, sections, roles."""

from __future__ import annotations

from typing import Any

import pytest
import spacy

from cosy.config import Settings
from cosy.engine.step import StepContext
from cosy.inference.resources import Resources
from cosy.steps import layout, parse, text
from cosy.steps.fields.contact import common as C
from cosy.steps.fields.contact import person as PP
from cosy.steps.fields.contact import phone as P
from cosy.steps.fields.contact import web as W
from cosy.steps.nlp import match_labels, resolve_hits, tokenize_lines
from tests.conftest import make_pdf


@pytest.mark.parametrize(("raw", "country", "e164"), [
    ("+49 (0)89 123456-0", "DE", "+49891234560"),
    ("089 / 123 45 67", "DE", "+49891234567"),
    ("0049 30 1234567", "GB", "+49301234567"),
    ("(0113) 496 0000", "GB", "+441134960000"),
    ("01 23 45 67 89", "FR", "+33123456789"),
    ("(555) 123-4567", "US", "+15551234567"),
    ("1234567", "DE", None),  # no area code: no number anyone could dial from abroad
    ("+49 (0)0918 262028", "GB", "+49918262028"),  # no trunk 0 after a calling code
    ("(00606) 49556", "DE", "+4960649556"),  # '00' in an area code's brackets: national
])
def test_phone_numbers_become_e164_with_the_country_of_their_side(raw: str, country: str,
                                                                  e164: str | None) -> None:
    assert P.to_e164(raw, country) == e164


def test_plausible_lengths_follow_the_country() -> None:
    assert P.plausible("+49891234560")
    assert not P.plausible("+331234")  # France has nine-digit national numbers
    assert not P.plausible("+4900000000")  # one digit repeated: a placeholder
    assert not P.plausible("+4412345678901234")  # longer than E.164 allows


def test_email_and_website_normalisation() -> None:
    assert W.normalise_email("mailto:Info@Kaul-UG.DE,") == "info@kaul-ug.de"
    assert W.normalise_email("info (at) firma [dot] de") == "info@firma.de"
    assert W.normalise_website("https://www.Firma.de/kontakt?x=1") == "www.firma.de"


def test_person_names_are_normalised_and_validated() -> None:
    assert PP.normalise_name(" Herr  Dr. Max Muster,") == "Herr Dr. Max Muster"
    assert PP.looks_like_person("Herr Dr. Max Muster")
    assert PP.looks_like_person("Ing. Abdul Pärtzelt")
    assert PP.looks_like_person("Ludwig van der Berg")
    assert not PP.looks_like_person("Henschel Consulting GmbH")
    assert not PP.looks_like_person("Amtsgericht München")
    assert not PP.looks_like_person("Max")
    assert not PP.looks_like_person("HRB 4360")


def _page(lines_text: list[str]) -> tuple[list[Any], dict[str, float]]:
    pdf = make_pdf([lines_text])
    page = parse.open_page(pdf, 1)
    return layout.lines(text.normalize_words(parse.words(page))), parse.geometry(page)


def _contact_fields(lines: list[Any], geometry: dict[str, float], title: str | None,
                    lang: str = "de") -> dict[str, Any]:
    """The contact families' stages, in the pipeline's order, without the NER model."""
    nlp = spacy.blank(lang)
    ctx = StepContext("d", "t", 1, Settings(), Resources(Settings()))
    toks = tokenize_lines(nlp, lines)
    hits = resolve_hits(lines, toks, *(match_labels(nlp, toks, x) for x in ("de", "en", "fr",
                                                                             "xx")))
    sections = C.contact_sections(lines, geometry, 1)
    countries = C.page_countries(lines, sections, lang)

    def staged(found: list[C.ContactMention]) -> list[C.ContactMention]:
        return C.assign_roles(C.add_context(found, lines, sections, hits, toks), title)

    phone = staged(P.validate(P.phone_normalise(P.phone_labelled(lines, toks, hits, 1),
                                                P.phone_international(lines, toks, hits, 1),
                                                sections, countries)))
    fax = staged(P.validate(P.fax_normalise(P.fax_candidates(lines, toks, hits, 1), sections,
                                            countries)))
    email = staged(W.email_validate(W.email_normalise(
        W.email_candidates(toks, lang, 1, ctx), W.email_obfuscated(lines, toks, hits, 1))))
    web = staged(W.website_validate(W.website_normalise(
        W.website_candidates(toks, lang, 1, ctx))))
    people = PP.contact_person_validate(PP.contact_person_normalise(
        PP.contact_person_labelled(lines, toks, hits, 1),
        PP.contact_person_closing(lines, sections, 1), []))
    contact = PP.person_roles(C.add_context(people, lines, sections, hits, toks),
                              "contact_person", "contact")
    director = PP.person_roles(C.add_context(PP.director_validate(PP.director_normalise(
        PP.director_labelled(lines, toks, hits, 1), [])), lines, sections, hits, toks),
        "director", "director")
    out: dict[str, Any] = {}
    out.update(C.select_roles([phone], {"seller": "seller_phone"}, "s"))
    out.update(C.select_roles([fax], {"seller": "seller_fax"}, "s"))
    out.update(C.select_roles([email], {"seller": "seller_email", "buyer": "buyer_email"}, "s"))
    out.update(C.select_roles([web], {"seller": "seller_website"}, "s"))
    out.update(C.select_roles([contact], {"contact_person": "contact_person"}, "s"))
    out.update(C.select_roles([director], {"director": "director"}, "s"))
    return {k: v.value for k, v in out.items()}


LETTERHEAD = ["Kaul GmbH", "Jaehnstr. 5, 09674 Rastatt",
              "Tel.: 089 1234567 | Fax: 089 1234568", "E-Mail: Info@Kaul.de | www.kaul.de",
              "Ihr Ansprechpartner: Frau Gerda Höfig", "Geschäftsführer: Max Muster, Eva Elb"]


def test_a_letterhead_gives_the_sellers_contact_data() -> None:
    lines, geometry = _page(LETTERHEAD)
    assert _contact_fields(lines, geometry, "invoice") == {
        "seller_phone": "+49891234567", "seller_fax": "+49891234568",
        "seller_email": "info@kaul.de", "seller_website": "www.kaul.de",
        "contact_person": "Frau Gerda Höfig", "director": "Max Muster"}


def test_on_an_order_the_letterhead_is_the_buyers() -> None:
    lines, geometry = _page(LETTERHEAD)
    got = _contact_fields(lines, geometry, "order")
    assert "seller_phone" not in got and "seller_email" not in got
    assert got["buyer_email"] == "info@kaul.de"
    assert got["contact_person"] == "Frau Gerda Höfig"  # the writer's contact, whoever writes


def test_unlabelled_international_numbers_count_but_iban_digits_do_not() -> None:
    lines, geometry = _page(["ACME Ltd", "+44 161 496 0645",
                             "IBAN DE27 1956 8323 7418 4049 48"])
    assert _contact_fields(lines, geometry, None, "en") == {"seller_phone": "+441614960645"}


def test_a_number_takes_the_country_named_nearest_in_its_section() -> None:
    lines, geometry = _page(["Kaul AG", "Bahnhofstr. 1, 8001 Zürich", "Schweiz",
                             "Tel. 044 123 45 67"])
    sections = C.contact_sections(lines, geometry, 1)
    countries = C.page_countries(lines, sections, "de")  # a German document from Switzerland
    assert countries.near(3, sections) == "CH"
    nlp = spacy.blank("de")
    toks = tokenize_lines(nlp, lines)
    hits = resolve_hits(lines, toks, *(match_labels(nlp, toks, x) for x in ("de", "xx")))
    found = P.phone_normalise(P.phone_labelled(lines, toks, hits, 1), [], sections, countries)
    assert [m.value for m in found] == ["+41441234567"]


def test_sections_follow_the_page_layout() -> None:
    lines, geometry = _page(["Kaul GmbH"])
    assert C.contact_sections(lines, geometry, 1) == ["header"]
    assert C.line_country("Jähnstr. 5 · D-09674 Rastatt") == "DE"
    assert C.line_country("Bestellnummer: B-2020-6000") is None  # an order number, no postcode
    assert C.line_country("Leeds LS1 4AP") == "GB"
    assert C.line_country("Tel. +33 1 23 45 67 89") == "FR"


def test_contact_check_confirms_a_shared_domain_and_drops_a_double_address() -> None:
    from cosy.domain import FieldValue

    def fv(name: str, value: str) -> dict[str, FieldValue]:
        return {name: FieldValue(name, value, 0.8)}

    out = C.contact_check({}, {}, {**fv("seller_email", "info@kaul.de"),
                                   **fv("buyer_email", "info@kaul.de")},
                          fv("seller_website", "www.kaul.de"))
    assert set(out) == {"seller_email", "seller_website"}
    assert out["seller_email"].confidence == pytest.approx(0.85)
