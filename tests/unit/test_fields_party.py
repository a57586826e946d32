"""Address blocks and party roles on synthetic layouts: headings, sender line, address window."""

from __future__ import annotations

from cosy.domain import Line, Word
from cosy.steps.fields import party_words as party
from cosy.steps.fields.party.address import parse_city_line
from cosy.steps.fields.party.model import PartyBlock
from cosy.steps.layout import lines as layout_lines
from tests.stages import party_blocks, select_parties


def place(rows: list[tuple[float, float, str]], size: float = 9.0) -> list[Line]:
    """Lines from (x, y, text) placements."""
    words = []
    for x, y, text in rows:
        for token in text.split():
            width = 5.0 * len(token)
            words.append(Word(token, x, y, x + width, y + size, size))
            x += width + 3.0
    return layout_lines(words)


def blocks(rows: list[tuple[float, float, str]]) -> list[PartyBlock]:
    return party_blocks(place(rows))[0]


def test_labelled_sections_give_roles_and_names() -> None:
    found = select_parties(blocks([
        (70, 160, "Verkäufer"), (70, 178, "Name:"), (261, 178, "Lieferant GmbH"),
        (70, 196, "Anschrift:"), (261, 196, "Lieferantenstraße 20"),
        (261, 214, "DE 80333 München"),
        (70, 280, "Käufer/Leistungsempfänger"), (70, 298, "Name:"),
        (261, 298, "Kunden AG Mitte"), (70, 316, "Anschrift:"),
        (261, 316, "Kundenstraße 15"), (261, 334, "DE 69876 Frankfurt")]))
    assert found["seller_name"].value == "Lieferant GmbH"
    assert found["seller_legal_form"].value == "GmbH"
    assert found["buyer_name"].value == "Kunden AG Mitte"
    assert found["seller_address"].value == {"street": "Lieferantenstraße 20",
                                             "postal_code": "80333", "city": "München",
                                             "country": "DE"}


def test_sender_line_is_seller_and_window_is_buyer() -> None:
    found = select_parties(blocks([
        (55, 138, "Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld · Deutschland"),
        (55, 165, "Papierflieger-Vertriebs-GmbH"), (55, 178, "Helga Musterfrau"),
        (55, 191, "Rabattstr. 25"), (55, 204, "34567 Osterhausen"), (55, 218, "Deutschland")]))
    assert found["seller_name"].value == "Kraxi GmbH"
    assert found["seller_legal_form"].value == "GmbH"
    assert found["seller_address"].value["postal_code"] == "12345"
    assert found["buyer_name"].value == "Papierflieger-Vertriebs-GmbH"
    assert found["buyer_address"].value["country"] == "DE"
    assert found["buyer_address"].value["street"] == "Rabattstr. 25"


def test_order_letterhead_is_the_buyer() -> None:
    rows = [(55, 138, "Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld"),
            (55, 165, "Papierflieger AG"), (55, 178, "Rabattstr. 25"),
            (55, 191, "34567 Osterhausen")]
    found = select_parties(blocks(rows), "order")
    assert found["buyer_name"].value == "Kraxi GmbH"
    assert found["seller_name"].value == "Papierflieger AG"


def test_delivery_address_is_neither_party() -> None:
    found = blocks([(37, 124, "Delivery Address"), (37, 141, "Me gusta olive"),
                    (37, 153, "87 camino de la calor"), (37, 165, "41700 Dos Hermanas")])
    assert [b.hint for b in found] == ["other"]
    assert select_parties(found) == {}


def test_person_addressee_names_a_private_buyer() -> None:
    found = select_parties(blocks([
        (55, 138, "MVM Versicherungsverein a.G. · Hauptstraße 1 · 10115 Berlin"),
        (55, 165, "Herrn Max Mustermann"), (55, 178, "Musterweg 7"),
        (55, 191, "12345 Musterstadt")]))
    assert found["buyer_name"].value == "Herrn Max Mustermann"
    assert "buyer_legal_form" not in found
    assert found["seller_legal_form"].value == "a.G."


def test_contact_line_never_names_the_party() -> None:
    found = select_parties(blocks([
        (55, 138, "Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld"),
        (55, 165, "Bloch Software GmbH & Co. KG"), (55, 178, "z. Hd. Frau Anna Berger"),
        (55, 191, "Köhlerplatz 20"), (55, 204, "22537 Moers")]))
    assert found["buyer_name"].value == "Bloch Software GmbH & Co. KG"
    assert found["buyer_legal_form"].value == "GmbH & Co. KG"


def test_british_block_with_postcode_under_the_city() -> None:
    found = blocks([(55, 160, "Paynemouth Electrical Ltd"), (55, 173, "59 Brown corners"),
                    (55, 186, "Port Molly"), (55, 199, "E1 0UA"), (55, 212, "United Kingdom")])
    assert len(found) == 1
    b = found[0]
    assert (b.postal_code, b.city, b.country, b.street) == ("E1 0UA", "Port Molly", "GB",
                                                          "59 Brown corners")
    assert (b.name, b.legal_form) == ("Paynemouth Electrical Ltd", "Ltd")


def test_street_with_house_number_first_is_not_a_postcode() -> None:
    assert parse_city_line("1242 chemin de l'olive") is None
    assert parse_city_line("GB SW1B 3BN London")["pc"] == "SW1B 3BN"  # type: ignore[index]


def test_party_role_words() -> None:
    assert party.party_role("Verkäufer") == "seller"
    assert party.party_role("Käufer/Leistungsempfänger") == "buyer"
    assert party.party_role("Abweichender Warenempfänger") == "other"
    assert party.party_role("Steuerbevollmächtigter des Verkäufers") == "other"
    assert party.party_role("Adresse de livraison") == "other"
    assert party.heading_role("Lieferant GmbH") is None
    assert party.heading_role("BUYER: ACME SA") == ("buyer", "ACME SA")
    assert party.heading_role("Kunde: 4711") is None
