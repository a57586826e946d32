"""Legal forms (read, normalised, kept where they end a name) and person addressees."""

from __future__ import annotations

from cosy.domain import Line, Word
from cosy.steps.fields.party import names
from cosy.steps.layout import lines as layout_lines


def place(rows: list[tuple[float, float, str]]) -> list[Line]:
    words = []
    for x, y, text in rows:
        for token in text.split():
            words.append(Word(token, x, y, x + 5.0 * len(token), y + 9.0, 9.0))
            x += 5.0 * len(token) + 3.0
    return layout_lines(words)


def forms(rows: list[str]) -> dict[str, str]:
    lines = place([(55, 100 + 13 * k, text) for k, text in enumerate(rows)])
    valid = names.legal_form_validate(names.legal_form_normalise(
        *(names.legal_form_candidates(lines, lang=lang) for lang in ("de", "en", "fr", "intl"))))
    return {h.cell_text: h.form for h in valid}


def test_legal_forms_are_normalised_and_the_longest_wins() -> None:
    assert forms(["Metallbau Leipzig GmbH & Co. KG", "Kaul UG (haftungsbeschränkt)",
                  "Global Supplies Ltd.", "Bousquet S.A.S.", "Au bon moulin SARL",
                  "Green & Bird PLC", "MUSTERLIEFERANT GMBH", "Tintzmann & Wagenknecht e.K.",
                  "MVM Versicherungsverein a.G.", "Acme Inc."]) == {
        "Metallbau Leipzig GmbH & Co. KG": "GmbH & Co. KG",
        "Kaul UG (haftungsbeschränkt)": "UG (haftungsbeschränkt)",
        "Global Supplies Ltd.": "Ltd", "Bousquet S.A.S.": "SAS", "Au bon moulin SARL": "SARL",
        "Green & Bird PLC": "PLC", "MUSTERLIEFERANT GMBH": "GmbH",
        "Tintzmann & Wagenknecht e.K.": "e.K.", "MVM Versicherungsverein a.G.": "a.G.",
        "Acme Inc.": "Inc."}


def test_a_form_must_end_a_name() -> None:
    assert forms(["Die AG liefert am Montag", "AG", "Tagesgeld sa", "Registergericht: KG"]) == {}
    assert forms(["Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld"]) == {
        "Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld": "GmbH"}


def test_person_addressees_and_contact_lines() -> None:
    lines = place([(55, 100, "Herrn Max Mustermann"), (55, 113, "Mme Claire Dubois"),
                   (55, 126, "Mr John Smith"), (55, 139, "z. Hd. Frau Anna Berger"),
                   (55, 152, "Attn: Jane Doe"), (55, 165, "Herrn Müller GmbH"),
                   (55, 178, "Frau 12")])
    forms_ = names.legal_form_validate(names.legal_form_normalise(
        *(names.legal_form_candidates(lines, lang=lang) for lang in ("de", "en", "fr", "intl"))))
    persons = names.person_context(lines, names.person_validate(names.person_normalise(
        *(names.person_candidates(lines, lang=lang) for lang in ("de", "en", "fr")),
        names.person_contact(lines)), forms_), forms_)
    found = {p.name: p.contact for p in persons.values()}
    assert found == {"Max Mustermann": False, "Claire Dubois": False, "John Smith": False,
                     "Anna Berger": True, "Jane Doe": True}


def test_a_person_under_a_company_name_is_its_contact() -> None:
    lines = place([(55, 100, "Papierflieger GmbH"), (55, 113, "Herrn Max Müller"),
                   (300, 100, "Frau Erika Muster")])
    forms_ = names.legal_form_validate(names.legal_form_normalise(
        *(names.legal_form_candidates(lines, lang=lang) for lang in ("de", "en", "fr", "intl"))))
    persons = names.person_context(lines, names.person_validate(names.person_normalise(
        *(names.person_candidates(lines, lang=lang) for lang in ("de", "en", "fr")),
        names.person_contact(lines)), forms_), forms_)
    assert {p.name: p.contact for p in persons.values()} == {"Max Müller": True,
                                                             "Erika Muster": False}
