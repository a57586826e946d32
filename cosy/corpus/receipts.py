"""Till receipts: a narrow roll of thermal paper, the shop at the top, no buyer.

The page is as wide as the roll (58 or 80 mm) and as long as the receipt; the shop's brand or
name, address and tax number are centred at the top, then the receipt number, date and time,
cashier, one line per item (quantity lines under them), the total, how it was paid and the VAT
included per rate. Drawn through the same :class:`~cosy.corpus.pen.Pen`, so every printed field
value and label has its exact box.
"""

from __future__ import annotations

from cosy.corpus.layouts import MM, Part
from cosy.corpus.pen import label_of, width
from cosy.corpus.sheets import VAT_TABLE_HEADS, SheetRenderer

_ROLL = {"thermal_mono": 80 * MM, "thermal_sans": 80 * MM, "thermal_wide": 58 * MM}


class ReceiptRenderer(SheetRenderer):
    """Draws a ``receipt`` on a roll; the look decides font and roll width."""

    def render(self):
        st, pen, doc = self.st, self.pen, self.doc
        pen.page_width = _ROLL.get(st.name, 80 * MM)
        self.left, self.right = 4 * MM, pen.page_width - 4 * MM
        self.size = 7.5 if pen.page_width < 70 * MM else 8.5
        pen.page_height = 2000.0  # drawn on a long strip, cut to the content below
        y = 8 * MM
        with pen.region("letterhead"):
            y = self.shop(y)
        with pen.region("meta"):
            y = self.receipt_meta(y)
        y = self.rule(y)
        with pen.region("table_row"):
            y = self.lines(y)
        y = self.rule(y)
        with pen.region("totals"):
            y = self.receipt_totals(y)
        if doc.tax_groups:
            with pen.region("totals"):
                y = self.vat_rows(y)
        with pen.region("footer"):
            y = self.center(y + self.size, [(self.w("thanks"), None)])
        pen.page_height = round(y + 10 * MM, 1)
        return pen

    def center(self, y: float, parts: list[Part], bold: bool = False,
               size: float | None = None) -> float:  # fmt: skip
        s = size or self.size
        font = self.bold if bold else self.font
        s = self.fit("".join(t for t, _ in parts), font, s, self.right - self.left)
        self.inline((self.left + self.right) / 2, y, parts, font, s, align="center")
        return y + s * 1.35

    def rule(self, y: float) -> float:
        dash = "-" * int((self.right - self.left) / width("-", self.font, self.size))
        self.pen.text(self.left, y, dash, self.font, self.size)
        return y + self.size * 1.3

    def pair(self, y: float, label: str, value: str, field: str | None, bold: bool = False,
             size: float | None = None) -> float:  # fmt: skip
        """A label at the left edge, its value at the right edge of the roll."""
        s = size or self.size
        font = self.bold if bold else self.font
        self.pen.text(self.left, y, label, font, s, name=label_of(field) if field else None)
        self.pen.text(self.right, y, value, font, s, align="right", name=field)
        return y + s * 1.35

    def shop(self, y: float) -> float:
        p, w, role = self.doc.issuer, self.w, self.issuer_role
        if p.brand:
            y = self.center(y + 6, [(p.brand, None)], bold=True, size=self.size + 6) + 2
        if not p.brand or self.seller_legal_on_top:
            y = self.center(y, [(p.name, f"{role}_name")], bold=not p.brand)
        a = p.address
        y = self.center(y, [(a.street, f"{role}_address")])
        y = self.center(y, [(a.city_line(), f"{role}_address")])
        if p.phone and self.rng.random() < 0.6:
            y = self.center(y, [(f"{w('ft.phone')} {p.phone}", None)])
        ids = self.id_lines(p, role)
        for parts in ids[:2] if self.rng.random() < 0.8 else []:
            y = self.center(y, parts)
        if self.rng.random() < 0.5:
            y = self.center(y + 2, [(w("title.receipt"), None)], bold=True, size=self.size + 1)
        return y + 2

    def receipt_meta(self, y: float) -> float:
        doc, w = self.doc, self.w
        items: list[tuple[str, str, str | None]] = []
        if doc.number:
            items.append((w.pick("no.receipt", "no.invoice"), doc.number, "invoice_number"))
        items.append((w.pick("date.receipt", "date"), self.d(doc.issue_date), "issue_date"))
        if doc.time:
            items.append((w("time"), doc.time, None))
        if doc.cashier:
            items.append((w("cashier"), doc.cashier, None))
        for label, value, name in items:
            y = self.pair(y, self.lab(label), value, name)
        return y

    def lines(self, y: float) -> float:
        pen, s = self.pen, self.size
        for i, it in enumerate(self.doc.items):
            desc = it.description
            room = self.right - self.left - width(" 00.000,00 A", self.font, s)
            while width(desc, self.font, s) > room and len(desc) > 8:
                desc = desc[:-1]
            pen.text(self.left, y, desc, self.font, s, name="description", item=i)
            pen.text(self.right, y, self.amount(it.total, False), self.font, s, align="right",
                     name="line_total_gross", item=i)
            y += s * 1.25
            if it.quantity != 1:
                qty = self.ns.quantity(it.quantity)
                x = self.left + 8
                pen.text(x, y, qty, self.font, s - 0.5, name="quantity", item=i)
                pen.text(x + width(qty, self.font, s - 0.5), y,
                         f" {it.unit_label} x {self.amount(it.unit_price, False)}", self.font,
                         s - 0.5)  # fmt: skip
                y += s * 1.25
        return y

    def receipt_totals(self, y: float) -> float:
        doc, w = self.doc, self.w
        assert doc.total_gross is not None
        if not doc.gross_prices and doc.total_net is not None:  # US: tax added at the till
            y = self.pair(y, self.lab(w("net")), self.amount(doc.total_net), "total_net")
            if doc.total_tax is not None:
                y = self.pair(y, self.lab(w.pick("tax.US", "tax").format(
                    rate=self.ns.rate(doc.tax_groups[0][0]))), self.amount(doc.total_tax),
                    "total_tax")  # fmt: skip
        label = w.pick("gross.receipt", "gross")
        y = self.pair(y + 2, label.upper() if self.rng.random() < 0.5 else label,
                      self.amount(doc.total_gross), "total_gross", bold=True,
                      size=self.size + 1.5) + 2  # fmt: skip
        if doc.paid_by:
            y = self.pair(y, w(doc.paid_by), self.amount(doc.tendered or doc.total_gross, False),
                          None)  # fmt: skip
        if doc.change is not None:
            y = self.pair(y, w("change"), self.amount(doc.change, False), None)
        return y + 2

    def vat_rows(self, y: float) -> float:
        """Per rate: code, rate, net, tax, gross; the total VAT marked where there is one."""
        doc, s, pen = self.doc, self.size - 0.5, self.pen
        span = self.right - self.left
        xs = [self.left, self.left + span * 0.42, self.left + span * 0.7, self.right]
        heads = VAT_TABLE_HEADS[doc.language]
        for x, h in zip(xs, (heads[0], heads[1], heads[2], heads[3]), strict=True):
            pen.text(x, y, h, self.font, s, align="left" if x == self.left else "right")
        y += s * 1.3
        single = len(doc.tax_groups) == 1
        for k, (rate, base, tax) in enumerate(doc.tax_groups):
            code = "ABCD"[k]
            cells = [f"{code} {self.ns.rate(rate)}%", self.amount(base, False),
                     self.amount(tax, False), self.amount(base + tax, False)]  # fmt: skip
            names = [None, "total_net" if single else None, "total_tax" if single else None,
                     None]  # fmt: skip
            for x, c, name in zip(xs, cells, names, strict=True):
                pen.text(x, y, c, self.font, s, align="left" if x == self.left else "right",
                         name=name)
            y += s * 1.3
        if not single and doc.total_tax is not None:
            y = self.pair(y, self.w("tax_total"), self.amount(doc.total_tax, False), "total_tax",
                          size=s)  # fmt: skip
        return y
