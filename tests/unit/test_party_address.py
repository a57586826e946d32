"""Postcode shapes per country, cities, countries in three languages and ISO codes, streets."""

from __future__ import annotations

from cosy.domain import Line, Word
from cosy.steps.fields.party import address as addr
from cosy.steps.layout import lines as layout_lines


def place(rows: list[tuple[float, float, str]]) -> list[Line]:
    words = []
    for x, y, text in rows:
        for token in text.split():
            words.append(Word(token, x, y, x + 5.0 * len(token), y + 9.0, 9.0))
            x += 5.0 * len(token) + 3.0
    return layout_lines(words)


def test_postcode_shapes_per_country() -> None:
    cases = {"DE 80333 München": ("80333", "DE"), "A-1010 Wien": ("1010", "AT"),
             "CH-8001 Zürich": ("8001", "CH"), "F-75001 Paris": ("75001", "FR"),
             "1012 AB Amsterdam": ("1012 AB", "NL"), "Leeds LS1 4AP": ("LS1 4AP", "GB"),
             "Austin, TX 78701": ("78701", "US"), "80333 München": ("80333", None)}
    for text, (pc, country) in cases.items():
        found = addr.parse_city_line(text)
        assert found is not None, text
        assert (found["pc"], found["country"]) == (pc, country), text


def test_postcodes_that_do_not_fit_their_country_are_refused() -> None:
    assert addr.parse_city_line("DE 1234 Berlin") is None  # German postcodes have five digits
    assert addr.parse_city_line("CH-80333 Zürich") is None
    assert addr.parse_city_line("0815 Musterstadt") is None  # a house number, not a postcode
    assert addr.parse_city_line("Lagerhalle 12345") is None  # a US ZIP comes with a state
    assert addr.parse_city_line("12 Stk Schrauben") is None  # a unit, not a city


def test_country_names_in_three_languages_and_iso_codes() -> None:
    assert addr.country_name("Deutschland", "de") == "DE"
    assert addr.country_name("Germany", "en") == "DE"
    assert addr.country_name("Allemagne", "fr") == "DE"
    assert addr.country_name("Allemagne", "de") is None
    assert addr.country_of("Royaume-Uni") == "GB"
    assert addr.country_of("UNITED STATES") == "US"
    assert addr.iso_country("D") == "DE"
    assert addr.iso_country("XX") is None


def test_country_under_a_city_line_joins_its_address() -> None:
    lines = place([(55, 100, "Rue de la Paix 3"), (55, 113, "75002 Paris"), (55, 126, "FR"),
                   (300, 126, "AG")])
    postcodes = addr.postcode_validate(addr.postcode_normalise(
        addr.postcode_continental(lines), addr.postcode_anglo(lines), addr.postcode_uk_line(lines)))
    countries = addr.country_validate(addr.country_normalise(
        *(addr.country_candidates(lines, lang=lang) for lang in ("de", "en", "fr")),
        addr.country_iso(lines)))
    assert sorted(countries.values()) == ["FR"]  # 'AG' is no ISO country
    assert addr.country_context(lines, countries, postcodes) == {1: "FR"}


def test_street_with_a_number_is_valid_a_label_line_is_not() -> None:
    lines = place([(55, 100, "Hethurstr. 9-4"), (55, 113, "15 Cox forges"),
                   (55, 126, "Telefon: 0301234"), (55, 139, "Postfach 10 20 30"),
                   (55, 152, "22537 Moers")])
    found = addr.street_validate(addr.street_normalise(
        *(addr.street_candidates(lines, lang=lang) for lang in addr.STREET_WORDS),
        addr.street_numbered(lines), addr.street_postbox(lines)),
        addr.city_validate(addr.city_normalise(addr.city_candidates(lines, addr.postcode_validate(
            addr.postcode_normalise(addr.postcode_continental(lines), addr.postcode_anglo(lines),
                                    addr.postcode_uk_line(lines)))))))
    assert sorted(found.values()) == ["15 Cox forges", "Hethurstr. 9-4", "Postfach 10 20 30"]


def test_a_street_word_misread_in_one_letter_is_read_as_the_street_word() -> None:
    """OCR misreads one glyph: 'Etreet' is a Street, in the case it was printed in; a word
    one letter from a short street word ('Rosd'), or 'Drove', is left as printed."""
    assert [addr.misread_street_word(w) for w in ("Etreet", "AVENUC", "Stroße", "Parkwav")] \
        == ["Street", "AVENUE", "Straße", "Parkway"]
    assert [addr.misread_street_word(w) for w in ("Rosd", "Drove", "Squire", "Street", "12a")] \
        == ["Rosd", "Drove", "Squire", "Street", "12a"]
    assert addr.repair_street("1600 West Hill Etreet, Suite 2") == "1600 West Hill Street, Suite 2"
    assert addr.repair_street(None) is None
