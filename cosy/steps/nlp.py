"""spaCy on the page: tokens with boxes, sentences and label hits of per-language lexicons.

No spaCy model package can be downloaded, so the pipelines are ``spacy.blank(lang)`` with the
rule-based sentencizer (loaded once per process by :class:`cosy.inference.resources.Resources`);
matching is done with spaCy's PhraseMatcher on the project's own label lexicons.

Artifacts are plain dataclasses, not spaCy ``Doc`` objects: they cross Dask task boundaries
cheaply, and a step that needs a ``Doc`` rebuilds one from the tokens (:func:`page_doc`), which
keeps token indices identical across steps. Every token knows its line, its word and its box, so
whatever matches on tokens can be traced back to the page.
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from cosy.domain import BBox, Line
from cosy.engine.step import StepContext, step
from cosy.steps.fields.common import word_spans


@dataclass(frozen=True, slots=True)
class Token:
    """A spaCy token of a page line with its box (words split by the tokenizer share theirs)."""

    text: str
    line: int  # index in page.lines
    word: int  # index of the word within its line
    start: int  # offset in the page text
    end: int
    bbox: BBox
    space: bool  # whitespace follows within the line
    size: float = 0.0
    bold: bool = False
    cell_start: bool = False  # first token of a cell (line start or after a wide gap)


@dataclass(frozen=True, slots=True)
class Sentence:
    """Tokens [start, end) of a page forming one sentence (or one free-standing line unit)."""

    start: int
    end: int
    text: str
    bbox: BBox


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A field label found on the page: 'Telefon', 'Invoice No.', 'Geschäftsführer' ..."""

    category: str  # phone, fax, email, website, contact, director, invoice_number, ...
    lang: str  # the lexicon that found it: de, en, fr, xx
    text: str
    line: int
    start: int  # token indices [start, end)
    end: int
    bbox: BBox


LANGS = ("de", "en", "fr")


def doc_lang(language: Any) -> str:
    """The spaCy language for a document: its predicted language, English when unknown."""
    label = getattr(language, "label", language)
    return label if label in LANGS else "en"


def line_tokens(nlp: Any, line: Line, index: int) -> list[Token]:
    """Tokenise one line and give each token the box of its share of the word it lies in."""
    spans = word_spans(line)
    out: list[Token] = []
    cell_start = True
    k = 0
    for t in nlp.tokenizer(line.text):
        if t.is_space:  # a tab: the layout's cell separator
            cell_start = True
            if out and out[-1].line == index:
                out[-1] = replace(out[-1], space=True)
            continue
        a, b = t.idx, t.idx + len(t.text)
        while k + 1 < len(spans) and spans[k][1] <= a:
            k += 1
        w, (ws, we) = line.words[k], spans[k]
        width = (w.x1 - w.x0) / max(we - ws, 1)
        x0 = w.x0 + width * max(a - ws, 0)
        x1 = w.x0 + width * min(b - ws, we - ws)
        out.append(Token(t.text, index, k, line.start + a, line.start + b,
                         (x0, w.top, max(x1, x0), w.bottom), bool(t.whitespace_), w.size, w.bold,
                         cell_start))
        cell_start = False
    return out


def tokenize_lines(nlp: Any, lines: list[Line]) -> list[Token]:
    return [t for i, line in enumerate(lines) for t in line_tokens(nlp, line, i)]


@step("nlp.tokens", scope="page", requires=["page.lines", "doc.language"],
      provides=["page.tokens"])
def tokens(page_lines: list[Line], doc_language: Any, ctx: StepContext) -> list[Token]:
    """The page's spaCy tokens in reading order, each mapped back to its line, word and box."""
    return tokenize_lines(ctx.resources.nlp(doc_lang(doc_language)), page_lines)


def page_doc(nlp: Any, toks: list[Token]) -> Any:
    """A spaCy Doc over the page's tokens (token i of the Doc is ``toks[i]``)."""
    from spacy.tokens import Doc

    spaces = [t.space or (i + 1 < len(toks) and toks[i + 1].line != t.line)
              for i, t in enumerate(toks)]
    return Doc(nlp.vocab, words=[t.text for t in toks], spaces=spaces)


def _line_breaks_sentence(lines: list[Line], toks: list[Token], i: int) -> bool:
    """Whether token i, the first of its line, starts a new unit: prose runs on over a line
    break only in the same column, close below, after a line of several words without a tab."""
    prev = lines[toks[i - 1].line]
    line = lines[toks[i].line]
    height = max(w.bottom - w.top for w in prev.words)
    gap = line.words[0].top - prev.words[-1].bottom
    return ("\t" in prev.text or "\t" in line.text or len(prev.words) < 5
            or abs(line.words[0].x0 - prev.words[0].x0) > 3 or gap > 0.8 * height
            or prev.text.rstrip().endswith(":")
            or (prev.text.rstrip()[-1:] in ".!?" and line.text[:1].isupper()))


def _ends_sentence(toks: list[Token], i: int) -> bool:
    """Whether the sentencizer's break before token i (same line) ends a sentence and not an
    abbreviation: '... genanntes Konto. Vielen Dank' but not 'Hethurstr. 9', 'Pos. Art.-Nr.'."""
    word = toks[i - 2].text if i >= 2 and toks[i - 2].line == toks[i].line else ""
    return (toks[i - 1].text in {".", "!", "?"} and toks[i - 1].space and toks[i].text[:1].isupper()
            and len(word) >= 4 and word.isalpha() and word[-1].islower())


def split_sentences(nlp: Any, lines: list[Line], toks: list[Token]) -> list[Sentence]:
    """Sentences from spaCy's sentencizer, plus a break wherever the layout ends a unit."""
    if not toks:
        return []
    doc = nlp.get_pipe("sentencizer")(page_doc(nlp, toks))
    starts = [i for i in range(len(toks)) if i == 0
              or (toks[i].line != toks[i - 1].line and _line_breaks_sentence(lines, toks, i))
              or (toks[i].line == toks[i - 1].line and doc[i].is_sent_start
                  and _ends_sentence(toks, i))]
    out = []
    for a, b in zip(starts, [*starts[1:], len(toks)], strict=True):
        part = toks[a:b]
        text = "".join(t.text + (" " if t.space or (k + 1 < len(part) and part[k + 1].line
                                 != t.line) else "") for k, t in enumerate(part)).strip()
        box = (min(t.bbox[0] for t in part), min(t.bbox[1] for t in part),
               max(t.bbox[2] for t in part), max(t.bbox[3] for t in part))
        out.append(Sentence(a, b, text, box))
    return out


@step("nlp.sentences", scope="page", requires=["page.lines", "page.tokens", "doc.language"],
      provides=["page.sentences"])
def sentences(page_lines: list[Line], page_tokens: list[Token], doc_language: Any,
              ctx: StepContext) -> list[Sentence]:
    """Sentences of the page: the sentencizer's, cut where a line stands on its own."""
    return split_sentences(ctx.resources.nlp(doc_lang(doc_language)), page_lines, page_tokens)


# --- label lexicons ------------------------------------------------------------------------------

LEXICONS: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "phone": ("Telefon", "Tel.", "Tel", "Fon", "Telefonnummer", "Rufnummer", "Mobil",
                  "Mobiltelefon", "Handy", "Tel.-Nr.", "Telefon-Nr."),
        "fax": ("Fax", "Telefax", "Faxnummer", "Fax-Nr."),
        "email": ("E-Mail", "Email", "Mail", "E-Mail-Adresse"),
        "website": ("Internet", "Web", "Homepage", "Webseite", "Website"),
        "contact": ("Ansprechpartner", "Ansprechpartnerin", "Ihr Ansprechpartner",
                    "Ihre Ansprechpartnerin", "Bearbeiter", "Bearbeiterin", "Sachbearbeiter",
                    "Sachbearbeiterin", "Kontakt", "Kontaktperson", "Zuständig"),
        "director": ("Geschäftsführer", "Geschäftsführerin", "Geschäftsführung", "GF",
                     "Vorstand", "Inhaber", "Inhaberin", "Vertretungsberechtigter"),
        "invoice_number": ("Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr.", "Re.-Nr."),
        "customer_number": ("Kundennummer", "Kunden-Nr.", "Kd.-Nr."),
        "order_number": ("Bestellnummer", "Bestell-Nr.", "Auftragsnummer", "Auftrags-Nr."),
        "vat_id": ("USt-IdNr.", "USt-ID", "Umsatzsteuer-ID", "USt.-IdNr."),
        "tax_number": ("Steuernummer", "St.-Nr.", "Steuer-Nr."),
        "register": ("Handelsregister", "Registergericht", "Amtsgericht"),
        "attention": ("z. Hd.", "z.Hd.", "zu Händen", "c/o"),
    },
    "en": {
        "phone": ("Phone", "Telephone", "Tel.", "Tel", "Mobile", "Cell", "Phone No."),
        "fax": ("Fax", "Facsimile", "Fax No."),
        "email": ("Email", "E-mail", "E-Mail", "Mail", "Email address"),
        "website": ("Web", "Website", "Internet", "Homepage", "URL"),
        "contact": ("Contact", "Your Contact", "Contact person", "Sales Rep", "Account manager",
                    "Handled by"),
        "director": ("Managing Director", "Managing Directors", "Director", "Directors", "CEO",
                     "Owner", "Proprietor"),
        "invoice_number": ("Invoice No.", "Invoice Number", "Invoice #", "Invoice no"),
        "customer_number": ("Customer No.", "Customer Number", "Account No."),
        "order_number": ("Order No.", "Order Number", "PO Number", "PO No."),
        "vat_id": ("VAT No.", "VAT ID", "VAT Reg. No.", "VAT Number"),
        "tax_number": ("Tax No.", "Tax Number", "Tax ID"),
        "register": ("Company No.", "Registered in", "Company Number", "Register court"),
        "attention": ("Attn", "Attn.", "Attention", "FAO", "c/o"),
    },
    "fr": {
        "phone": ("Tél.", "Tél", "Téléphone", "Tel.", "Portable", "Mobile"),
        "fax": ("Fax", "Télécopie"),
        "email": ("E-mail", "Courriel", "Mél.", "Email"),
        "website": ("Site", "Site web", "Site internet", "Web"),
        "contact": ("Interlocuteur", "Votre interlocuteur", "Votre interlocutrice", "Contact",
                    "Suivi par", "Affaire suivie par"),
        "director": ("Gérant", "Gérante", "Président", "Présidente", "Directeur général",
                     "Directrice générale"),
        "invoice_number": ("N° de facture", "Facture n°", "Numéro de facture"),
        "customer_number": ("N° client", "Numéro client", "Code client"),
        "order_number": ("N° de commande", "Numéro de commande", "Bon de commande"),
        "vat_id": ("N° TVA", "TVA intracommunautaire", "N° de TVA"),
        "tax_number": ("SIRET", "N° SIRET", "SIREN"),
        "register": ("RCS", "R.C.S."),
        "attention": ("À l'attention de", "A l'attention de", "À l'att. de"),
    },
}
"""Field labels per language: what a reader takes as the name of the value beside it."""

SYMBOLS: dict[str, tuple[str, ...]] = {
    "phone": ("T", "☎", "✆", "📞", "P", "M"),
    "fax": ("F",),
    "email": ("E", "✉", "@"),
    "website": ("W", "I"),
}
"""Language-neutral one-character labels ('T +49 ...', 'E info@...'), matched case-sensitively
and only where a value of their kind follows (see :func:`resolve_hits`)."""

_lock = threading.Lock()
_matchers: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
"""Matchers per spaCy pipeline (weak: a pipeline's matchers go with it, never to another)."""


def lexicon_matcher(nlp: Any, key: str, table: Mapping[str, Sequence[str]],
                    attr: str = "LOWER") -> Any:
    """A PhraseMatcher of ``table`` (match id -> phrases), built once per spaCy pipeline and
    ``key`` with that pipeline's tokenizer; every label lexicon of COSY is matched through it."""
    built = _matchers.setdefault(nlp, {})
    if key not in built:
        with _lock:
            if key not in built:
                from spacy.matcher import PhraseMatcher

                matcher = PhraseMatcher(nlp.vocab, attr=attr)
                for category, phrases in table.items():
                    matcher.add(category, [nlp.make_doc(p) for p in phrases])
                built[key] = matcher
    return built[key]


def may_match(texts: Sequence[str], phrases: Sequence[str]) -> bool:
    """Whether a LOWER PhraseMatcher of ``phrases`` could match within one of ``texts``, judged
    without a tokenizer: a match needs the phrase's characters in order, case-insensitively,
    with at most whitespace between them, and not inside a word. False means: no tokenizer of
    any language finds one, so a step may skip loading its (costly) language."""
    pattern = _phrases_pattern(tuple(phrases))
    return any(pattern.search(t) for t in texts)


@functools.cache
def _phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = (r"\s*".join(re.escape(c) for c in p if not c.isspace()) for p in phrases)
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(alternatives) + r")(?![^\W\d_])",
                      re.IGNORECASE)


def phrase_matcher(nlp: Any, lexicon: str) -> Any:
    """The matcher of one field-label lexicon (a language, or ``xx``: symbols, case-sensitive)."""
    if lexicon == "xx":
        return lexicon_matcher(nlp, "xx", SYMBOLS, attr="ORTH")
    return lexicon_matcher(nlp, lexicon, LEXICONS[lexicon])


def match_labels(nlp: Any, toks: list[Token], lexicon: str) -> list[LabelHit]:
    """Every hit of a lexicon on the page's tokens, within one line."""
    if not toks:
        return []
    doc = page_doc(nlp, toks)
    out = []
    for match_id, a, b in phrase_matcher(nlp, lexicon)(doc):
        if toks[a].line != toks[b - 1].line:
            continue
        part = toks[a:b]
        box = (part[0].bbox[0], min(t.bbox[1] for t in part), part[-1].bbox[2],
               max(t.bbox[3] for t in part))
        out.append(LabelHit(nlp.vocab.strings[match_id], lexicon, doc[a:b].text, toks[a].line,
                            a, b, box))
    return out


@step("nlp.labels.{lexicon}", scope="page", requires=["page.tokens", "doc.language"],
      provides=["page.labels.{lexicon}"], variants={
          **{lang: {"lexicon": lang, "name": f"the {lang} label lexicon"} for lang in LANGS},
          "xx": {"lexicon": "xx", "name": "one-character symbols"}})
def labels(page_tokens: list[Token], doc_language: Any, ctx: StepContext, *, lexicon: str,
           name: str) -> list[LabelHit]:
    """Label hits of {name} (spaCy PhraseMatcher) on the page's tokens."""
    return match_labels(ctx.resources.nlp(doc_lang(doc_language)), page_tokens, lexicon)


VALUE_AFTER = {
    "phone": re.compile(r"^[:.]?\s*\+?\(?\d"),
    "fax": re.compile(r"^[:.]?\s*\+?\(?\d"),
    "email": re.compile(r"^[:.]?\s*\S+@"),
    "website": re.compile(r"^[:.]?\s*(?:https?://|www\.|[\w-]+\.[a-z]{2,})", re.I),
}


def _text_after(lines: list[Line], toks: list[Token], hit: LabelHit) -> str:
    line = lines[hit.line]
    return line.text[toks[hit.end - 1].end - line.start:]


def resolve_hits(lines: list[Line], toks: list[Token],
                 *lexicons: list[LabelHit]) -> list[LabelHit]:
    """One label per place: the longest hit wins where lexicons overlap ('Ihr Ansprechpartner'
    over 'Ansprechpartner', 'E-Mail' found by two languages); a label must start its cell or
    follow a separator, and a one-character symbol counts only before a value of its kind."""
    hits = sorted((h for hs in lexicons for h in hs), key=lambda h: (h.start, -(h.end - h.start)))
    out: list[LabelHit] = []
    taken = -1
    for h in hits:
        if h.start < taken:
            continue
        first = toks[h.start]
        before = toks[h.start - 1].text if h.start > 0 and toks[h.start - 1].line == h.line \
            else ""
        if not (first.cell_start or before in {"·", "|", "•", ",", "/", "-", "–", "(", ":"}):
            continue  # 'Tel' inside 'Hotel Tel Aviv' or a label word within prose
        if h.lang == "xx" or (h.category in ("phone", "fax", "email", "website") \
                and len(h.text) <= 2):
            pattern = VALUE_AFTER.get(h.category)
            if pattern is None or not pattern.match(_text_after(lines, toks, h)):
                continue
        out.append(h)
        taken = h.end
    return out


@step("nlp.labels.resolve", scope="page",
      requires=["page.lines", "page.tokens", "page.labels.de", "page.labels.en",
                "page.labels.fr", "page.labels.xx"],
      provides=["page.label_hits"])
def label_hits(page_lines: list[Line], page_tokens: list[Token],
               page_labels_de: list[LabelHit], page_labels_en: list[LabelHit],
               page_labels_fr: list[LabelHit], page_labels_xx: list[LabelHit]) -> list[LabelHit]:
    """The page's field labels from all lexicons, overlaps resolved, in reading order."""
    return resolve_hits(page_lines, page_tokens, page_labels_de, page_labels_en,
                        page_labels_fr, page_labels_xx)
