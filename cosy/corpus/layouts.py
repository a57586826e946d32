"""Layouts: how a ``Doc`` is put on paper.

One renderer, many named ``Style`` presets. A preset fixes the structural choices that make real
documents look different (letterhead position and logo, DIN 5008 address window, where the info
block sits, table rules, totals placement, footer shape, font family); each document then jitters
sizes and margins a little. Everything is drawn through a :class:`~cosy.corpus.pen.Pen`, which
records the box of every field value as it is drawn.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, replace
from decimal import Decimal

from cosy.corpus.data import INVOICE_LIKE, ISSUED_BY_BUYER, WITH_PRICES, Address, Doc, Party
from cosy.corpus.fmt import NumberStyle, format_date
from cosy.corpus.pen import (
    BLACK,
    BOLD,
    ITALIC,
    REGULAR,
    RGB,
    Pen,
    is_label,
    label_of,
    trimmed,
    width,
)
from cosy.corpus.texts import Words
from cosy.domain import BBox
from cosy.domain import union_bbox as union
from cosy.identifiers import format_iban

MM = 72 / 25.4


@dataclass(frozen=True, slots=True)
class Style:
    """The structural choices of one layout."""

    name: str
    font: str = "Helvetica"
    size: float = 9.0
    margin_left: float = 25 * MM
    margin_right: float = 20 * MM
    letterhead: str = "left"  # left | right | center | band | sidebar | split
    logo: str | None = None  # circle | square | triangle | bars | ring | initials
    accent: RGB = (0.16, 0.32, 0.55)
    window: str = "B"  # DIN 5008 form A (high) or B (low)
    sender_line: bool = True
    info: str = "right"  # right | row | grid | stack | title
    table: str = "rules"  # grid | rules | zebra | plain | band
    totals: str = "right"  # right | box | table
    footer: str = "columns"  # columns | center | sidebar | two
    page_numbers: str = "footer"  # footer | header
    fold_marks: bool = True
    intro: bool = True
    title_size: float = 14.0
    item_id_col: bool = True
    tax_col: bool = False
    unit_col: bool = True
    table_currency: bool = False
    carry: bool = False
    iban_grouped: bool = True


LAYOUTS: dict[str, Style] = {
    s.name: s
    for s in [
        Style("din_classic"),
        Style("din_times", font="Times-Roman", size=10, letterhead="right", logo="ring",
              table="grid", totals="box", footer="center"),
        Style("modern_band", letterhead="band", logo="square", info="row", table="band",
              footer="columns", accent=(0.1, 0.45, 0.4), sender_line=False),
        Style("sidebar_mustang", letterhead="sidebar", logo="initials", info="stack",
              table="grid", footer="sidebar", accent=(0.85, 0.4, 0.1), fold_marks=False),
        Style("typewriter", font="Courier", size=8.5, letterhead="center", info="grid",
              table="plain", totals="table", footer="center", item_id_col=False,
              iban_grouped=False),
        Style("zebra_split", letterhead="split", logo="circle", info="right", table="zebra",
              totals="box", footer="two", tax_col=True),
        Style("form_a", window="A", letterhead="left", info="title", table="rules",
              footer="columns", logo="triangle", size=9.5),
        Style("minimal", letterhead="right", logo=None, info="stack", table="plain",
              footer="center", sender_line=False, intro=False, fold_marks=False),
        Style("grid_times", font="Times-Roman", size=10.5, letterhead="left", logo="bars",
              info="grid", table="grid", totals="table", footer="two", carry=True),
        Style("courier_rules", font="Courier", size=9, letterhead="split", info="right",
              table="rules", footer="columns", unit_col=False, item_id_col=False),
        Style("band_right", letterhead="band", logo="circle", info="right", table="rules",
              totals="box", footer="center", accent=(0.55, 0.1, 0.2), tax_col=True),
        Style("center_zebra", letterhead="center", logo="ring", info="row", table="zebra",
              footer="two", accent=(0.3, 0.3, 0.3), table_currency=True),
        Style("compact", size=8, letterhead="left", logo="square", info="right",
              table="grid", footer="columns", title_size=12, margin_left=20 * MM,
              margin_right=15 * MM, carry=True),
        Style("large", size=10.5, letterhead="right", logo="initials", info="row",
              table="rules", totals="right", footer="columns", title_size=18),
        Style("sidebar_times", font="Times-Roman", size=10, letterhead="sidebar", logo="circle",
              info="grid", table="rules", footer="sidebar", accent=(0.2, 0.2, 0.5)),
        Style("title_band", letterhead="band", logo="bars", info="title", table="band",
              totals="table", footer="two", accent=(0.2, 0.4, 0.2), item_id_col=False),
        Style("us_style", letterhead="split", logo="square", info="grid", table="band",
              totals="box", footer="center", window="A", fold_marks=False,
              table_currency=True),
        Style("times_plain", font="Times-Roman", size=9.5, letterhead="center", info="stack",
              table="plain", totals="right", footer="columns", unit_col=False, logo=None),
        Style("courier_grid", font="Courier", size=8, letterhead="left", logo="bars",
              info="row", table="grid", totals="box", footer="two", carry=True, tax_col=True),
        Style("wide_margins", size=9, letterhead="right", logo="triangle", info="right",
              table="zebra", totals="right", footer="center", margin_left=30 * MM,
              margin_right=25 * MM, page_numbers="header"),
        Style("helv_title", size=9.5, letterhead="left", logo="ring", info="title",
              table="grid", totals="right", footer="sidebar", accent=(0.4, 0.1, 0.5),
              page_numbers="header"),
        Style("dense_rules", size=8.5, letterhead="split", logo=None, info="stack",
              table="rules", totals="table", footer="columns", tax_col=True, carry=True),
    ]
}  # fmt: skip


def jitter(style: Style, rng: random.Random) -> Style:
    """Per-document variation within a layout: sizes and margins move a little."""
    return replace(
        style,
        size=round(style.size + rng.choice([-0.5, 0, 0, 0.5]), 1),
        margin_left=style.margin_left + rng.uniform(-4, 4),
        margin_right=style.margin_right + rng.uniform(-4, 4),
        title_size=style.title_size + rng.choice([-2, 0, 0, 2]),
        iban_grouped=style.iban_grouped if rng.random() < 0.85 else not style.iban_grouped,
    )


def _country_name(w: Words, cc: str) -> str:
    try:
        return w(f"country.{cc}")
    except KeyError:
        return cc


class Renderer:
    """Draws one document in one style."""

    def __init__(
        self,
        doc: Doc,
        style: Style,
        words: Words,
        numbers: NumberStyle,
        date_style: str,
        rng: random.Random,
    ) -> None:
        self.doc = doc
        self.st = style
        self.w = words
        self.ns = numbers
        self.ds = date_style
        self.rng = rng
        self.pen = Pen()
        self.font = REGULAR[style.font]
        self.bold = BOLD[style.font]
        self.italic = ITALIC[style.font]
        self.size = style.size
        self.lead = style.size * 1.3
        self.left = style.margin_left
        self.right = self.pen.page_width - style.margin_right
        self.issuer_role = "buyer" if doc.doc_type in ISSUED_BY_BUYER else "seller"
        self.recipient_role = "seller" if doc.doc_type in ISSUED_BY_BUYER else "buyer"
        self.footer_top = 0.0
        self.limit = 0.0
        self.sidebar_x = self.right - 130

    # --- small helpers ---------------------------------------------------------------------------

    def d(self, date: dt.date) -> str:
        return format_date(date, self.ds, self.w.language)

    def amount(self, value: Decimal, with_currency: bool = True) -> str:
        return self.ns.amount(value, self.doc.currency, with_currency)

    def iban(self, iban: str) -> str:
        return format_iban(iban) if self.st.iban_grouped else iban

    def inline(self, x: float, y: float, parts: list[tuple[str, str | None]], font: str,
               size: float, align: str = "left", color: RGB = BLACK) -> float:  # fmt: skip
        """Draw parts on one line; consecutive parts with the same field make one mark."""
        total = sum(width(t, font, size) for t, _ in parts)
        if align == "right":
            x -= total
        elif align == "center":
            x -= total / 2
        drawn = []
        for text, name in parts:
            bbox = self.pen.text(x, y, text, font, size, color=color)
            if is_label(name):  # a label's box and text leave out the spaces around it
                drawn.append((name, trimmed(text, bbox, font, size), text.strip()))
            else:
                drawn.append((name, bbox, text))
            x += width(text, font, size)
        self._mark_runs(drawn, "")
        return total

    def block(self, x: float, y: float, lines: list[tuple[str, str | None]], font: str,
              size: float, leading: float, align: str = "left",
              fonts: list[str] | None = None) -> float:  # fmt: skip
        """Lines one under another; consecutive lines with the same field make one mark.

        Returns the baseline after the last line.
        """
        drawn = []
        for i, (text, name) in enumerate(lines):
            f = fonts[i] if fonts else font
            drawn.append((name, self.pen.text(x, y, text, f, size, align=align), text))
            y += leading
        self._mark_runs(drawn, "\n")
        return y

    def _mark_runs(self, drawn: list[tuple[str | None, BBox, str]], sep: str) -> None:
        """One truth mark per run of consecutive pieces of the same field (unnamed: none)."""
        for name, run in itertools.groupby(drawn, key=lambda piece: piece[0]):
            if name is not None:
                pieces = list(run)
                self.pen.mark(name, union([bb for _, bb, _ in pieces]),
                              sep.join(text for _, _, text in pieces))

    @staticmethod
    def fit(text: str, font: str, size: float, max_width: float) -> float:
        """The largest size up to ``size`` at which ``text`` fits in ``max_width``."""
        w = width(text, font, size)
        if w <= max_width or w == 0:
            return size
        return max(5.0, round(size * max_width / w - 0.05, 1))

    def wrap(self, text: str, font: str, size: float, max_width: float) -> list[str]:
        out: list[str] = []
        line = ""
        for word in text.split(" "):
            cand = f"{line} {word}" if line else word
            if line and width(cand, font, size) > max_width:
                out.append(line)
                line = word
            else:
                line = cand
        out.append(line)
        return out

    def address_lines(self, party: Party, role: str, foreign: bool) -> list[tuple[str, str]]:
        a: Address = party.address
        lines = [(a.street, f"{role}_address")]
        if a.country == "GB":
            lines += [(a.city, f"{role}_address"), (a.postcode, f"{role}_address")]
        else:
            lines.append((a.city_line(), f"{role}_address"))
        if foreign:
            lines.append((_country_name(self.w, a.country), f"{role}_address"))
        return lines

    # --- page furniture --------------------------------------------------------------------------

    def logo(self, x: float, top: float, s: float) -> float:
        """A logo drawn from shapes; returns its width (0 when the layout has none)."""
        kind = self.st.logo
        acc = self.st.accent
        pen = self.pen
        if kind is None:
            return 0.0
        if kind == "circle":
            pen.circle(x + s / 2, top + s / 2, s / 2, fill=acc)
            pen.circle(x + s / 2, top + s / 2, s / 4, fill=(1, 1, 1))
        elif kind == "ring":
            pen.circle(x + s / 2, top + s / 2, s / 2 - 2, stroke=acc, lw=3)
            pen.circle(x + s / 2, top + s / 2, s / 6, fill=acc)
        elif kind == "square":
            pen.rect(x, top, s, s, fill=acc, stroke=None)
            pen.rect(x + s * 0.25, top + s * 0.25, s * 0.5, s * 0.5, fill=(1, 1, 1), stroke=None)
        elif kind == "triangle":
            pen.polygon([(x, top + s), (x + s / 2, top), (x + s, top + s)], fill=acc)
        elif kind == "bars":
            for i in range(4):
                h = s * (0.4 + 0.2 * i)
                pen.rect(x + i * s / 4, top + s - h, s / 5, h, fill=acc, stroke=None)
        elif kind == "initials":
            pen.rect(x, top, s, s, fill=acc, stroke=None)
            initials = "".join(p[0] for p in self.doc.issuer.name.split()[:2] if p[:1].isalpha())
            pen.text(x + s / 2, top + s * 0.65, initials.upper() or "X", BOLD["Helvetica"],
                     s * 0.4, align="center", color=(1, 1, 1))  # fmt: skip
        return s

    def letterhead(self) -> float:
        """Page 1 head with the issuer; returns the lowest y it used."""
        st, pen, p = self.st, self.pen, self.doc.issuer
        role = self.issuer_role
        small = self.size - 1
        name_size = self.size + 7
        top = 12 * MM
        a = p.address
        addr_parts: list[tuple[str, str | None]] = [
            (a.street, f"{role}_address"),
            (" · ", f"{role}_address"),
            (a.city_line(), f"{role}_address"),
        ]
        if st.letterhead == "band":
            pen.rect(0, 0, pen.page_width, 30 * MM, fill=_tint(st.accent), stroke=None)
            lw = self.logo(self.left, top, 14 * MM)
            x = self.left + lw + (8 if lw else 0)
            contact = [c for c in (p.phone, p.email, p.web) if c]
            block_w = max((width(c, self.font, small) for c in contact), default=0.0)
            size = self.fit(p.name, self.bold, name_size, self.right - block_w - 12 - x)
            pen.text(x, top + size * 0.8, p.name, self.bold, size, name=f"{role}_name")
            self.inline(x, top + name_size + small * 1.6, addr_parts, self.font, small)
            self.block(self.right, top + 8, [(c, None) for c in contact], self.font, small,
                       small * 1.3, align="right")  # fmt: skip
            return 30 * MM
        if st.letterhead == "left":
            lw = self.logo(self.left, top, 16 * MM)
            x = self.left + lw + (10 if lw else 0)
            size = self.fit(p.name, self.bold, name_size, self.right - x)
            pen.text(x, top + name_size, p.name, self.bold, size, name=f"{role}_name")
            self.inline(x, top + name_size + small * 1.8, addr_parts, self.font, small)
            return top + 20 * MM
        if st.letterhead == "right":
            lw = self.logo(self.right - 16 * MM, top, 16 * MM)
            y = top + lw + name_size + (6 if lw else 0)
            size = self.fit(p.name, self.bold, name_size - 2, self.right - self.left - 80 * MM)
            pen.text(self.right, y, p.name, self.bold, size, align="right", name=f"{role}_name")
            lines = [(ln, n) for ln, n in self.address_lines(p, role, False)]
            lines += [(x, None) for x in (p.phone, p.email) if x]
            return self.block(self.right, y + small * 1.6, lines, self.font, small, small * 1.25,
                              align="right")  # fmt: skip
        if st.letterhead == "center":
            cx = (self.left + self.right) / 2
            lw = self.logo(cx - 7 * MM, top - 6, 14 * MM)
            y = top + lw + name_size
            size = self.fit(p.name, self.bold, name_size, self.right - self.left)
            pen.text(cx, y, p.name, self.bold, size, align="center", name=f"{role}_name")
            parts = [*addr_parts]
            if p.phone:
                parts += [(" · ", None), (f"{self.w('ft.phone')} {p.phone}", None)]
            self.inline(cx, y + small * 1.8, parts, self.font, small, align="center")
            pen.line(self.left, y + small * 2.6, self.right, y + small * 2.6, 0.6, st.accent)
            return y + small * 3
        if st.letterhead == "split":
            lw = self.logo(self.left, top, 14 * MM)
            lines = self.address_lines(p, role, False)
            lines += [(f"{self.w('ft.phone')} {p.phone}", None)] if p.phone else []
            lines += [(p.email, None)] if p.email else []
            block_w = max(width(t, self.font, small) for t, _ in lines)
            x = self.left + lw + (8 if lw else 0)
            size = self.fit(p.name, self.bold, name_size, self.right - block_w - 12 - x)
            y = top + max(lw * 0.7, size)
            pen.text(x, y, p.name, self.bold, size, name=f"{role}_name")
            return self.block(self.right, top + 4, lines, self.font, small, small * 1.3,
                              align="right")  # fmt: skip
        # sidebar: issuer details in a right-hand column (Mustang and many SME tools)
        x = self.sidebar_x
        lw = self.logo(x, top, 18 * MM)
        y = top + lw + 14
        size = self.fit(p.name, self.bold, small + 0.5, self.right - x)
        pen.text(x, y, p.name, self.bold, size, name=f"{role}_name")
        lines = self.address_lines(p, role, False)
        extra = [p.phone and f"{self.w('ft.phone')} {p.phone}", p.web, p.email, p.contact]
        lines += [(x, None) for x in extra if x]
        return self.block(x, y + small * 1.5, lines, self.font, small - 0.5, small * 1.35)

    def sender_line(self, y: float) -> None:
        p = self.doc.issuer
        role = self.issuer_role
        size = 6.5
        parts: list[tuple[str, str | None]] = [
            (p.name, f"{role}_name"),
            (" · ", None),
            (p.address.street, f"{role}_address"),
            (" · ", f"{role}_address"),
            (p.address.city_line(), f"{role}_address"),
        ]
        w = self.inline(self.window_x, y, parts, self.font, size)
        self.pen.line(self.window_x, y + 2, self.window_x + w, y + 2, 0.3)

    @property
    def window_x(self) -> float:
        return max(20 * MM, self.left - 5 * MM) if self.st.window == "B" else self.left

    def address_window(self, top: float) -> float:
        """DIN 5008 window: sender line, then the recipient; returns the y below it."""
        st, p = self.st, self.doc.recipient
        role = self.recipient_role
        if st.sender_line:
            self.sender_line(top + 5 * MM)
        y = top + 12 * MM
        lines: list[tuple[str, str | None]] = [(p.name, f"{role}_name")]
        fonts = [self.font]
        if p.is_company and self.rng.random() < 0.3:
            attn = (
                self.w("attn", name=p.contact)
                if p.contact and self.rng.random() < 0.7
                else self.w("attn.accounts")
            )
            lines.append((attn, None))
            fonts.append(self.font)
        foreign = p.address.country != self.doc.issuer.address.country
        for ln in self.address_lines(p, role, foreign):
            lines.append(ln)
            fonts.append(self.font)
        size = self.size + 1
        return self.block(self.window_x, y, lines, self.font, size, size * 1.25, fonts=fonts)

    def fold_marks(self) -> None:
        for y in (105 * MM, 148.5 * MM, 210 * MM):
            self.pen.line(4 * MM, y, 8 * MM if y != 148.5 * MM else 10 * MM, y, 0.4)

    # --- info block ------------------------------------------------------------------------------

    def info_items(self) -> list[tuple[str, str, str | None]]:
        """(label, printed value, field) pairs for the reference block."""
        doc, w = self.doc, self.w
        t = doc.doc_type
        out: list[tuple[str, str, str | None]] = []
        if doc.number:
            out.append((w(f"no.{t}"), doc.number, "invoice_number"))
        out.append((w.pick(f"date.{t}", "date"), self.d(doc.issue_date), "issue_date"))
        if doc.customer_number:
            key = "supplier_number" if t in ISSUED_BY_BUYER else "customer_number"
            out.append((w(key), doc.customer_number, key))
        if doc.order_reference:
            out.append((w("order_reference"), doc.order_reference, "order_reference"))
        if doc.orders and self.rng.random() < 0.5:  # the first of several; all in a sentence
            out.append((w("orders"), f"{doc.orders[0]} ...", None))
        if doc.invoice_reference and t in ("credit_note", "payment_reminder"):
            out.append((w("invoice_reference"), doc.invoice_reference, "invoice_reference"))
        if doc.invoice_reference and t == "corrected_invoice":
            out.append((w("corrects"), doc.invoice_reference, "invoice_reference"))
        if t == "self_billed_invoice" and doc.recipient.vat_id and not doc.reverse_charge:
            out.append((w("supplier_vat"), doc.recipient.vat_id, "seller_vat_id"))
        if doc.delivery_date and t != "contract":
            key = "requested_delivery" if t == "order" else "delivery_date"
            out.append((w(key), self.d(doc.delivery_date), "delivery_date"))
        if doc.valid_until:
            out.append((w("valid_until"), self.d(doc.valid_until), "valid_until"))
        if doc.buyer_reference:
            out.append((w("buyer_reference"), doc.buyer_reference, "buyer_reference"))
        if doc.reverse_charge and doc.recipient.vat_id:
            out.append((w("buyer_vat"), doc.recipient.vat_id, f"{self.recipient_role}_vat_id"))
        if doc.due_date and t in INVOICE_LIKE and self.rng.random() < 0.35:
            out.append((w("due_date"), self.d(doc.due_date), "due_date"))
        if t in WITH_PRICES and self.rng.random() < 0.2:
            out.append((w("currency"), doc.currency, "currency"))
        if doc.issuer.contact and self.rng.random() < 0.5:
            out.append((w("contact"), doc.issuer.contact, "contact_person"))
        return out

    def info_block(self, y_addr_top: float, y_below: float) -> float:
        """Draw the info block; returns the y where the body may start."""
        st, pen = self.st, self.pen
        items = self.info_items()
        size = self.size
        kind = st.info
        if kind == "right" and st.letterhead == "sidebar":
            kind = "stack"
        if kind == "title":
            return y_below  # drawn with the title
        if kind == "right":
            x_label = max(self.right - 200, 118 * MM)
            x_value = self.right
            y = y_addr_top
            for label, value, name in items:
                pen.text(x_label, y, label + ":", self.font, size - 0.5, name=_label(name))
                pen.text(x_value, y, value, self.font, size - 0.5, align="right", name=name)
                y += size * 1.45
            return max(y, y_below) + 8 * MM
        if kind == "row":
            y = y_below + 6 * MM
            n = min(len(items), 5)
            col = (self.right - self.left) / n
            rows = [items[i : i + n] for i in range(0, len(items), n)]
            for row in rows:
                for i, (label, value, name) in enumerate(row):
                    x = self.left + i * col
                    pen.text(x, y, label, self.bold, size - 1.5, color=(0.35, 0.35, 0.35),
                             name=_label(name))
                    pen.text(x, y + size * 1.3, value, self.font, size, name=name)
                y += size * 3.2
            pen.line(self.left, y - size * 1.2, self.right, y - size * 1.2, 0.4)
            return y + 4 * MM
        if kind == "grid":
            y = y_below + 5 * MM
            half = (self.right - self.left) / 2
            rows = [items[i : i + 2] for i in range(0, len(items), 2)]
            rh = size * 1.7
            lw = max(width(lbl + ":", self.font, size - 0.5) for lbl, _, _ in items) + 8
            for row in rows:
                for i, (label, value, name) in enumerate(row):
                    x = self.left + i * half
                    pen.rect(x, y, half, rh, stroke=(0.4, 0.4, 0.4), lw=0.4)
                    pen.text(x + 4, y + rh * 0.68, label + ":", self.font, size - 0.5,
                             name=_label(name))
                    pen.text(x + 4 + lw, y + rh * 0.68, value, self.font, size - 0.5, name=name)
                y += rh
            return y + 6 * MM
        # stack: "Label: value" lines under the address
        y = y_below + 6 * MM
        for label, value, name in items:
            self.inline(self.left, y, [(label + ": ", _label(name)), (value, name)], self.font,
                        size)
            y += size * 1.35
        return y + 4 * MM

    # --- title -----------------------------------------------------------------------------------

    def title(self, y: float) -> float:
        doc, w, st = self.doc, self.w, self.st
        if doc.doc_type == "letter":
            return y
        size = st.title_size
        title = w(f"title.{doc.doc_type}")
        if st.info == "title" and doc.number:
            no_label = {"de": "Nr.", "en": "No.", "fr": "n°"}[w.language]
            of = {"de": "vom", "en": "dated", "fr": "du"}[w.language]
            self.inline(self.left, y, [
                (f"{title} {no_label} ", None), (doc.number, "invoice_number"),
                (f" {of} ", None), (self.d(doc.issue_date), "issue_date"),
            ], self.bold, size)  # fmt: skip
            self.pen.label_within("invoice_number", self.left, y, f"{title} ", no_label,
                                  self.bold, size)
            self.pen.label_within("issue_date", self.left, y,
                                  f"{title} {no_label} {doc.number} ", of, self.bold, size)
            y += size * 1.2
            rest = [it for it in self.info_items() if it[2] not in ("invoice_number", "issue_date")]
            x = self.left
            with self.pen.region("meta"):
                for label, value, name in rest:
                    wdt = self.inline(x, y, [(label + ": ", _label(name)), (value, name)],
                                      self.font, self.size - 0.5)  # fmt: skip
                    x += wdt + 14
                    if x > self.right - 150:
                        x = self.left
                        y += self.size * 1.4
            return y + self.size * 2.2
        self.pen.text(self.left, y, title, self.bold, size, color=_darken(st.accent))
        return y + size * 1.6

    # --- items table -----------------------------------------------------------------------------

    def columns(self) -> list[tuple[str, str, float, str]]:
        """(key, header, width, align) for the item table, sized to the content."""
        doc, w, st = self.doc, self.w, self.st
        priced = doc.doc_type in WITH_PRICES
        f, s = self.font, self.size - 0.5
        cols: list[tuple[str, str, list[str], str]] = [
            ("line_id", w("col.pos"), [it.line_id for it in doc.items], "left")
        ]
        if st.item_id_col and any(it.seller_item_id for it in doc.items):
            cols.append(("seller_item_id", w("col.item_id"),
                         [it.seller_item_id or "" for it in doc.items], "left"))  # fmt: skip
        cols.append(("description", w("col.desc"), [], "left"))
        if st.unit_col:
            cols.append(("quantity", w("col.qty"),
                         [self.ns.quantity(it.quantity) for it in doc.items], "right"))  # fmt: skip
            cols.append(("unit", w("col.unit"), [it.unit_label for it in doc.items], "left"))
        else:
            cols.append(("quantity", w("col.qty"),
                         [f"{self.ns.quantity(it.quantity)} {it.unit_label}" for it in doc.items],
                         "right"))  # fmt: skip
        if priced:
            tc = st.table_currency
            prices = [self.amount(it.unit_price, tc) for it in doc.items]
            cols.append(("unit_price_net", w("col.price"), prices, "right"))
            if st.tax_col:
                rates = [f"{self.ns.rate(it.tax_rate)} %" for it in doc.items]
                cols.append(("tax_rate", w("col.tax"), rates, "right"))
            cols.append(("line_total_net", w("col.total"),
                         [self.amount(it.total, tc) for it in doc.items], "right"))  # fmt: skip
        out: list[tuple[str, str, float, str]] = []
        fixed = 0.0
        for key, header, cells, align in cols:
            if key == "description":
                out.append((key, header, 0.0, align))
                continue
            cw = max([width(header, self.bold, s)] + [width(c, f, s) for c in cells]) + 10
            out.append((key, header, cw, align))
            fixed += cw
        desc_w = (self.right - self.left) - fixed
        if desc_w < 100 and any(k == "seller_item_id" for k, *_ in out):
            return self._drop(out)
        return [(k, h, desc_w if k == "description" else cw, a) for k, h, cw, a in out]

    def _drop(self, cols: list[tuple[str, str, float, str]]) -> list[tuple[str, str, float, str]]:
        kept = [c for c in cols if c[0] != "seller_item_id"]
        fixed = sum(c[2] for c in kept if c[0] != "description")
        desc_w = (self.right - self.left) - fixed
        return [(k, h, desc_w if k == "description" else cw, a) for k, h, cw, a in kept]

    def table_header(self, y: float, cols: list[tuple[str, str, float, str]]) -> float:
        with self.pen.region("table_header"):
            return self._table_header(y, cols)

    def _table_header(self, y: float, cols: list[tuple[str, str, float, str]]) -> float:
        st, pen = self.st, self.pen
        s = self.size - 0.5
        h = s * 1.9
        color = BLACK
        if st.table == "band":
            pen.rect(self.left, y, self.right - self.left, h, fill=st.accent, stroke=None)
            color = (1, 1, 1)
        elif st.table in ("zebra",):
            pen.rect(self.left, y, self.right - self.left, h, fill=(0.85, 0.85, 0.85), stroke=None)
        x = self.left
        for _key, header, cw, align in cols:
            tx = x + cw - 4 if align == "right" else x + 4
            pen.text(tx, y + h * 0.66, header, self.bold, s, align=align, color=color)
            if st.table == "grid":
                pen.rect(x, y, cw, h, stroke=(0.3, 0.3, 0.3), lw=0.5)
            x += cw
        if st.table in ("rules", "plain", "band"):
            pen.line(self.left, y + h, self.right, y + h, 0.8 if st.table == "rules" else 0.4)
        if st.table == "rules":
            pen.line(self.left, y, self.right, y, 0.8)
        return y + h

    def cont_header(self) -> float:
        """Head of a continuation page: who, what, which number; returns body start."""
        doc = self.doc
        s = self.size - 1
        y = 15 * MM
        self.pen.text(self.left, y, doc.issuer.name, self.bold, s)
        ref = self.w(f"title.{doc.doc_type}") + (f" {doc.number}" if doc.number else "")
        self.pen.text(self.right, y, ref, self.font, s, align="right")
        self.pen.line(self.left, y + 4, self.right, y + 4, 0.4)
        return y + 10 * MM

    def new_page(self) -> float:
        self.pen.new_page()
        with self.pen.region("letterhead"):
            return self.cont_header()

    def items_table(self, y: float) -> float:
        doc, st, pen = self.doc, self.st, self.pen
        cols = self.columns()
        s = self.size - 0.5
        lead = s * 1.25
        pad = s * 0.55
        y = self.table_header(y, cols)
        running = Decimal(0)
        priced = doc.doc_type in WITH_PRICES
        for idx, it in enumerate(doc.items):
            cells = self._cells(it, cols)
            desc_w = next(cw for k, _, cw, _ in cols if k == "description") - 8
            desc_lines = self.wrap(it.description, self.font, s, desc_w)
            row_h = pad * 2 + lead * (len(desc_lines) - 1) + s
            reserve = (s * 2.2) if (st.carry and priced) else 0
            if y + row_h + reserve > self.limit:
                if st.carry and priced:
                    self._carry_row(y, cols, running)
                y = self.new_page()
                y = self.table_header(y, cols)
                if st.carry and priced:
                    y = self._carry_row(y, cols, running)
            if st.table == "zebra" and idx % 2 == 1:
                pen.rect(self.left, y, self.right - self.left, row_h, fill=(0.94, 0.94, 0.94),
                         stroke=None)  # fmt: skip
            x = self.left
            base = y + pad + s * 0.8
            with pen.region("table_row"):
                for key, _h, cw, align in cols:
                    if key == "description":
                        bbs = [
                            pen.text(x + 4, base + k * lead, ln, self.font, s)
                            for k, ln in enumerate(desc_lines)
                        ]
                        pen.mark("description", union(bbs), "\n".join(desc_lines), item=idx)
                    else:
                        text = cells[key]
                        tx = x + cw - 4 if align == "right" else x + 4
                        if text:
                            pen.text(tx, base, text, self.font, s, align=align, name=key, item=idx)
                    if st.table == "grid":
                        pen.rect(x, y, cw, row_h, stroke=(0.3, 0.3, 0.3), lw=0.5)
                    x += cw
            y += row_h
            if st.table in ("rules", "band") and idx < len(doc.items) - 1:
                pen.line(self.left, y, self.right, y, 0.25, (0.6, 0.6, 0.6))
            running += it.total
        if st.table in ("rules", "plain", "band", "zebra"):
            pen.line(self.left, y, self.right, y, 0.8 if st.table == "rules" else 0.4)
        return y

    def _cells(self, it: object, cols: list[tuple[str, str, float, str]]) -> dict[str, str]:
        from cosy.corpus.data import Item

        assert isinstance(it, Item)
        tc = self.st.table_currency
        qty = self.ns.quantity(it.quantity)
        return {
            "line_id": it.line_id,
            "seller_item_id": it.seller_item_id or "",
            "quantity": qty if self.st.unit_col else f"{qty} {it.unit_label}",
            "unit": it.unit_label,
            "unit_price_net": self.amount(it.unit_price, tc),
            "tax_rate": f"{self.ns.rate(it.tax_rate)} %",
            "line_total_net": self.amount(it.total, tc),
        }

    def _carry_row(self, y: float, cols: list[tuple[str, str, float, str]],
                   running: Decimal) -> float:  # fmt: skip
        s = self.size - 0.5
        y += s * 1.4
        with self.pen.region("table_row"):
            self.pen.text(self.left + 4, y, self.w("carry"), self.italic, s)
            self.pen.text(self.right - 4, y, self.amount(running, self.st.table_currency),
                          self.italic, s, align="right")  # fmt: skip
        return y + s * 0.8

    # --- totals ----------------------------------------------------------------------------------

    def totals_lines(self) -> list[tuple[str, str, str | None, bool]]:
        """(label, printed amount, field, bold) lines of the totals block."""
        doc, w = self.doc, self.w
        assert doc.total_net is not None and doc.total_gross is not None
        lines: list[tuple[str, str, str | None, bool]] = [
            (w("net"), self.amount(doc.total_net), "total_net", False)
        ]
        groups = doc.tax_groups
        single = len(groups) == 1
        for rate, base, tax in groups:
            if single and self.doc.seller.address.country == "US":
                label = w("tax.US", rate=self.ns.rate(rate))
            elif single:
                label = w("tax", rate=self.ns.rate(rate))
            else:
                label = w("tax_on", rate=self.ns.rate(rate), base=self.amount(base))
            lines.append((label, self.amount(tax), "total_tax" if single else None, False))
        if not single:
            total_tax_label = {"de": "Summe USt.", "en": "Total VAT", "fr": "Total TVA"}
            lines.append((total_tax_label[w.language], self.amount(doc.total_tax or Decimal(0)),
                          "total_tax", False))  # fmt: skip
        gross_key = f"gross.{doc.doc_type}"
        lines.append((w.pick(gross_key, "gross"), self.amount(doc.total_gross), "total_gross",
                      doc.prepaid is None))  # fmt: skip
        if doc.prepaid is not None and doc.amount_due is not None:
            lines.append((w("paid"), "-" + self.amount(doc.prepaid), "prepaid_amount", False))
            lines.append((w("amount_due"), self.amount(doc.amount_due), "amount_due", True))
        return lines

    def totals(self, y: float) -> float:
        st, pen = self.st, self.pen
        lines = self.totals_lines()
        s = self.size
        lead = s * 1.5
        need = lead * (len(lines) + 1) + 10
        if y + need > self.limit:
            y = self.new_page()
        y += s * 1.2
        x_label = max(self.right - 230, self.left + (self.right - self.left) * 0.45)
        if st.totals == "table":
            x_label = self.left + 4
        top = y - s
        for label, value, name, strong in lines:
            y += lead * (0.3 if strong else 0)
            font = self.bold if strong else self.font
            if strong and st.totals != "box":
                pen.line(x_label, y - s - 1, self.right, y - s - 1, 0.6)
            pen.text(x_label, y, label, font, s, name=_label(name))
            pen.text(self.right - (4 if st.totals == "box" else 0), y, value, font, s,
                     align="right", name=name)  # fmt: skip
            if name == "total_gross" and self.doc.amount_due == self.doc.total_gross:
                m = self.pen.primary.get("total_gross")
                if m is not None and "amount_due" not in self.pen.primary:
                    pen.mark("amount_due", m.bbox, m.text)
                    lab = self.pen.labels.get("total_gross")
                    if lab is not None and "amount_due" not in self.pen.labels:
                        pen.mark(label_of("amount_due"), lab.bbox, lab.text)
            y += lead
        if st.totals == "box":
            pen.rect(x_label - 6, top - 2, self.right - x_label + 6, y - top - lead * 0.4,
                     stroke=st.accent, lw=0.8)  # fmt: skip
        return y + s

    # --- texts -----------------------------------------------------------------------------------

    def paragraph(self, y: float, parts: list[tuple[str, str | None]], font: str | None = None,
                  size: float | None = None) -> float:  # fmt: skip
        """A wrapped paragraph; starts a new page when it would run into the footer."""
        s = size or self.size
        f = font or self.font
        est_lines = 1 + int(sum(width(t, f, s) for t, _ in parts) // (self.right - self.left))
        if y + est_lines * s * 1.35 > self.limit:
            y = self.new_page()
        last = self.pen.rich(self.left, y, parts, f, s, self.right - self.left, s * 1.35)
        return last + s * 1.9

    def terms_parts(self) -> list[tuple[str, str | None]] | None:
        doc, w = self.doc, self.w
        key = f"terms.{doc.doc_type}"
        try:
            tpl = w(key)
        except KeyError:
            return None
        values = {
            "due": (self.d(doc.due_date), "due_date") if doc.due_date else None,
            "delivery": (self.d(doc.delivery_date), "delivery_date") if doc.delivery_date else None,
            "days": (str(doc.payment_days), None),
        }
        parts = _fill(tpl, values)
        if doc.doc_type == "invoice" and doc.payment_days >= 14 and self.rng.random() < 0.2:
            parts.append((" " + w("skonto"), None))
        return parts

    def intro(self, y: float) -> float:
        doc, w = self.doc, self.w
        if not self.st.intro or doc.doc_type not in _INTRO:
            return y
        hello = w("hello")
        y = self.paragraph(y, [(hello, None)])
        ref = doc.order_reference if doc.doc_type in ("order_confirmation", "delivery_note") \
            else doc.invoice_reference  # fmt: skip
        tpl = w(f"intro.{doc.doc_type}")
        name = "order_reference" if doc.doc_type in ("order_confirmation", "delivery_note") \
            else "invoice_reference"  # fmt: skip
        parts = _fill(tpl, {"ref": (ref or "", name) if ref else ("", None)})
        return self.paragraph(y - self.size * 0.6, parts)

    def closing(self, y: float) -> float:
        doc, w = self.doc, self.w
        if y + self.size * 6 > self.limit:
            y = self.new_page()
        y = self.paragraph(y + self.size * 0.5, [(w("bye"), None)])
        if doc.issuer.contact and doc.issuer.is_company:
            y += self.size
            self.pen.text(self.left, y, doc.issuer.contact, self.font, self.size,
                          name="contact_person")  # fmt: skip
            y += self.size * 1.35
            self.pen.text(self.left, y, doc.issuer.name, self.font, self.size,
                          name=f"{self.issuer_role}_name")  # fmt: skip
            y += self.size * 1.35
        return y

    # --- footer ----------------------------------------------------------------------------------

    def footer_columns(self) -> list[list[tuple[str, str | None]]]:
        p, w, role = self.doc.issuer, self.w, self.issuer_role
        a = p.address
        pays = self.doc.doc_type not in ("order", "credit_note", "self_billed_invoice")
        c1: list[tuple[str, str | None]] = [(p.name, f"{role}_name"), (a.street, f"{role}_address")]
        c1 += [(a.city_line(), f"{role}_address")]
        c2: list[tuple[str, str | None]] = []
        if p.phone:
            c2.append((f"{w('ft.phone')} {p.phone}", None))
        if p.email:
            c2.append((p.email, None))
        if p.web:
            c2.append((p.web, None))
        c3: list[tuple[str, str | None]] = []
        b = p.bank
        if b is not None:
            c3.append((b.name, "bank_name"))
            if b.iban:
                iban_field = "iban" if pays else f"{role}_iban"
                c3.append(("IBAN ", label_of(iban_field)))
                c3.append((self.iban(b.iban), iban_field))
            else:
                c3.append(("Account ", None))
                c3.append((b.account or "", None))
                c3.append(("Routing ", None))
                c3.append((b.routing or "", None))
            if b.bic:
                bic_field = "bic" if pays else f"{role}_bic"
                c3.append(("BIC " if b.iban else "SWIFT ", label_of(bic_field)))
                c3.append((b.bic, bic_field))
        c4: list[tuple[str, str | None]] = []
        if p.director:
            c4.append((f"{w('ft.md')}: ", label_of("director")))
            c4.append((p.director, "director"))
        if p.register:
            court = w("ft.court", city=p.court_city) if a.country in ("DE", "AT") else ""
            c4.append(((court + " ").lstrip(), None))
            c4.append((p.register, "seller_register" if role == "seller" else None))
        if p.vat_id:
            c4.append((f"{w('ft.vat_id')} ", label_of(f"{role}_vat_id")))
            c4.append((p.vat_id, f"{role}_vat_id"))
        if p.tax_number:
            key = "ft.tax_number.US" if a.country == "US" else "ft.tax_number"
            c4.append((f"{w(key)} ", label_of(f"{role}_tax_number")))
            c4.append((p.tax_number, f"{role}_tax_number"))
        return [c1, c2, c3, c4]

    def _pairs(self, col: list[tuple[str, str | None]]) -> list[list[tuple[str, str | None]]]:
        """Group 'label ' + value parts into lines: a part ending in a space joins the next."""
        lines: list[list[tuple[str, str | None]]] = []
        cur: list[tuple[str, str | None]] = []
        for text, name in col:
            cur.append((text, name))
            plain = name is None or is_label(name)
            if not (plain and text.endswith(" ")) and not text.endswith(": "):
                lines.append(cur)
                cur = []
        if cur:
            lines.append(cur)
        return [ln for ln in lines if any(t.strip() for t, _ in ln)]

    def footer_height(self) -> float:
        s = self.size - 2
        if self.st.footer in ("columns", "two"):
            cols = [self._pairs(c) for c in self.footer_columns()]
            rows = max(len(c) for c in cols)
            if self.st.footer == "two":
                rows = max(len(cols[0]) + len(cols[1]), len(cols[2]) + len(cols[3]))
            return rows * s * 1.3 + 14 * MM
        if self.st.footer == "sidebar":
            cols = [self._pairs(c) for c in self.footer_columns()]
            return (len(cols[2]) + len(cols[3])) * s * 1.35 + 16 * MM
        return 4 * s * 1.4 + 14 * MM

    def footer(self) -> None:
        st, pen = self.st, self.pen
        s = self.size - 2
        lead = s * 1.3
        bottom = pen.page_height - 10 * MM
        top = pen.page_height - self.footer_height() + 4 * MM
        cols = [self._pairs(c) for c in self.footer_columns()]
        gray = (0.25, 0.25, 0.25)
        avail = self.right - self.left

        def lw(parts: list[tuple[str, str | None]], size: float) -> float:
            return sum(width(t, self.font, size) for t, _ in parts)

        def colw(col: list[list[tuple[str, str | None]]], size: float) -> float:
            return max((lw(p, size) for p in col), default=0.0)

        if st.footer == "columns":
            pen.line(self.left, top - s, self.right, top - s, 0.4, st.accent)
            used = [c for c in cols if c]
            gap = 10.0
            total = sum(colw(c, s) for c in used) + gap * (len(used) - 1)
            if total > avail:
                s = max(4.5, s * (avail - gap * (len(used) - 1)) / (total - gap * (len(used) - 1)))
                lead = s * 1.3
            widths = [colw(c, s) for c in used]
            spare = (avail - sum(widths)) / max(1, len(used) - 1)
            x = self.left
            for col, cw in zip(used, widths, strict=True):
                y = top + s * 0.5
                for parts in col:
                    self.inline(x, y, parts, self.font, s, color=gray)
                    y += lead
                x += cw + spare
        elif st.footer == "two":
            pen.line(self.left, top - s, self.right, top - s, 0.4)
            halves = (cols[0] + cols[1], cols[2] + cols[3])
            total = colw(halves[0], s) + colw(halves[1], s) + 20
            if total > avail:
                s = max(4.5, s * (avail - 20) / (total - 20))
                lead = s * 1.3
            for i, half in enumerate(halves):
                y = top + s * 0.5
                for parts in half:
                    x = self.left if i == 0 else self.right
                    self.inline(x, y, parts, self.font, s, align="left" if i == 0 else "right",
                                color=gray)  # fmt: skip
                    y += lead
        elif st.footer == "sidebar":
            y = top + s * 0.5
            col = cols[3] + cols[2]
            x = min(self.sidebar_x, self.right - colw(col, s))
            for parts in col:
                self.inline(x, y, parts, self.font, s, color=gray)
                y += lead * 1.05
        else:  # center: joined lines with separators, split when too wide
            y = top + s
            lines: list[list[tuple[str, str | None]]] = []
            for group in ((cols[0] + cols[1]), cols[2], cols[3]):
                parts: list[tuple[str, str | None]] = []
                for line in group:
                    cand = [*parts, ("  |  ", None), *line] if parts else list(line)
                    if parts and lw(cand, s) > avail:
                        lines.append(parts)
                        parts = list(line)
                    else:
                        parts = cand
                if parts:
                    lines.append(parts)
            for parts in lines:
                self.inline((self.left + self.right) / 2, y, parts, self.font, s,
                            align="center", color=gray)  # fmt: skip
                y += lead
        if len(pen.pages) > 1 or st.page_numbers == "header":
            tpl = self.w("page")
            if st.page_numbers == "header":
                pen.page_text(self.right, 8 * MM, tpl, self.font, s)
            else:
                pen.page_text((self.left + self.right) / 2, bottom + 2 * MM, tpl, self.font, s,
                              align="center")  # fmt: skip

    # --- document bodies -------------------------------------------------------------------------

    def render(self) -> Pen:
        doc, st = self.doc, self.st
        self.footer_top = self.pen.page_height - self.footer_height()
        self.limit = self.footer_top - 4 * MM
        if st.fold_marks:
            self.fold_marks()
        if doc.doc_type == "contract":
            self.render_contract()
        else:
            with self.pen.region("letterhead"):
                head_bottom = self.letterhead()
            addr_top = 45 * MM if st.window == "B" else 27 * MM
            if head_bottom > addr_top - 2:
                addr_top = head_bottom + 4
            with self.pen.region("address"):
                below = self.address_window(addr_top)
            with self.pen.region("meta"):
                y = self.info_block(addr_top + 12 * MM, below)
            y = max(y, (95 if st.window == "B" else 80) * MM)
            if doc.doc_type == "letter":
                y = self.render_letter(y)
            else:
                with self.pen.region("title"):
                    y = self.title(y)
                with self.pen.region("body"):
                    y = self.intro(y)
                if doc.orders:
                    with self.pen.region("body"):
                        y = self.paragraph(y, _fill(self.w("multi_orders"), {
                        "orders": (", ".join(doc.orders), None),
                            "notes": (", ".join(doc.delivery_notes), None)}))  # fmt: skip
                if doc.doc_type == "payment_reminder":
                    y = self.reminder_table(y)
                else:
                    y = self.items_table(y)
                    if doc.total_net is not None:
                        with self.pen.region("totals"):
                            y = self.totals(y)
                    else:
                        y += self.size * 2
                if doc.reverse_charge:
                    with self.pen.region("body"):
                        y = self.paragraph(y, [(self.w("reverse_charge"), None)],
                                           size=self.size - 0.5)
                parts = self.terms_parts()
                if parts:
                    with self.pen.region("payment"):
                        y = self.paragraph(y + self.size * 0.5, parts)
                if doc.doc_type == "delivery_note":
                    with self.pen.region("body"):
                        y = self.signature_line(y + self.size * 2, self.w("received"))
                elif st.intro:
                    with self.pen.region("body"):
                        y = self.closing(y)
        for i in range(len(self.pen.pages)):
            self.pen.goto(i)
            with self.pen.region("footer"):
                self.footer()
        self.pen.goto(len(self.pen.pages) - 1)
        return self.pen

    def signature_line(self, y: float, label: str) -> float:
        if y + self.size * 5 > self.limit:
            y = self.new_page()
        y += self.size * 2
        self.pen.line(self.left, y, self.left + 70 * MM, y, 0.5)
        self.pen.text(self.left, y + self.size * 1.2, label, self.font, self.size - 1)
        return y + self.size * 3

    def reminder_table(self, y: float) -> float:
        doc, w, pen = self.doc, self.w, self.pen
        s = self.size
        cols = [
            (w("tbl.invoice"), self.left, "left"),
            (w("tbl.inv_date"), self.left + 110, "left"),
            (w("tbl.due"), self.left + 210, "left"),
            (w("tbl.open"), self.right, "right"),
        ]
        y += s
        with pen.region("table_header"):
            for label, x, align in cols:
                pen.text(x, y, label, self.bold, s, align=align)
        pen.line(self.left, y + s * 0.5, self.right, y + s * 0.5, 0.6)
        y += s * 1.7
        assert doc.invoice_reference and doc.invoice_reference_date and doc.total_gross
        inv_due = doc.invoice_reference_date + dt.timedelta(days=doc.payment_days)
        with pen.region("table_row"):
            pen.text(self.left, y, doc.invoice_reference, self.font, s, name="invoice_reference")
            pen.text(cols[1][1], y, self.d(doc.invoice_reference_date), self.font, s)
            pen.text(cols[2][1], y, self.d(inv_due), self.font, s)
            pen.text(self.right, y, self.amount(doc.total_gross), self.font, s, align="right",
                     name="total_gross")  # fmt: skip
        y += s * 1.5
        if doc.fee:
            with pen.region("table_row"):
                pen.text(self.left, y, w("fee"), self.font, s, name=label_of("dunning_fee"))
                pen.text(self.right, y, self.amount(doc.fee), self.font, s, align="right",
                         name="dunning_fee")  # fmt: skip
            y += s * 1.5
        x_sum = min(self.left + 250, self.right - 160)  # the sum column, narrower pages too
        pen.line(x_sum, y - s * 0.9, self.right, y - s * 0.9, 0.6)
        assert doc.amount_due is not None
        with pen.region("totals"):
            pen.text(x_sum, y + 2, w("amount_due"), self.bold, s,
                     name=label_of("amount_due"))
            pen.text(self.right, y + 2, self.amount(doc.amount_due), self.bold, s,
                     align="right", name="amount_due")  # fmt: skip
        return y + s * 3

    def render_letter(self, y: float) -> float:
        doc, w, pen = self.doc, self.w, self.pen
        if "issue_date" not in pen.primary:
            with pen.region("meta"):
                pen.text(self.right, y - self.size * 2, self.d(doc.issue_date), self.font,
                         self.size, align="right", name="issue_date")  # fmt: skip
        assert doc.subject is not None
        with pen.region("title"):
            y = self.paragraph(y, [(doc.subject, None)], font=self.bold)
        y = self.paragraph(y, [(w("hello"), None)])
        iban = doc.issuer.bank.iban if doc.issuer.bank else None
        first = True
        for k in doc.body_keys:
            tpl = w.variant("letter.body", k)
            if "{iban}" in tpl and not iban:
                continue
            if not first:
                tpl = tpl[:1].upper() + tpl[1:]
            first = False
            values = {
                "date": (self.d(doc.start_date or doc.issue_date), None),
                "iban": (self.iban(iban), "iban") if iban else None,
            }
            y = self.paragraph(y - self.size * 0.5, _fill(tpl, values))
        return self.closing(y)

    def render_contract(self) -> None:
        doc, w, pen, st = self.doc, self.w, self.pen, self.st
        y = 20 * MM
        if st.letterhead in ("left", "band", "split", "right"):
            with pen.region("letterhead"):
                pen.text(self.right, y, doc.issuer.name, self.bold, self.size + 2, align="right",
                         name="seller_name")  # fmt: skip
            y += 10 * MM
        y += 10 * MM
        cx = (self.left + self.right) / 2
        with pen.region("title"):
            pen.text(cx, y, w("title.contract"), self.bold, st.title_size + 2, align="center")
        y += st.title_size * 1.5
        if doc.number:
            with pen.region("meta"):
                self.inline(cx, y, [(w("no.contract") + ": ", label_of("invoice_number")),
                                    (doc.number, "invoice_number")],
                            self.font, self.size, align="center")  # fmt: skip
            y += self.size * 3
        pen.text(cx, y, w("contract.between"), self.font, self.size, align="center")
        y += self.size * 2.2
        for party, role, role_text in (
            (doc.seller, "seller", w("contract.seller_role")),
            (doc.buyer, "buyer", w("contract.buyer_role")),
        ):
            lines: list[tuple[str, str | None]] = [(party.name, f"{role}_name")]
            foreign = doc.seller.address.country != doc.buyer.address.country
            lines += self.address_lines(party, role, foreign)
            with pen.region("address"):
                y = self.block(cx, y, lines, self.font, self.size + 0.5, self.size * 1.4,
                               align="center")  # fmt: skip
            pen.text(cx, y, role_text, self.italic, self.size, align="center")
            y += self.size * 2.2
            if role == "seller":
                pen.text(cx, y, w("contract.and"), self.font, self.size, align="center")
                y += self.size * 2.2
        iban = doc.seller.bank.iban if doc.seller.bank else None
        values = {
            "service": (doc.service or "", None),
            "start": (self.d(doc.start_date), "start_date") if doc.start_date else None,
            "fee": (self.amount(doc.monthly_fee), "monthly_fee") if doc.monthly_fee else None,
            "iban": (self.iban(iban), "iban") if iban else ("-", None),
            "city": (doc.seller.address.city, None),
        }
        for k in range(1, 6):
            if k == 4 and not iban:
                continue
            y = self.paragraph(y + self.size * 0.4, [(w(f"contract.s{k}"), None)], font=self.bold)
            y = self.paragraph(y - self.size * 0.6, _fill(w(f"contract.s{k}text"), values))
        if y + self.size * 10 > self.limit:
            y = self.new_page()
        y += self.size * 2
        place = _fill(w("contract.place_date"), {
            "city": (doc.seller.address.city, None),
            "date": (self.d(doc.issue_date), "issue_date"),
        })  # fmt: skip
        self.pen.rich(self.left, y, place, self.font, self.size, 300, self.size * 1.3)
        y += self.size * 5
        half = (self.right - self.left) / 2
        for i, label in enumerate((w("contract.sign_seller"), w("contract.sign_buyer"))):
            x = self.left + i * half
            pen.line(x, y, x + half - 20, y, 0.5)
            pen.text(x, y + self.size * 1.3, label, self.font, self.size - 1)


_INTRO = {"invoice", "corrected_invoice", "self_billed_invoice", "invoice_information",
          "credit_note", "order", "order_confirmation", "delivery_note", "quotation",
          "payment_reminder"}  # fmt: skip


Part = tuple[str, str | None]


def _fill(tpl: str, values: dict[str, Part | None]) -> list[Part]:
    """Split a template like 'Zahlbar bis {due}.' into parts, field values kept apart."""
    parts: list[tuple[str, str | None]] = []
    rest = tpl
    while "{" in rest:
        i = rest.index("{")
        j = rest.index("}", i)
        key = rest[i + 1 : j]
        if rest[:i]:
            parts.append((rest[:i], None))
        val = values.get(key)
        if val is not None:
            parts.append(val)
        rest = rest[j + 1 :]
    if rest:
        parts.append((rest, None))
    # Merge adjacent plain parts so words split across them stay whole.
    merged: list[tuple[str, str | None]] = []
    for text, name in parts:
        if merged and name is None and merged[-1][1] is None:
            merged[-1] = (merged[-1][0] + text, None)
        elif text:
            merged.append((text, name))
    return merged


def _label(name: str | None) -> str | None:
    """The label mark name for a value drawn as field ``name`` (none for unnamed values)."""
    return label_of(name) if name else None


def _tint(c: RGB) -> RGB:
    return (0.88 + c[0] * 0.12, 0.88 + c[1] * 0.12, 0.88 + c[2] * 0.12)


def _darken(c: RGB) -> RGB:
    return (c[0] * 0.6, c[1] * 0.6, c[2] * 0.6)
