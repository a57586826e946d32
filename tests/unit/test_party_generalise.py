"""Parties on layouts beyond the German letter: receipts, one-line addresses of other
countries, multi-line and legal-form names, the address window decided for both roles."""

from __future__ import annotations

from cosy.domain import Word
from cosy.steps.fields.party.address import parse_city_line
from cosy.steps.fields.party.names import continues, form_ending, header_name
from cosy.steps.fields.party_words import name_shaped, party_role
from cosy.steps.layout import group_lines
from tests.stages import GEOMETRY, select_parties
from tests.unit.test_fields_party import blocks, place


def test_city_lines_of_more_countries_and_print_styles() -> None:
    assert parse_city_line("40170 Shah Alam,")["city"] == "Shah Alam"
    found = parse_city_line("42200 Klang, Selangor.")
    assert (found["pc"], found["city"], found["state"]) == ("42200", "Klang", "Selangor")
    assert parse_city_line("75 005 Paris")["pc"] == "75005"
    assert parse_city_line("50490, Kuala Lumpur")["city"] == "Kuala Lumpur"
    found = parse_city_line("Louisville,Kentucky 40232")
    assert (found["city"], found["country"]) == ("Louisville", "US")
    assert parse_city_line("DE-80333 München, Germany")["country"] == "DE"
    assert parse_city_line("60435 Frankfurt a. M.")["city"] == "Frankfurt a. M."
    assert parse_city_line("47170 Puchong. Selangor")["city"] == "Puchong"
    assert parse_city_line("2450 RM") is None  # an amount and its currency
    assert parse_city_line("Lagerhalle 12345") is None


def test_name_lines_that_go_on_and_legal_forms_of_more_countries() -> None:
    assert continues("HOME & GARDEN SUPPLIES &", "ELECTRICAL")
    assert continues("Chickenland Malaysia", "Sdn Bhd")
    assert not continues("Max Mustermann", "Einkauf")
    assert form_ending("Roasted Delights Sdn. Bhd.") == "Sdn. Bhd."
    assert form_ending("Acme Pte. Ltd.") == "Pte. Ltd."
    assert form_ending("GmbH") is None  # a form alone names no one


def test_labels_identifiers_and_sentences_are_no_names() -> None:
    assert not name_shaped("CUSTOMER NUMBER US068070001B")
    assert not name_shaped("Thank you very much for your order. We appreciate your business.")
    assert name_shaped("ABC Co. Ltd.") and name_shaped("3M Deutschland GmbH")


def test_receipt_header_is_the_seller_with_its_legal_name() -> None:
    found = select_parties(blocks([
        (120, 40, "Corner Bakery"), (70, 60, "Sunrise Foods Sdn Bhd"), (110, 75, "(123456-A)"),
        (90, 90, "Lot 12, Jalan Mawar 3,"), (95, 105, "47100 Puchong,"), (110, 120, "Selangor"),
        (60, 140, "GST Reg No: 000123456789"), (110, 170, "TAX INVOICE"),
        (30, 200, "Total 12.00")]))
    assert found["seller_name"].value == "Sunrise Foods Sdn Bhd"
    assert found["seller_address"].value["postal_code"] == "47100"
    assert found["seller_address"].value["street"].startswith("Lot 12, Jalan Mawar 3")
    assert "buyer_name" not in found


def test_name_over_two_lines_with_a_connective() -> None:
    found = select_parties(blocks([
        (80, 40, "HOME & GARDEN HARDWARE &"), (120, 55, "ELECTRICAL"),
        (60, 70, "No. 5, Jalan Setia 2,"), (90, 85, "40170 Shah Alam,")]))
    assert found["seller_name"].value == "HOME & GARDEN HARDWARE & ELECTRICAL"


def test_a_lone_window_block_is_the_addressee_not_the_writer() -> None:
    found = select_parties(blocks([
        (70, 60, "Northwind Design Associates"), (400, 60, "INVOICE"),
        (70, 170, "Fabrikam Tobacco Corp."), (70, 185, "1600 West Hill Street"),
        (70, 200, "Louisville, Kentucky 40232"),
        (70, 300, "Round trip airfare"), (450, 300, "Balance due 350.50")]))
    assert found["buyer_name"].value == "Fabrikam Tobacco Corp."
    assert "seller_address" not in found


def test_one_line_address_with_a_house_number_first_has_no_name() -> None:
    found = blocks([(60, 60, "75, Jalan SS 22/19, Damansara Jaya, 47400 Petaling Jaya.")])
    assert [b.name for b in found] == [None]
    assert found[0].street == "75, Jalan SS 22/19, Damansara Jaya"


def _word(text: str, x0: float, top: float, height: float = 10.0) -> Word:
    return Word(text, x0, top, x0 + 6.0 * len(text), top + height, height)


def test_lines_do_not_chain_or_interleave() -> None:
    skewed = [_word("Alpha", 10, 100), _word("Beta", 60, 104), _word("Gamma", 110, 108),
              _word("Delta", 160, 112), _word("Epsilon", 210, 116)]
    assert max(len(row) for row in group_lines(skewed)) < 5  # no one line from a slope
    photo = [_word("LIGHTROOM", 80, 38), _word("GALLERY", 140, 38),
             _word("No:", 85, 44), _word("28,", 110, 44)]  # two lines that overlap in y
    rows = group_lines(photo)
    assert [" ".join(w.text for w in row) for row in rows] == ["LIGHTROOM GALLERY", "No: 28,"]


def test_city_lines_with_a_state_that_names_the_country() -> None:
    assert parse_city_line("Surry Hills NSW 2010")["country"] == "AU"
    assert parse_city_line("Toronto, ON M5V 2T6")["country"] == "CA"
    assert parse_city_line("Bengaluru, Karnataka 560001")["pc"] == "560001"
    assert parse_city_line("Invoice-581355") is None  # a document number, not a PIN code
    assert parse_city_line("Singapore 018956")["country"] == "SG"
    assert parse_city_line("Invoice 123456") is None  # a number after a word is no PIN code
    assert parse_city_line("Order No 400001") is None


def _side_by_side(left: list[str], right: list[str]) -> list[tuple[float, float, str]]:
    """Two address columns under their headings, a line every 12 pt."""
    return [(x, 125 + 12 * k, text) for x, column in ((68, left), (304, right))
            for k, text in enumerate(column)]


def test_two_headings_side_by_side_each_head_their_column() -> None:
    """'Émetteur: | Client:': the right heading is the buyer's, never the buyer's name."""
    found = select_parties(blocks(_side_by_side(
        ["Émetteur:", "Lemaire & Rivière EURL", "45, rue Louis Neveu", "47316 Carlier"],
        ["Client:", "Henri Navarro", "90, rue Anaïs Perez", "53988 Saint Chantal"])))
    assert found["seller_name"].value == "Lemaire & Rivière EURL"
    assert found["buyer_name"].value == "Henri Navarro"


def test_recipient_headings_and_a_colon_label_are_no_names() -> None:
    found = select_parties(blocks(_side_by_side(
        ["Lieferant:", "Rogner Logistik e.K.", "Hugo-Hein-Ring 7", "41425 Monschau"],
        ["Rechnung an:", "Heinz-Peter Kusch", "Yusuf-Mentzel-Gasse 40", "13304 Mühldorf am Inn"])))
    assert found["buyer_name"].value == "Heinz-Peter Kusch"
    alone = select_parties(blocks([
        (57, 154, "Empfänger"), (300, 154, "Datum"), (57, 167, "Siegbert Adler"),
        (57, 180, "Nora-Vogt-Platz 37"), (57, 192, "92353 Wismar")]))
    assert alone["buyer_name"].value == "Siegbert Adler"


def test_a_region_the_city_line_repeats_is_no_name() -> None:
    found = blocks([(60, 60, "Pahang, 69000 Pahang Malaysia")])
    assert [b.name for b in found] == [None]


def test_a_street_that_starts_on_the_line_above_its_city_line() -> None:
    found = select_parties(blocks([
        (150, 35, "ASIA MART"), (90, 62, "NO.23 BATU 10, TAMAN SENTOSA."),
        (70, 76, "JALAN KAPAR, 42200 KLANG, SELANGOR."), (130, 116, "GST ID: 001609584640")]))
    assert found["seller_address"].value["street"] == "NO.23 BATU 10, TAMAN SENTOSA, JALAN KAPAR"
    assert found["seller_name"].value == "ASIA MART"


def test_contact_and_consumption_headings_name_no_party_of_the_invoice() -> None:
    assert party_role("Par courrier") == "other" and party_role("By post") == "other"
    assert party_role("Lieu de consommation") == "other"
    assert party_role("Verbrauchsstelle") == "other"
    assert party_role("Service address") == "other"


def _header(top: list[tuple[float, float, str]], size: float) -> str | None:
    body = [(70, 200 + 12 * k, f"line {k} of body text") for k in range(12)]
    lines = sorted(place(top, size) + place(body), key=lambda ln: ln.words[0].top)
    found = header_name(lines, GEOMETRY)
    return found.text if found is not None else None


def test_a_name_set_off_at_the_top_is_the_writer_without_a_legal_form() -> None:
    assert _header([(120, 60, "Stanford Plumbing & Heating"), (450, 60, "INVOICE")], 11) \
        == "Stanford Plumbing & Heating"
    assert _header([(40, 20, "Maison Jeanne d'Arc, Place de Gaulle")], 11) \
        == "Maison Jeanne d'Arc"
    assert _header([(40, 20, "3 180048"), (40, 40, "Corner Bakery")], 11) == "Corner Bakery"


def test_no_header_name_from_body_type_logos_titles_or_labels() -> None:
    assert _header([(120, 60, "Stanford Plumbing & Heating")], 9) is None  # body type
    assert _header([(230, 50, "O ffic e D E P o T")], 20) is None  # a logo's spaced letters
    assert _header([(120, 60, "INVOICE")], 14) is None
    assert _header([(120, 60, "Bill To")], 14) is None
    assert _header([(120, 60, "Smith, Jones and Partners")], 14) is None  # a comma, no street


def test_a_street_that_goes_on_under_its_unit_line() -> None:
    found = select_parties(blocks([
        (64, 236, "Nando's Chickenland Malaysia Sdn Bhd"),
        (63, 298, "Unit G-13, Ground Floor, No.1"),
        (96, 319, "Jln Kiara, Mont Kiara"), (102, 340, "50480 Kuala Lumpur")]))
    assert found["seller_address"].value["street"] == \
        "Unit G-13, Ground Floor, No.1, Jln Kiara, Mont Kiara"
    plain = select_parties(blocks([(70, 100, "Lieferant GmbH"), (70, 112, "Musterstraße 12"),
                                   (70, 124, "Hinterhaus"), (70, 136, "12345 Berlin")]))
    assert plain["seller_address"].value["street"] == "Musterstraße 12"  # no street word below


def test_an_american_state_and_zip_under_the_city() -> None:
    assert parse_city_line("NY 10022") is None  # 'NY' is no city: the city stands above
    found = blocks([(606, 164, "133 EAST 54TH ST"), (629, 179, "NEW YORK"), (629, 191, "NY 10022")])
    assert [(b.street, b.city, b.postal_code, b.country) for b in found] == [
        ("133 EAST 54TH ST", "NEW YORK", "10022", "US")]


def test_city_lines_with_a_glued_postcode_or_a_state_or_country_without_a_comma() -> None:
    found = parse_city_line("47300PJ")  # OCR lost the space between postcode and city
    assert (found["pc"], found["city"]) == ("47300", "PJ")
    found = parse_city_line("81200 Johor Bahru Johor Darul Takzim")
    assert (found["city"], found["state"]) == ("Johor Bahru", "Johor Darul Takzim")
    found = parse_city_line("31400 IPOH PERAK, MALAYSIA")
    assert (found["city"], found["country"]) == ("IPOH", "MY")
    found = parse_city_line("26600 Pekan Pahang Malaysia")
    assert (found["city"], found["country"]) == ("Pekan Pahang", "MY")
    found = parse_city_line("10115 Berlin Deutschland")
    assert (found["city"], found["country"]) == ("Berlin", "DE")
    assert parse_city_line("20000 Kuala Terengganu")["city"] == "Kuala Terengganu"  # its name
    assert parse_city_line("12345abc") is None  # letters glued in lower case: a code
    assert parse_city_line("Lagerhalle 12345") is None


def test_a_postcode_that_ends_its_line_takes_the_city_of_the_next() -> None:
    """A narrow receipt wraps its city line after the postcode: the district and the postcode
    end one line, the city and its state start the next."""
    found = select_parties(blocks([
        (90, 40, "PELITA LAMPU SDN BHD"), (100, 55, "No: 7, JALAN MERANTI 3,"),
        (95, 70, "TAMAN SRI MUDA, 40400"), (90, 85, "SHAH ALAM SELANGOR D.E, MALAYSIA"),
        (100, 100, "GST No.: 000123456789"), (120, 130, "TAX INVOICE")]))
    address = found["seller_address"].value
    assert (address["street"], address["postal_code"], address["city"], address["country"]) == (
        "No: 7, JALAN MERANTI 3", "40400", "SHAH ALAM", "MY")
    assert found["seller_name"].value == "PELITA LAMPU SDN BHD"
    # without a street above it, a number after a comma is no postcode
    assert blocks([(90, 40, "Table 4, Guests 2"), (95, 55, "Order, 40400"),
                   (90, 70, "Thank you")]) == []


def test_a_letterhead_name_above_its_registration_numbers_and_street() -> None:
    """A receipt prints name, company and tax numbers, street, then a city line that holds no
    street ('Perak, 31400 Perak Malaysia'): the street is the line above, the name the line
    above the numbers."""
    found = select_parties(blocks([
        (90, 40, "Kedai Runcit Cahaya Sdn Bhd"), (100, 55, "Company No : 123456-K"),
        (100, 70, "GST Reg No : 0001 2345 6789"), (80, 85, "Lot 7, Jalan Bunga Raya 2"),
        (95, 100, "Perak, 31400 Perak Malaysia"), (120, 130, "Guest Check")]))
    address = found["seller_address"].value
    assert (address["street"], address["postal_code"], address["country"]) == (
        "Lot 7, Jalan Bunga Raya 2", "31400", "MY")
    assert found["seller_name"].value == "Kedai Runcit Cahaya Sdn Bhd"
    # a labelled field that is no number ends the search: no name
    found = select_parties(blocks([
        (90, 40, "Kedai Runcit Cahaya Sdn Bhd"), (100, 55, "Cashier : Aminah"),
        (80, 85, "Lot 7, Jalan Bunga Raya 2"), (95, 100, "Perak, 31400 Perak Malaysia")]))
    assert "seller_name" not in found


def test_irish_eircodes_and_indian_pin_codes() -> None:
    found = parse_city_line("Dublin 2 D02 X285")
    assert (found["city"], found["pc"], found["country"]) == ("Dublin 2", "D02 X285", "IE")
    assert parse_city_line("Leeds LS1 4AP")["country"] == "GB"  # a British postcode stays
    found = blocks([(60, 100, "Nimbus Hosting Limited"), (60, 113, "4 Harbour Road"),
                    (60, 126, "Cork T12 K8N2")])
    assert [(b.street, b.city, b.postal_code, b.country) for b in found] == [
        ("4 Harbour Road", "Cork", "T12 K8N2", "IE")]
    found = blocks([(60, 100, "Veda Cloud Pvt Ltd"), (60, 113, "H.No. 12, Lake Road"),
                    (60, 126, "Pune - 411001")])
    assert [(b.street, b.city, b.postal_code, b.country) for b in found] == [
        ("H.No. 12, Lake Road", "Pune", "411001", "IN")]
    # a word, a dash and six digits under no street is a document number, not a city
    assert blocks([(60, 100, "Tax Invoice"), (60, 113, "Invoice - 581355")]) == []
    found = blocks([(60, 100, "Veda Cloud Pvt Ltd · 12, Lake Road · Pune - 411001 · Tel. 020")])
    assert [(b.name, b.street, b.city, b.postal_code) for b in found] == [
        ("Veda Cloud Pvt Ltd", "12, Lake Road", "Pune", "411001")]
    assert blocks([(60, 100, "Veda Cloud Pvt Ltd · Invoice - 581355 · Tel. 020")]) == []


def test_an_american_one_line_address_with_city_state_and_zip() -> None:
    found = blocks([(60, 100, "Ridge & Vale LLC · 582 Pine Forks, Port Haven, AK 92728")])
    assert [(b.name, b.street, b.city, b.postal_code, b.country) for b in found] == [
        ("Ridge & Vale LLC", "582 Pine Forks", "Port Haven", "92728", "US")]


def test_a_shipping_address_heading_names_no_buyer() -> None:
    assert party_role("Shipping Address:") == "other"
    assert party_role("Ship to") == "other"
