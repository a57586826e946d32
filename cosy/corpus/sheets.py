"""Looks of the document families: where the seller, the buyer, the labels and totals go.

A :class:`Look` is a :class:`~cosy.corpus.layouts.Style` with the choices the classic layouts never
vary: the arrangement of the page (a DIN letter with an address window, a modern sheet with
From / Bill To blocks, an ERP print-out with boxed header tables, a sidebar), where the seller
stands (letterhead, logo text, sidebar, only the footer, a block), how labels sit against their
values (inline, stacked, key-value table, right-aligned, a table's header row), upper-case labels,
role words above the parties. :class:`SheetRenderer` draws a family's ``Doc`` in a look, reusing
the classic renderer's table, totals, paragraph and footer machinery, and records the box of
every field value and of every label printed for one.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from cosy.corpus.data import Doc, Party
from cosy.corpus.fmt import NumberStyle
from cosy.corpus.layouts import MM, Part, Renderer, Style, _darken, _fill
from cosy.corpus.pen import label_of, width
from cosy.corpus.texts import Words
from cosy.identifiers import normalize_identifier

GRAY = (0.35, 0.35, 0.35)
VAT_TABLE_HEADS = {"de": ("MwSt.", "Netto", "Steuer", "Brutto"),
                   "en": ("VAT", "Net", "Tax", "Gross"),
                   "fr": ("TVA", "HT", "TVA", "TTC")}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Look(Style):
    """The structural choices of one family look (per document, ``meta`` is drawn from)."""

    arrangement: str = "letter"  # letter | modern | erp | sidebar
    seller_at: str = "letterhead"  # letterhead | logo_text | footer | block | sidebar
    sidebar_side: str = "right"
    meta: tuple[str, ...] = ("kv",)  # inline | stacked | kv | right_labels | header_table
    caps: bool = False  # labels in upper case (ERP)
    colon: float = 0.6  # share of documents whose labels end in ':'
    role_words: float = 0.8  # share of documents with role words above the parties
    page: str = "a4"  # a4 | letter (US issuers)


def _looks() -> dict[str, Look]:
    L = Look
    return {
        lk.name: lk
        for lk in [
            L("sme_window", letterhead="left", logo="square", info="right", footer="columns",
              meta=("kv", "right_labels", "inline"), role_words=0.2),
            L("sme_sidebar", arrangement="sidebar", seller_at="sidebar", logo="circle",
              footer="none", meta=("stacked", "inline", "kv"), fold_marks=True, role_words=0.3),
            L("sme_footer_only", seller_at="footer", logo="bars", sender_line=False,
              footer="columns", meta=("kv", "right_labels"), role_words=0.5, table="grid"),
            L("sme_logo_text", seller_at="logo_text", letterhead="right", footer="two",
              meta=("right_labels", "stacked", "kv"), table="zebra", totals="box"),
            L("sme_table_meta", letterhead="center", logo="ring", footer="center",
              meta=("header_table",), table="band", accent=(0.2, 0.35, 0.3)),
            L("sme_right_seller", arrangement="modern", seller_at="block", footer="columns",
              meta=("kv", "inline"), table="rules", logo="triangle"),
            L("insurer_letter", seller_at="logo_text", letterhead="left", footer="columns",
              meta=("right_labels", "kv"), table="plain", totals="right", role_words=0.2),
            L("insurer_table", letterhead="right", logo="ring", footer="center",
              meta=("header_table", "stacked"), table="rules", totals="table"),
            L("bill_summary", seller_at="logo_text", letterhead="left", footer="columns",
              meta=("kv", "right_labels"), table="rules", totals="box", accent=(0.0, 0.4, 0.6)),
            L("bill_band", letterhead="band", logo="circle", footer="two",
              meta=("stacked", "kv"), table="band", accent=(0.55, 0.1, 0.45)),
            L("saas_modern", arrangement="modern", seller_at="logo_text", letterhead="left",
              footer="none", meta=("right_labels", "kv"), table="band", totals="right",
              accent=(0.33, 0.2, 0.7), fold_marks=False, page="letter"),
            L("saas_minimal", arrangement="modern", seller_at="block", logo=None, footer="none",
              meta=("stacked", "inline"), table="plain", fold_marks=False, role_words=1.0),
            L("saas_split", arrangement="modern", seller_at="letterhead", letterhead="split",
              logo="square", footer="center", meta=("kv", "right_labels"), table="zebra",
              fold_marks=False),
            L("saas_letter", seller_at="logo_text", letterhead="center", footer="center",
              meta=("inline", "kv"), table="rules", fold_marks=False, page="letter"),
            L("market_invoice", arrangement="modern", seller_at="block", letterhead="left",
              footer="center", meta=("kv", "inline", "right_labels"), table="grid",
              fold_marks=False, role_words=1.0, tax_col=True),
            L("market_compact", arrangement="modern", seller_at="block", logo="bars",
              footer="none", meta=("stacked", "header_table"), table="rules", size=8,
              fold_marks=False, role_words=1.0),
            L("hotel_folio", seller_at="logo_text", letterhead="center", footer="center",
              meta=("kv", "right_labels"), table="rules", fold_marks=False, item_id_col=False,
              role_words=0.5),
            L("hotel_classic", letterhead="right", logo="ring", font="Times-Roman", size=9.5,
              footer="two", meta=("stacked", "kv"), table="plain", item_id_col=False),
            L("fr_classique", arrangement="modern", seller_at="block", footer="center",
              meta=("inline", "kv"), table="grid", fold_marks=False, role_words=0.7),
            L("fr_moderne", arrangement="modern", seller_at="logo_text", letterhead="left",
              footer="center", meta=("right_labels", "stacked"), table="band",
              accent=(0.1, 0.3, 0.6), fold_marks=False),
            L("fr_tableau", letterhead="left", logo="square", footer="columns",
              meta=("header_table",), table="grid", totals="box", fold_marks=False),
            L("erp_caps", arrangement="erp", seller_at="letterhead", font="Courier", size=8,
              footer="columns", meta=("header_table",), caps=True, table="rules",
              totals="table", fold_marks=False, role_words=1.0, colon=0.3),
            L("thermal_mono", font="Courier", fold_marks=False, colon=0.5),
            L("thermal_sans", fold_marks=False, colon=0.4),
            L("thermal_wide", font="Courier", fold_marks=False, colon=0.6),
            L("erp_grid", arrangement="erp", seller_at="letterhead", size=7.5, footer="two",
              meta=("header_table", "kv"), caps=True, table="grid", fold_marks=False,
              role_words=1.0, tax_col=True),
        ]
    }


LOOKS: dict[str, Look] = _looks()


def spaced_vat(vat: str) -> str:
    """A VAT ID printed in groups as many firms do: 'DE 123 456 789', 'FR 12 345678901'."""
    v = normalize_identifier(vat)
    cc, n = v[:2], v[2:]
    if not cc.isalpha() or not n.isalnum() or v.startswith("CHE"):
        return vat
    if cc == "DE" and len(n) == 9:
        return f"DE {n[:3]} {n[3:6]} {n[6:]}"
    if cc == "GB" and len(n) == 9:
        return f"GB {n[:3]} {n[3:7]} {n[7:]}"
    if cc == "FR":
        return f"FR {n[:2]} {n[2:]}"
    return f"{cc} {n}"


class SheetRenderer(Renderer):
    """Draws one document of a family in one :class:`Look`."""

    st: Look

    def __init__(self, doc: Doc, style: Look, words: Words, numbers: NumberStyle,
                 date_style: str, rng: random.Random) -> None:  # fmt: skip
        super().__init__(doc, style, words, numbers, date_style, rng)
        if style.page == "letter":
            self.pen.page_width, self.pen.page_height = 612.0, 792.0
            self.right = self.pen.page_width - style.margin_right
        self.meta_kind = rng.choice(style.meta)
        self.colon = rng.random() < style.colon
        self.roles = rng.random() < style.role_words
        self.title_number = doc.number is not None and rng.random() < 0.25
        self.vat_spaced = rng.random() < 0.35
        self.country = doc.issuer.address.country
        self.side_x = self.left
        self.side_w = 125.0
        if style.arrangement == "sidebar" and style.sidebar_side == "left":
            self.left += self.side_w + 16
        elif style.arrangement == "sidebar":
            self.side_x = self.right - self.side_w
            self.right = self.side_x - 16
        self.seller_legal_on_top = style.seller_at != "logo_text" or rng.random() < 0.6 or \
            style.footer == "none"  # fmt: skip

    # --- words -----------------------------------------------------------------------------------

    def lab(self, text: str) -> str:
        """A label as this document prints them: upper case in ERP looks, with or without ':'."""
        text = text.upper() if self.st.caps else text
        return text + ":" if self.colon and not text.endswith((":", "#", "°")) else text

    def vat(self, party: Party) -> str:
        assert party.vat_id is not None
        return spaced_vat(party.vat_id) if self.vat_spaced else party.vat_id

    def vat_label(self, country: str) -> str:
        return self.w.pick(f"ft.vat_id.{country}", "ft.vat_id")

    def tax_number_label(self, country: str) -> str:
        return self.w.pick(f"ft.tax_number.{country}", "ft.tax_number")

    def when(self, value: str) -> str:
        """An extra's value: a date, a period 'start|end', or text as it is."""
        if "|" in value:
            a, b = (dt.date.fromisoformat(x) for x in value.split("|"))
            return f"{self.d(a)} - {self.d(b)}"
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            return self.d(dt.date.fromisoformat(value))
        return value

    # --- content of the reference block ----------------------------------------------------------

    def info_items(self) -> list[tuple[str, str, str | None]]:
        doc, w = self.doc, self.w
        t = doc.doc_type
        out: list[tuple[str, str, str | None]] = []
        if doc.number and not self.title_number:
            out.append((w.pick(f"no.{t}", "no.invoice"), doc.number, "invoice_number"))
        out.append((w.pick(f"date.{t}", "date"), self.d(doc.issue_date), "issue_date"))
        if doc.time:
            out.append((w("time"), doc.time, None))
        if doc.customer_number:
            out.append((w("customer_number"), doc.customer_number, "customer_number"))
        for key, value in doc.extras:
            out.append((w(key), self.when(value), None))
        if doc.order_reference:
            out.append((w("order_reference"), doc.order_reference, "order_reference"))
        if doc.invoice_reference:
            out.append((w("invoice_reference"), doc.invoice_reference, "invoice_reference"))
        if doc.buyer_reference:
            out.append((w("buyer_reference"), doc.buyer_reference, "buyer_reference"))
        if doc.delivery_date:
            key = "requested_delivery" if t == "order" else "delivery_date"
            out.append((w(key), self.d(doc.delivery_date), "delivery_date"))
        if doc.valid_until:
            out.append((w("valid_until"), self.d(doc.valid_until), "valid_until"))
        if doc.reverse_charge and doc.recipient is not None and doc.recipient.vat_id:
            out.append((w("buyer_vat"), self.vat(doc.recipient), "buyer_vat_id"))
        if doc.due_date and (doc.debtor_iban is None and self.rng.random() < 0.6):
            out.append((w("due_date"), self.d(doc.due_date), "due_date"))
        if self.rng.random() < 0.1 and doc.total_gross is not None:
            out.append((w("currency"), doc.currency, "currency"))
        if doc.issuer.contact and self.rng.random() < 0.25:
            out.append((w("contact"), doc.issuer.contact, "contact_person"))
        return out

    # --- the page --------------------------------------------------------------------------------

    def render(self):
        doc, st, pen = self.doc, self.st, self.pen
        self.footer_top = pen.page_height - self.footer_height()
        self.limit = self.footer_top - 4 * MM
        if st.fold_marks and st.page == "a4":
            self.fold_marks()
        with pen.region("letterhead"):
            head = self.head()
        items = self.info_items()
        if st.arrangement == "modern":
            y = self.modern_top(head, items)
        elif st.arrangement == "erp":
            y = self.erp_top(head, items)
        else:
            y = self.letter_top(head, items)
        letter = st.arrangement == "letter" and doc.family == "de_sme"
        if letter and st.intro:
            with pen.region("body"):
                y = self.intro(y)
        if doc.doc_type == "payment_reminder":
            y = self.reminder_table(y)
        else:
            y = self.items_table(y)
            if doc.total_net is not None or doc.total_gross is not None:
                with pen.region("totals"):
                    y = self.totals(y)
        if doc.gross_prices and doc.tax_groups and self.rng.random() < 0.6:
            with pen.region("totals"):
                y = self.vat_table(y)
        if doc.reverse_charge:
            with pen.region("body"):
                y = self.paragraph(y, [(self.w("reverse_charge"), None)], size=self.size - 0.5)
        with pen.region("payment"):
            y = self.payment(y)
        if doc.language == "fr" and doc.doc_type == "invoice" and self.country in ("FR", "BE"):
            with pen.region("body"):
                y = self.paragraph(y, [(self.w("late_fees"), None)], size=self.size - 1.5)
        if letter and st.intro and doc.doc_type != "delivery_note":
            with pen.region("body"):
                y = self.closing(y)
        for i in range(len(pen.pages)):
            pen.goto(i)
            with pen.region("footer"):
                self.footer()
        pen.goto(len(pen.pages) - 1)
        return pen

    # --- head ------------------------------------------------------------------------------------

    def head(self) -> float:
        """The top of page 1: letterhead, logo text, or nothing (seller in the footer/block)."""
        st, p = self.st, self.doc.issuer
        top = 12 * MM
        if st.arrangement == "sidebar":
            self.sidebar(top)
            self.logo(self.left, top, 14 * MM)
            return top + 16 * MM
        if st.seller_at == "letterhead":
            if st.arrangement == "erp":
                return self.erp_letterhead(top)
            return self.letterhead()
        if st.seller_at == "logo_text" and p.brand is None:
            return self.letterhead()
        if p.brand is not None or st.seller_at == "logo_text":
            return self.logo_text(top)
        return top + (self.logo(self.left, top, 14 * MM) or 4 * MM)

    def logo_text(self, top: float) -> float:
        """The brand in big letters; the legal name (the truth's seller) in a small line."""
        st, p, role = self.st, self.doc.issuer, self.issuer_role
        brand = p.brand or p.name
        size = self.fit(brand, self.bold, 24, (self.right - self.left) * 0.6)
        align = {"left": "left", "center": "center"}.get(st.letterhead, "right")
        x = {"left": self.left, "center": (self.left + self.right) / 2}.get(align, self.right)
        self.pen.text(x, top + size, brand, self.bold, size, align=align, color=st.accent)
        y = top + size + self.size * 1.6
        if self.seller_legal_on_top and st.seller_at != "block":  # a block names the seller
            a = p.address
            parts: list[Part] = [(p.name, f"{role}_name"), (" · ", None),
                                 (a.street, f"{role}_address"), (", ", f"{role}_address"),
                                 (a.city_line(), f"{role}_address")]  # fmt: skip
            self.inline(x, y, parts, self.font, self.size - 1.5, align=align, color=GRAY)
            y += self.size * 1.2
        return y + 4 * MM

    def erp_letterhead(self, top: float) -> float:
        """ERP: the seller in a few small lines at the top left, nothing decorative."""
        p, role = self.doc.issuer, self.issuer_role
        lines: list[tuple[str, str | None]] = [(p.name, f"{role}_name")]
        lines += self.address_lines(p, role, False)
        if p.phone:
            lines.append((f"{self.w('ft.phone')} {p.phone}", None))
        s = self.size
        return self.block(self.left, top + s, lines, self.font, s, s * 1.25,
                          fonts=[self.bold] + [self.font] * (len(lines) - 1)) + 2 * MM

    def sidebar(self, top: float) -> None:
        """Seller data in a side column: name, address, contact, bank, identifiers."""
        p, role, w = self.doc.issuer, self.issuer_role, self.w
        x, s = self.side_x, self.size - 1
        lead = s * 1.35
        pen = self.pen
        y = top + 20 * MM
        size = self.fit(p.name, self.bold, s + 1.5, self.side_w)
        pen.text(x, y, p.name, self.bold, size, name=f"{role}_name")
        y += lead * 1.3
        y = self.block(x, y, self.address_lines(p, role, False), self.font, s, lead)
        for extra in (p.phone and f"{w('ft.phone')} {p.phone}", p.email, p.web):
            if extra:
                pen.text(x, y, self.clip(extra, s), self.font, s)
                y += lead
        y += lead * 0.6
        for parts in self.id_lines(p, role) + self.bank_lines(p, role):
            y = self.stack_or_inline(x, y, parts, s, lead)
        self.side_bottom = y + lead

    def clip(self, text: str, size: float) -> str:
        while len(text) > 4 and width(text, self.font, size) > self.side_w:
            text = text[:-2]
        return text

    def stack_or_inline(self, x: float, y: float, parts: list[Part], s: float,
                        lead: float) -> float:  # fmt: skip
        """A 'label value' pair in the sidebar: on one line if it fits, else the label above."""
        if sum(width(t, self.font, s) for t, _ in parts) <= self.side_w or len(parts) < 2:
            self.inline(x, y, parts, self.font, s)
            return y + lead
        self.inline(x, y, parts[:1], self.font, s)
        self.inline(x, y + lead, parts[1:], self.font, s)
        return y + 2 * lead

    # --- identifiers and bank, shared by sidebar, footer and payment text ------------------------

    def id_lines(self, p: Party, role: str) -> list[list[Part]]:
        w, cc = self.w, p.address.country
        out: list[list[Part]] = []
        if p.vat_id:
            out.append([(self.lab(self.vat_label(cc)) + " ", label_of(f"{role}_vat_id")),
                        (self.vat(p), f"{role}_vat_id")])  # fmt: skip
        if p.tax_number:
            out.append([(self.lab(self.tax_number_label(cc)) + " ",
                         label_of(f"{role}_tax_number")), (p.tax_number, f"{role}_tax_number")])
        if p.register:
            court = w("ft.court", city=p.court_city) + " " if cc in ("DE", "AT") else ""
            out.append([(court, None), (p.register, "seller_register" if role == "seller"
                                        else None)])  # fmt: skip
        if p.director:
            out.append([(self.lab(w("ft.md")) + " ", label_of("director")),
                        (p.director, "director")])  # fmt: skip
        return out

    def bank_lines(self, p: Party, role: str) -> list[list[Part]]:
        b, w = p.bank, self.w
        if b is None:
            return []
        pays = self.doc.doc_type not in ("order", "credit_note")
        out: list[list[Part]] = [[(b.name, "bank_name")]]
        if b.iban:
            field = "iban" if pays else f"{role}_iban"
            out.append([(self.lab(w("ft.iban")) + " ", label_of(field)),
                        (self.iban(b.iban), field)])  # fmt: skip
        else:
            account = {"IN": "A/c No.", "AU": "Acc", "SG": "Account No."}.get(
                p.address.country, "Account")
            routing = {"IN": "IFSC", "AU": "BSB", "SG": "Branch", "US": "Routing"}.get(
                p.address.country, "Sort code")
            out.append([(f"{account} ", None), (b.account or "", None)])
            out.append([(f"{routing} ", None), (b.routing or "", None)])
        if b.bic:
            field = "bic" if pays else f"{role}_bic"
            out.append([(self.lab(w("ft.bic")) + " ", label_of(field)), (b.bic, field)])
        return out

    def footer_columns(self) -> list[list[tuple[str, str | None]]]:
        p, role = self.doc.issuer, self.issuer_role
        a = p.address
        c1: list[Part] = [(p.name, f"{role}_name"), (a.street, f"{role}_address"),
                          (a.city_line(), f"{role}_address")]  # fmt: skip
        c2: list[Part] = []
        if p.phone:
            c2.append((f"{self.w('ft.phone')} {p.phone}", None))
        for x in (p.email, p.web):
            if x:
                c2.append((x, None))
        c3 = [part for line in self.bank_lines(p, role) for part in line]
        c4 = [part for line in self.id_lines(p, role) for part in line]
        return [c1, c2, c3, c4]

    def footer_height(self) -> float:
        if self.st.footer == "none":
            return 14 * MM
        return super().footer_height()

    def footer(self) -> None:
        if self.st.footer != "none":
            super().footer()
            return
        if len(self.pen.pages) > 1:
            self.pen.page_text((self.left + self.right) / 2, self.pen.page_height - 8 * MM,
                               self.w("page"), self.font, self.size - 2, align="center")

    # --- parties ---------------------------------------------------------------------------------

    def party_lines(self, party: Party, role: str, foreign: bool) -> list[tuple[str, str | None]]:
        return [(party.name, f"{role}_name"), *self.address_lines(party, role, foreign)]

    def party_block(self, x: float, y: float, party: Party, role: str, role_key: str | None,
                    foreign: bool, size: float) -> float:  # fmt: skip
        """Role word (if any), then name and address; returns the y below it."""
        if role_key is not None and self.roles:
            word = self.w(role_key)
            word = word.upper() if self.st.caps else word
            field = f"{role}_name" if role in ("seller", "buyer") else None
            self.pen.text(x, y, word + (":" if self.colon else ""), self.bold, size - 0.5,
                          color=GRAY, name=label_of(field) if field else None)
            y += size * 1.45
        lines = self.party_lines(party, role, foreign)
        fonts = [self.bold] + [self.font] * (len(lines) - 1)
        y = self.block(x, y, lines, self.font, size, size * 1.3, fonts=fonts)
        if role == "seller" and party.vat_id and self.rng.random() < 0.5:
            self.inline(x, y, [(self.lab(self.vat_label(party.address.country)) + " ",
                                label_of("seller_vat_id")), (self.vat(party), "seller_vat_id")],
                        self.font, size - 1)  # fmt: skip
            y += size * 1.3
        return y

    def window(self, top: float) -> float:
        """DIN address window: sender line (unless the seller is only in the footer), role word,
        the recipient."""
        st, p = self.st, self.doc.recipient
        if st.sender_line and st.seller_at not in ("footer", "logo_text"):
            self.sender_line(top + 5 * MM)
        if p is None:
            return top + 12 * MM
        foreign = p.address.country != self.doc.issuer.address.country
        key = "role.buyer" if self.recipient_role == "buyer" else "role.seller"
        x = self.window_x if st.arrangement != "sidebar" or st.sidebar_side == "right" \
            else self.left  # fmt: skip
        return self.party_block(x, top + 12 * MM, p, self.recipient_role, key, foreign,
                                self.size + 1)

    def blocks(self, y: float) -> float:
        """From / Bill to / Ship to side by side (seller on the right in some looks)."""
        doc = self.doc
        cols: list[tuple[Party, str, str]] = []
        if self.st.seller_at == "block":
            cols.append((doc.issuer, self.issuer_role, f"role.{self.issuer_role}"))
        if doc.recipient is not None:
            cols.append((doc.recipient, self.recipient_role, f"role.{self.recipient_role}"))
        if doc.ship_to is not None:
            cols.append((doc.ship_to, "ship_to", "role.ship_to"))
        if self.rng.random() < 0.4:
            cols.reverse()  # the seller block on the right, the buyer on the left
        if not cols:
            return y
        colw = (self.right - self.left) / max(2, len(cols))
        bottom = y
        foreign = doc.recipient is not None and \
            doc.recipient.address.country != doc.issuer.address.country  # fmt: skip
        with self.pen.region("address"):
            for i, (party, role, key) in enumerate(cols):
                bottom = max(bottom, self.party_block(self.left + i * colw, y, party, role, key,
                                                      foreign and role != "seller", self.size))
        return bottom + 6 * MM

    # --- arrangements ----------------------------------------------------------------------------

    def letter_top(self, head: float, items: list[tuple[str, str, str | None]]) -> float:
        st = self.st
        addr_top = max(45 * MM, head + 4)
        with self.pen.region("address"):
            below = self.window(addr_top)
        if st.arrangement == "sidebar":
            with self.pen.region("meta"):
                y_side = getattr(self, "side_bottom", addr_top)
                if st.sidebar_side == "right":
                    self.meta_block(items, self.side_x, self.side_x + self.side_w, y_side,
                                    "stacked" if self.meta_kind == "header_table" else
                                    self.meta_kind, self.size - 1)  # fmt: skip
                    y = below + 8 * MM
                else:
                    y = self.meta_block(items, self.left, self.right, below + 6 * MM,
                                        self.meta_kind, self.size)
        elif self.meta_kind == "header_table":
            with self.pen.region("meta"):
                y = self.meta_block(items, self.left, self.right, below + 6 * MM,
                                    "header_table", self.size)
        else:
            with self.pen.region("meta"):
                x0 = max(self.right - 190, self.left + (self.right - self.left) * 0.55)
                y = self.meta_block(items, x0, self.right, addr_top + 12 * MM, self.meta_kind,
                                    self.size - 0.5)
            y = max(y, below) + 6 * MM
        y = max(y, 95 * MM if st.page == "a4" else 85 * MM)
        with self.pen.region("title"):
            return self.sheet_title(self.left, y, "left")

    def modern_top(self, head: float, items: list[tuple[str, str, str | None]]) -> float:
        """Title and meta at the top right, then the parties as blocks."""
        y = max(head, 14 * MM)
        title_y = 16 * MM if (self.st.seller_at in ("block", "logo_text") and \
            self.doc.issuer.brand is not None) or self.st.seller_at == "block" \
            else head + self.st.title_size  # fmt: skip
        with self.pen.region("title"):
            y_title = self.sheet_title(self.right, title_y, "right")
        kind = "kv" if self.meta_kind == "header_table" else self.meta_kind
        with self.pen.region("meta"):
            x0 = max(self.right - 200, self.left + (self.right - self.left) * 0.5)
            y_meta = self.meta_block(items, x0, self.right, max(y_title, head), kind,
                                     self.size - 0.5)
        y = max(y, y_meta) + 4 * MM
        if self.doc.recipient is None and self.st.seller_at != "block":
            return y
        return self.blocks(y)

    def erp_top(self, head: float, items: list[tuple[str, str, str | None]]) -> float:
        """ERP: title right of the seller lines, a boxed header table, then party boxes."""
        with self.pen.region("title"):
            self.sheet_title(self.right, 12 * MM + self.st.title_size, "right")
        y = head + 2 * MM
        with self.pen.region("meta"):
            y = self.meta_block(items, self.left, self.right, y, self.meta_kind, self.size)
        return self.blocks(y + 2 * MM)

    def sheet_title(self, x: float, y: float, align: str) -> float:
        doc, w, st = self.doc, self.w, self.st
        size = st.title_size + (2 if st.arrangement == "modern" else 0)
        title = w(f"title.{doc.doc_type}")
        if st.caps:
            title = title.upper()
        if not self.title_number:
            self.pen.text(x, y, title, self.bold, size, align=align, color=_darken(st.accent))
            return y + size * 1.4
        prefix = self.rng.choice({"de": ["Nr. ", "Nr. ", "#"], "en": ["#", "No. ", "# "],
                                  "fr": ["N° ", "n° ", "N°"]}[doc.language])  # fmt: skip
        assert doc.number is not None
        parts: list[Part] = [(f"{title} ", None), (prefix, label_of("invoice_number")),
                             (doc.number, "invoice_number")]  # fmt: skip
        self.inline(x, y, parts, self.bold, size, align=align, color=_darken(st.accent))
        return y + size * 1.4

    # --- labels against values -------------------------------------------------------------------

    def meta_block(self, items: list[tuple[str, str, str | None]], x0: float, x1: float,
                   y: float, kind: str, size: float) -> float:  # fmt: skip
        """The reference block in one of the label placements; returns the y below it."""
        pen, lead = self.pen, size * 1.45
        if not items:
            return y
        if kind == "header_table":
            return self.header_table(items, x0, x1, y, size)
        if kind == "stacked":
            for label, value, name in items:
                pen.text(x0, y, self.lab(label).rstrip(":"), self.bold, size - 1.5, color=GRAY,
                         name=label_of(name) if name else None)
                pen.text(x0, y + size * 1.15, value, self.font, size, name=name)
                y += size * 2.6
            return y
        labels = [self.lab(label) for label, _, _ in items]
        label_w = max(width(lab, self.font, size) for lab in labels)
        value_w = max(width(v, self.font, size) for _, v, _ in items)
        if kind == "right_labels":
            xm = min(x0 + label_w, x1 - value_w - 8)
            for lab, (_, value, name) in zip(labels, items, strict=True):
                pen.text(xm, y, lab, self.font, size, align="right",
                         name=label_of(name) if name else None)
                pen.text(xm + 8, y, value, self.font, size, name=name)
                y += lead
            return y
        if kind == "kv":
            x0 = min(x0, x1 - label_w - value_w - 10)
            for lab, (_, value, name) in zip(labels, items, strict=True):
                pen.text(x0, y, lab, self.font, size, name=label_of(name) if name else None)
                pen.text(x1, y, value, self.font, size, align="right", name=name)
                y += lead
            return y
        for lab, (_, value, name) in zip(labels, items, strict=True):  # inline
            self.inline(x0, y, [(lab + " ", label_of(name) if name else None), (value, name)],
                        self.font, size)
            y += lead
        return y

    def header_table(self, items: list[tuple[str, str, str | None]], x0: float, x1: float,
                     y: float, size: float) -> float:  # fmt: skip
        """Labels as the header row of a boxed table, the values in the row beneath."""
        pen = self.pen
        per_row = max(2, min(len(items), 5 if size <= 8.5 else 4))
        colw = (x1 - x0) / per_row
        rh = size * 1.8
        s = size - 0.5
        for start in range(0, len(items), per_row):
            row = items[start : start + per_row]
            for i, (label, value, name) in enumerate(row):
                x = x0 + i * colw
                pen.rect(x, y, colw, rh, fill=(0.9, 0.9, 0.9), stroke=(0.4, 0.4, 0.4), lw=0.4)
                pen.rect(x, y + rh, colw, rh, stroke=(0.4, 0.4, 0.4), lw=0.4)
                lab = self.lab(label).rstrip(":")
                ls = self.fit(lab, self.bold, s - 0.5, colw - 6)
                pen.text(x + 3, y + rh * 0.68, lab, self.bold, ls,
                         name=label_of(name) if name else None)
                vs = self.fit(value, self.font, s, colw - 6)
                pen.text(x + 3, y + rh * 1.68, value, self.font, vs, name=name)
            y += rh * 2
        return y + 4 * MM

    # --- totals, VAT table, payment --------------------------------------------------------------

    def totals_lines(self) -> list[tuple[str, str, str | None, bool]]:
        doc, w = self.doc, self.w
        assert doc.total_gross is not None
        lines: list[tuple[str, str, str | None, bool]] = []
        cap = (lambda s: s.upper()) if self.st.caps else (lambda s: s)
        if doc.tax_kind == "insurance":
            rate, _, tax = doc.tax_groups[0]
            lines += [(w("premium_net"), self.amount(doc.total_net or Decimal(0)), "total_net",
                       False),
                      (w("insurance_tax", rate=self.ns.rate(rate)), self.amount(tax),
                       "total_tax", False)]  # fmt: skip
            lines.append((w("premium_gross"), self.amount(doc.total_gross), "total_gross",
                          doc.prepaid is None))  # fmt: skip
        else:
            if doc.total_net is not None and (not doc.gross_prices or self.rng.random() < 0.5):
                lines.append((w("net"), self.amount(doc.total_net), "total_net", False))
            single = len(doc.tax_groups) == 1
            key = "tax_incl" if doc.gross_prices else "tax"
            for rate, base, tax in doc.tax_groups:
                if single:
                    label = w.pick(f"{key}.{self.country}", key).format(rate=self.ns.rate(rate))
                else:
                    label = w("tax_on", rate=self.ns.rate(rate), base=self.amount(base))
                lines.append((label, self.amount(tax), "total_tax" if single else None, False))
            if not single and doc.total_tax is not None:
                lines.append((w("tax_total"), self.amount(doc.total_tax), "total_tax", False))
            gross_key = "gross.receipt" if doc.doc_type == "receipt" else f"gross.{doc.doc_type}"
            lines.append((w.pick(gross_key, "gross"), self.amount(doc.total_gross),
                          "total_gross", doc.prepaid is None))  # fmt: skip
        if doc.prepaid is not None and doc.amount_due is not None:
            paid = w("installments") if doc.installments else w("paid")
            lines.append((paid, "-" + self.amount(doc.prepaid), "prepaid_amount", False))
            lines.append((w("amount_due"), self.amount(doc.amount_due), "amount_due", True))
        return [(cap(label), value, name, strong) for label, value, name, strong in lines]

    def vat_table(self, y: float) -> float:
        """The VAT included in gross prices, one row per rate (shops, hotels, marketplaces)."""
        s = self.size - 1
        xs = [self.left, self.left + 70, self.left + 150, self.left + 230]
        heads = VAT_TABLE_HEADS[self.doc.language]
        for x, h in zip(xs, heads, strict=True):
            self.pen.text(x, y, h, self.bold, s)
        y += s * 1.4
        for rate, base, tax in self.doc.tax_groups:
            cells = [f"{self.ns.rate(rate)} %", self.amount(base, False), self.amount(tax, False),
                     self.amount(base + tax, False)]  # fmt: skip
            for x, c in zip(xs, cells, strict=True):
                self.pen.text(x, y, c, self.font, s)
            y += s * 1.3
        return y + s

    def payment(self, y: float) -> float:
        """How it is paid: already paid (by what), direct debit, or terms with the due date."""
        doc, w = self.doc, self.w
        if doc.paid_by and doc.prepaid is None:  # a receipt: what it was paid with
            return self.paragraph(y + self.size * 0.5,
                                  [(f"{w('payment')}: {w(doc.paid_by)}", None)])
        if doc.prepaid is not None and not doc.installments:
            parts: list[Part] = [(w("paid_note"), None)]
            if doc.paid_by:
                parts.append((f" {w('payment')}: {w(doc.paid_by)}.", None))
            return self.paragraph(y + self.size * 0.5, parts)
        if doc.debtor_iban and doc.due_date:
            masked = doc.debtor_iban[:4] + " **** **** " + doc.debtor_iban[-4:]
            values = {"due": (self.d(doc.due_date), "due_date"),
                      "debtor": (masked, None) if doc.debtor_masked else
                      (self.iban(doc.debtor_iban), "debtor_iban")}  # fmt: skip
            return self.paragraph(y + self.size * 0.5, _fill(w("direct_debit"), values))
        parts_terms = self.terms_parts()
        if parts_terms:
            y = self.paragraph(y + self.size * 0.5, parts_terms)
        if self.st.footer == "none" and self.st.seller_at != "sidebar" \
                and doc.issuer.bank is not None:  # fmt: skip
            line = [part for ln in self.bank_lines(doc.issuer, self.issuer_role)
                    for part in [*ln, ("  ", None)]]
            y = self.paragraph(y, [(self.w("ft.bank") + ": ", None), *line])
        return y

    def terms_parts(self) -> list[tuple[str, str | None]] | None:
        if self.doc.doc_type not in ("invoice", "quotation", "payment_reminder", "credit_note",
                                     "order", "order_confirmation", "corrected_invoice"):
            return None
        tpl = self.w(f"terms.{self.doc.doc_type}")
        if ("{due}" in tpl and not self.doc.due_date) or \
                ("{delivery}" in tpl and not self.doc.delivery_date):  # fmt: skip
            return None
        return super().terms_parts()

