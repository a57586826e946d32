"""Identifier checksums: IBAN, BIC and EU VAT IDs.

This is the one place in the project that knows the check-digit rules, so that the document
generator (which must print valid identifiers) and the extraction steps (which validate what they
find on a page) cannot drift apart. Everything here is pure and cheap: no I/O, no state.
"""

from __future__ import annotations

import random
import re
import string

__all__ = [
    "IBAN_LENGTHS",
    "VAT_COUNTRIES",
    "bic_is_valid",
    "format_iban",
    "iban_is_valid",
    "make_iban",
    "make_vat_id",
    "normalize_identifier",
    "vat_id_is_valid",
]

# --- normalisation -------------------------------------------------------------------------------

_STRIP = re.compile(r"[\s.\-\u00a0\u2009\u202f]+")


def normalize_identifier(s: str) -> str:
    """Upper-case and drop spaces, dots and dashes: identifiers are printed in many groupings."""
    return _STRIP.sub("", s).upper()


# --- IBAN ----------------------------------------------------------------------------------------

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
    "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30,
    "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip
"""Total IBAN length per country (SWIFT IBAN registry)."""

OCR_DIGITS = str.maketrans("ODQILZSGB", "000112568")
"""Letters OCR reads for digits (O for 0, I or l for 1, S for 5, B for 8 …), as a table."""
NUMERIC_BBAN = frozenset({"AT", "BE", "CZ", "DE", "DK", "EE", "ES", "FI", "HR", "HU", "LT", "NO",
                          "PL", "PT", "SE", "SI", "SK"})
"""Countries whose account number in the IBAN (BBAN) is digits only (SWIFT IBAN registry)."""


_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")


def _alnum_to_digits(s: str) -> str:
    """Letters become two-digit numbers (A=10 … Z=35), as ISO 13616 and ISO 7064 mod 97 want."""
    return "".join(str(int(ch, 36)) for ch in s)


def mod97_check_digits(chars: str) -> int:
    """ISO 7064 Mod 97-10 check digits of ``chars`` (letters as A=10 … Z=35): what an IBAN, a
    SEPA creditor identifier and a German Leitweg-ID append."""
    return 98 - int(_alnum_to_digits(chars.upper() + "00")) % 97


def _iban_remainder(country: str, check: str, bban: str) -> int:
    return int(_alnum_to_digits(bban + country + check)) % 97


def iban_is_valid(s: str) -> bool:
    """True for a well-formed IBAN of a known length whose mod-97 remainder is 1 (and whose
    account number is digits where its country's is: a letter there is a misread digit)."""
    iban = normalize_identifier(s)
    if not _IBAN_RE.match(iban):
        return False
    length = IBAN_LENGTHS.get(iban[:2])
    if length is None or len(iban) != length:
        return False
    if iban[:2] in NUMERIC_BBAN and not iban[4:].isdigit():
        return False
    return _iban_remainder(iban[:2], iban[2:4], iban[4:]) == 1


def iban_ocr_repair(s: str) -> str | None:
    """The IBAN that ``s`` starts with, where OCR read some of its digits as look-alike letters:
    only in a country whose account number is digits only, and only if the repaired IBAN
    passes mod 97 (a wrong repair passes with odds of 1 in 97); else None."""
    v = normalize_identifier(s)
    length = IBAN_LENGTHS.get(v[:2]) if v[:2] in NUMERIC_BBAN else None
    if length is None or len(v) < length:
        return None
    fixed = v[:2] + v[2:length].translate(OCR_DIGITS)
    return fixed if fixed != v[:length] and iban_is_valid(fixed) else None


def make_iban(country: str, bban: str) -> str:
    """The IBAN for a national account number (BBAN), with its two check digits computed."""
    country = country.upper()
    bban = normalize_identifier(bban)
    return f"{country}{mod97_check_digits(bban + country):02d}{bban}"


def format_iban(s: str) -> str:
    """Print form: groups of four characters, as on letterheads and bank statements."""
    iban = normalize_identifier(s)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


# --- BIC -----------------------------------------------------------------------------------------

_BIC_RE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def bic_is_valid(s: str) -> bool:
    """ISO 9362 shape: bank (4 letters), country (2 letters), location (2), optional branch (3)."""
    return bool(_BIC_RE.match(normalize_identifier(s)))


# --- VAT IDs -------------------------------------------------------------------------------------

_VAT_FORMATS: dict[str, str] = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[0-9A-HJ-NP-Z]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"\d{2,10}",
    "SE": r"\d{10}01",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    # Not EU, but printed on the same invoices with the same role.
    "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
    "GB": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
    "CHE": r"\d{9}(MWST|TVA|IVA)?",
}
_VAT_RES = {k: re.compile(f"^(?:{v})$") for k, v in _VAT_FORMATS.items()}
VAT_COUNTRIES: tuple[str, ...] = (*(k for k in _VAT_FORMATS if k != "CHE"), "CH")


def _mod11_10(digits: str) -> int:
    """ISO 7064 MOD 11,10 check digit (German USt-IdNr., Croatian OIB)."""
    product = 10
    for ch in digits:
        total = (int(ch) + product) % 10
        if total == 0:
            total = 10
        product = (2 * total) % 11
    check = 11 - product
    return 0 if check == 10 else check


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _luhn_digit(digits: str) -> int:
    for d in range(10):
        if _luhn_ok(digits + str(d)):
            return d
    raise AssertionError("unreachable")


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def _at_check(d: str) -> int:
    total = 0
    for i, ch in enumerate(d[:7]):
        v = int(ch)
        if i % 2 == 1:
            v *= 2
            v = v // 10 + v % 10
        total += v
    return (10 - (total + 4) % 10) % 10


def _fr_key(siren: str) -> int:
    return (12 + 3 * (int(siren) % 97)) % 97


def _nl_old_ok(n: str) -> bool:
    rest = _weighted(n[:8], (9, 8, 7, 6, 5, 4, 3, 2)) % 11
    return rest != 10 and rest == int(n[8])


def _nl_new_ok(n: str) -> bool:
    # Since 2020 sole proprietors get an "omzetbelastingidentificatienummer" checked with
    # ISO 7064 mod 97 over the full string NL…B.., letters as A=10 … Z=35.
    return int(_alnum_to_digits("NL" + n)) % 97 == 1


def _check_digits_ok(cc: str, n: str) -> bool:
    """Country-specific check digits; True where the country defines none we implement."""
    if cc == "DE":
        return n[0] != "0" and _mod11_10(n[:8]) == int(n[8])
    if cc == "HR":
        return _mod11_10(n[:10]) == int(n[10])
    if cc == "AT":
        return _at_check(n[1:]) == int(n[8])
    if cc == "BE":
        return 97 - int(n[:8]) % 97 == int(n[8:])
    if cc == "FR":
        if not n[:2].isdigit():
            return True  # new-style alphanumeric keys have no public check
        return _fr_key(n[2:]) == int(n[:2])
    if cc == "IT":
        return _luhn_ok(n)
    if cc == "NL":
        return _nl_old_ok(n) or _nl_new_ok(n)
    if cc == "LU":
        return int(n[:6]) % 89 == int(n[6:])
    if cc == "DK":
        return _weighted(n, (2, 7, 6, 5, 4, 3, 2, 1)) % 11 == 0
    if cc == "FI":
        r = _weighted(n[:7], (7, 9, 10, 5, 8, 4, 2)) % 11
        return r != 1 and (0 if r == 0 else 11 - r) == int(n[7])
    if cc == "PL":
        r = _weighted(n[:9], (6, 5, 7, 2, 3, 4, 5, 6, 7)) % 11
        return r != 10 and r == int(n[9])
    if cc == "PT":
        r = 11 - _weighted(n[:8], (9, 8, 7, 6, 5, 4, 3, 2)) % 11
        return (0 if r >= 10 else r) == int(n[8])
    if cc == "SE":
        return _luhn_ok(n[:10])
    if cc == "SK":
        return int(n) % 11 == 0
    if cc == "SI":
        r = 11 - _weighted(n[:7], (8, 7, 6, 5, 4, 3, 2)) % 11
        return r != 11 and (0 if r == 10 else r) == int(n[7])
    if cc == "CHE":
        r = 11 - _weighted(n[:8], (5, 4, 3, 2, 7, 6, 5, 4)) % 11
        return r != 10 and (0 if r == 11 else r) == int(n[8])
    return True


def vat_id_is_valid(s: str, *, checksum: bool = True) -> bool:
    """True for a VAT ID in its country's format and, if ``checksum``, with valid check digits.

    Accepts the usual print forms (``DE 136 695 976``, ``ATU13585627``, ``CHE-123.456.788 MWST``).
    ``checksum=False`` checks the format only: sample documents and test data often print
    made-up IDs such as DE123456789 that a reader should still recognise as VAT IDs.
    """
    v = normalize_identifier(s)
    if v.startswith("CHE"):
        cc, n = "CHE", v[3:]
    else:
        cc, n = v[:2], v[2:]
        if cc == "GR":
            cc = "EL"
    rx = _VAT_RES.get(cc)
    if rx is None or not rx.match(n):
        return False
    if not checksum:
        return True
    if cc == "CHE":
        n = n[:9]
    return _check_digits_ok(cc, n)


def _digits(rng: random.Random, k: int, first_nonzero: bool = False) -> str:
    out = [rng.choice(string.digits) for _ in range(k)]
    if first_nonzero and k:
        out[0] = rng.choice("123456789")
    return "".join(out)


def make_vat_id(country: str, rng: random.Random) -> str:
    """A random VAT ID for ``country`` (ISO code; GR/EL and CH accepted) that passes the checks."""
    cc = country.upper()
    if cc == "GR":
        cc = "EL"
    for _ in range(1000):
        vid = _draw_vat_id(cc, rng)
        if vat_id_is_valid(vid):
            return vid
    raise ValueError(f"could not draw a VAT ID for {country!r}")  # pragma: no cover


def _draw_vat_id(cc: str, rng: random.Random) -> str:
    d = _digits
    if cc == "DE":
        body = d(rng, 8, True)
        return f"DE{body}{_mod11_10(body)}"
    if cc == "HR":
        body = d(rng, 10)
        return f"HR{body}{_mod11_10(body)}"
    if cc == "AT":
        body = d(rng, 7)
        return f"ATU{body}{_at_check(body)}"
    if cc == "BE":
        body = "0" + d(rng, 7, True)
        return f"BE{body}{97 - int(body) % 97:02d}"
    if cc == "FR":
        siren = d(rng, 8, True)
        siren += str(_luhn_digit(siren))
        return f"FR{_fr_key(siren):02d}{siren}"
    if cc == "IT":
        body = d(rng, 7, True) + f"{rng.randint(1, 100):03d}"
        return f"IT{body}{_luhn_digit(body)}"
    if cc == "NL":
        return f"NL{d(rng, 9, True)}B{rng.randint(1, 19):02d}"  # the loop keeps valid ones
    if cc == "LU":
        body = d(rng, 6, True)
        return f"LU{body}{int(body) % 89:02d}"
    if cc == "SE":
        body = d(rng, 9, True)
        return f"SE{body}{_luhn_digit(body)}01"
    if cc == "SK":
        n = rng.randint(10**9 // 11 + 1, (10**10 - 1) // 11) * 11
        return f"SK{n}"
    if cc == "CH":
        return f"CHE{d(rng, 9, True)}MWST"
    if cc in ("GB", "XI"):
        return f"{cc}{d(rng, 9, True)}"
    if cc == "CY":
        return f"CY{d(rng, 8)}{rng.choice(string.ascii_uppercase)}"
    if cc == "ES":
        return f"ES{rng.choice('ABCDEFGHJ')}{d(rng, 7)}{rng.choice(string.digits)}"
    if cc == "IE":
        return f"IE{d(rng, 7)}{rng.choice('ABCDEFGHW')}"
    if cc == "RO":
        return f"RO{d(rng, 8, True)}"
    pattern = _VAT_FORMATS.get(cc)
    m = re.match(r"^\\d\{(\d+)(?:,\d+)?\}", pattern or "")
    if m is None:
        raise ValueError(f"no VAT ID format for {cc!r}")
    # The rest are plain digit runs: draw the first alternative's length.
    return f"{cc}{d(rng, int(m.group(1)), True)}"
