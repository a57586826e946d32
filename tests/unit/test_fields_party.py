"""Address blocks and party roles on synthetic layouts: headings, sender line, address window."""

from __future__ import annotations

from cosy.domain import Line, Word
from cosy.steps.fields import party
from cosy.steps.layout import lines as layout_lines

GEOMETRY = {"width": 595.0, "height": 842.0}


def place(rows: list[tuple[float, float, str]]) -> list[Line]:
    """Lines from (x, y, text) placements."""
    words = []
    for x, y, text in rows:
        for token in text.split():
            width = 5.0 * len(token)
            words.append(Word(token, x, y, x + width, y + 9.0, 9.0))
            x += width + 3.0
    return layout_lines(words)


def test_labelled_sections_give_roles_and_names() -> None:
    ls = place([(70, 160, "Verkäufer"), (70, 178, "Name:"), (261, 178, "Lieferant GmbH"),
                (70, 196, "Anschrift:"), (261, 196, "Lieferantenstraße 20"),
                (261, 214, "DE 80333 München"),
                (70, 280, "Käufer/Leistungsempfänger"), (70, 298, "Name:"),
                (261, 298, "Kunden AG Mitte"), (70, 316, "Anschrift:"),
                (261, 316, "Kundenstraße 15"), (261, 334, "DE 69876 Frankfurt")])
    found = party.select_parties(party.party_candidates(ls, 1, GEOMETRY))
    assert found["seller_name"].value == "Lieferant GmbH"
    assert found["buyer_name"].value == "Kunden AG Mitte"
    assert found["seller_address"].value == {"street": "Lieferantenstraße 20",
                                             "postal_code": "80333", "city": "München",
                                             "country": "DE"}


def test_sender_line_is_seller_and_window_is_buyer() -> None:
    ls = place([(55, 138, "Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld · Deutschland"),
                (55, 165, "Papierflieger-Vertriebs-GmbH"), (55, 178, "Helga Musterfrau"),
                (55, 191, "Rabattstr. 25"), (55, 204, "34567 Osterhausen"),
                (55, 218, "Deutschland")])
    found = party.select_parties(party.party_candidates(ls, 1, GEOMETRY))
    assert found["seller_name"].value == "Kraxi GmbH"
    assert found["seller_address"].value["postal_code"] == "12345"
    assert found["buyer_name"].value == "Papierflieger-Vertriebs-GmbH"
    assert found["buyer_address"].value["country"] == "DE"


def test_delivery_address_is_neither_party() -> None:
    ls = place([(37, 124, "Delivery Address"), (37, 141, "Me gusta olive"),
                (37, 153, "87 camino de la calor"), (37, 165, "41700 Dos Hermanas")])
    blocks = party.party_candidates(ls, 1, GEOMETRY)
    assert [b.hint for b in blocks] == ["other"]
    assert party.select_parties(blocks) == {}


def test_street_with_house_number_first_is_not_a_postcode() -> None:
    assert party._postcode_city("1242 chemin de l'olive") is None
    assert party._postcode_city("GB SW1B 3BN London")["pc"] == "SW1B 3BN"  # type: ignore[index]


def test_party_role_words() -> None:
    assert party.party_role("Verkäufer") == "seller"
    assert party.party_role("Käufer/Leistungsempfänger") == "buyer"
    assert party.party_role("Abweichender Warenempfänger") == "other"
    assert party.party_role("Steuerbevollmächtigter des Verkäufers") == "other"
    assert party.heading_role("Lieferant GmbH") is None
