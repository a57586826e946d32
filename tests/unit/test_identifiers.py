"""Identifier checksums: known real-world-format examples plus property tests."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cosy.identifiers import (
    IBAN_LENGTHS,
    bic_is_valid,
    format_iban,
    iban_is_valid,
    make_iban,
    make_vat_id,
    normalize_identifier,
    vat_id_is_valid,
)

VALID_IBANS = [
    "DE89370400440532013000",
    "DE89 3704 0044 0532 0130 00",
    "DE88200800000970375700",
    "AT611904300234573201",
    "CH9300762011623852957",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "BE68539007547034",
    "IT60X0542811101000000123456",
    "ES9121000418450200051332",
    "LU280019400644750000",
    "GB29NWBK60161331926819",
    "PL61109010140000071219812874",
    "DK5000400440116243",
    "SE4550000000058398257466",
]

INVALID_IBANS = [
    "DE89370400440532013001",  # one digit changed
    "DE8937040044053201300",  # too short
    "XX89370400440532013000",  # unknown country
    "DE8937040044053201300A",
    "",
]

VALID_VAT_IDS = [
    "DE136695976",
    "DE 136 695 976",
    "ATU13585627",
    "BE0411905847",
    "FR40303265045",
    "IT00743110157",
    "NL004495445B01",
    "LU26375245",
    "DK13585628",
    "PL8567346215",
    "SE556188840401",
    "CHE-116.281.710 MWST",
]

INVALID_VAT_IDS = [
    "DE136695977",  # wrong check digit
    "DE12345678",  # too short
    "ATU13585628",
    "BE0411905848",
    "FR41303265045",
    "IT00743110158",
    "NL004495446B01",
    "XY123456789",
    "",
]


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_known_ibans_are_valid(iban: str) -> None:
    assert iban_is_valid(iban)


@pytest.mark.parametrize("iban", INVALID_IBANS)
def test_broken_ibans_are_invalid(iban: str) -> None:
    assert not iban_is_valid(iban)


def test_make_and_format_iban() -> None:
    assert make_iban("DE", "370400440532013000") == "DE89370400440532013000"
    assert format_iban("de89370400440532013000") == "DE89 3704 0044 0532 0130 00"


@pytest.mark.parametrize("vat_id", VALID_VAT_IDS)
def test_known_vat_ids_are_valid(vat_id: str) -> None:
    assert vat_id_is_valid(vat_id)


@pytest.mark.parametrize("vat_id", INVALID_VAT_IDS)
def test_broken_vat_ids_are_invalid(vat_id: str) -> None:
    assert not vat_id_is_valid(vat_id)


def test_format_only_check_accepts_sample_ids() -> None:
    # Specimen invoices print IDs like these; they have the right shape but wrong check digits.
    assert not vat_id_is_valid("DE123456789")
    assert vat_id_is_valid("DE123456789", checksum=False)
    assert vat_id_is_valid("FR 32 123 456 789", checksum=False)


@pytest.mark.parametrize(
    ("bic", "ok"),
    [
        ("COBADEFFXXX", True),
        ("BYLADEM1001", True),
        ("DEUTDEFF", True),
        ("deut de ff 500", True),
        ("DEUTDEF", False),
        ("DEU1DEFF", False),
        ("DEUTDEFF5000", False),
    ],
)
def test_bic(bic: str, ok: bool) -> None:
    assert bic_is_valid(bic) is ok


def test_normalize_identifier() -> None:
    assert normalize_identifier(" de 136-695.976 ") == "DE136695976"


_EU = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE",
       "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]  # fmt: skip


@pytest.mark.parametrize("country", [*_EU, "GB", "XI", "CH", "GR"])
def test_make_vat_id_is_valid(country: str) -> None:
    rng = random.Random(country)
    for _ in range(50):
        assert vat_id_is_valid(make_vat_id(country, rng))


_IBAN_COUNTRIES = sorted(IBAN_LENGTHS)


@settings(max_examples=300, deadline=None)
@given(
    country=st.sampled_from(_IBAN_COUNTRIES),
    seed=st.integers(min_value=0, max_value=2**32),
    pos=st.integers(min_value=0, max_value=40),
    delta=st.integers(min_value=1, max_value=9),
)
def test_iban_property(country: str, seed: int, pos: int, delta: int) -> None:
    rng = random.Random(seed)
    bban = "".join(rng.choice("0123456789") for _ in range(IBAN_LENGTHS[country] - 4))
    iban = make_iban(country, bban)
    assert iban_is_valid(iban)
    assert iban_is_valid(format_iban(iban))
    # Mod 97 catches every single-digit substitution.
    digit_positions = [i for i, ch in enumerate(iban) if ch.isdigit() and i >= 2]
    i = digit_positions[pos % len(digit_positions)]
    changed = iban[:i] + str((int(iban[i]) + delta) % 10) + iban[i + 1 :]
    assert not iban_is_valid(changed)


@settings(max_examples=200, deadline=None)
@given(country=st.sampled_from([*_EU, "CH"]), seed=st.integers(min_value=0, max_value=2**32))
def test_vat_id_property(country: str, seed: int) -> None:
    vat_id = make_vat_id(country, random.Random(seed))
    assert vat_id_is_valid(vat_id)
    assert vat_id_is_valid(" ".join(vat_id))  # print forms with spaces normalise away


def test_ocr_look_alikes_in_an_iban_are_repaired_only_where_mod_97_agrees() -> None:
    from cosy import identifiers as ids

    assert ids.iban_ocr_repair("DE89 37O4 0044 OS32 Ol30 00") == "DE89370400440532013000"
    assert ids.iban_ocr_repair("DE89370400440532013000 BIC") is None  # nothing to repair
    assert ids.iban_ocr_repair("DE89 37O4 0044 OS32 Ol30 01") is None  # repaired, fails mod 97
    # a French account number holds letters: nothing there is taken for a misread digit
    assert ids.iban_ocr_repair("FR76 3000 6000 O112 3456 7890 189") is None
    assert ids.iban_ocr_repair("DE89 37O4") is None  # too short for its country
    # a letter in a German account number is a misread digit, even where mod 97 happens to pass
    assert not ids.iban_is_valid("DE8937O40044OS32OL3000")
