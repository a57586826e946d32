"""E-mail addresses and websites: spaCy Matcher → normalise → validate → context → role → select.

Candidates come from spaCy's token attributes (``LIKE_EMAIL``, ``LIKE_URL``) through a Matcher
on the page's tokens, and for e-mail also from the text after an e-mail label written the way
spam filters cannot read ('info (at) firma.de'). Values are normalised as they are compared:
an e-mail lower-cased, a website lower-cased without scheme, trailing slash or path.
"""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

from cosy.domain import Line
from cosy.engine.step import StepContext, step
from cosy.steps.fields.common import span_bbox
from cosy.steps.fields.contact.common import ContactMention
from cosy.steps.nlp import LabelHit, Token, doc_lang, page_doc

PATTERNS = {"email": [[{"LIKE_EMAIL": True}]], "website": [[{"LIKE_URL": True}]]}
"""Matcher patterns: one token that spaCy's lexical attributes call an e-mail or a URL."""
OBFUSCATED = re.compile(
    r"(?P<email>[\w.+-]+\s?(?:\(at\)|\[at\]|\{at\}|\sat\s)\s?[\w-]+(?:\s?(?:\(dot\)|\[dot\]|\.)"
    r"\s?[\w-]+)+)", re.I)
EMAIL = re.compile(r"^[a-z0-9][a-z0-9._%+-]*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}$")
HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}$")
NOT_A_SITE = re.compile(r"\.(?:pdf|xml|docx?|xlsx?|png|jpe?g|zip|csv|txt)$", re.I)

_lock = threading.Lock()
_matchers: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
"""Matchers per spaCy pipeline (weak: a pipeline's matchers go with it, never to another)."""


def token_matcher(nlp: Any, kind: str) -> Any:
    """A spaCy Matcher of one kind's token patterns, built once per pipeline."""
    built = _matchers.setdefault(nlp, {})
    if kind not in built:
        with _lock:
            if kind not in built:
                from spacy.matcher import Matcher

                matcher = Matcher(nlp.vocab)
                matcher.add(kind, PATTERNS[kind])
                built[kind] = matcher
    return built[kind]


def matched(nlp: Any, toks: list[Token], kind: str, page: int,
            step_name: str) -> list[ContactMention]:
    """Tokens the kind's Matcher finds, as candidates (an e-mail is never a website)."""
    if not toks:
        return []
    doc = page_doc(nlp, toks)
    out = []
    for _, a, _b in token_matcher(nlp, kind)(doc):
        t = toks[a]
        if kind == "website" and (doc[a].like_email or "@" in t.text):
            continue
        if a > 0 and toks[a - 1].line == t.line and not toks[a - 1].space \
                and toks[a - 1].text not in "(<[":
            continue  # part of a longer string ('urn:cen.eu:en16931'), not an address
        out.append(ContactMention(kind=kind, raw=t.text, value=t.text, page=page, bbox=t.bbox,
                                  span=(t.start, t.end), step=step_name, confidence=0.85,
                                  line=t.line, source="matcher"))
    return out


@step("fields.contact.candidates.email.matched", scope="page",
      requires=["page.tokens", "doc.language", "page_no"],
      provides=["page.email.matched"])
def email_candidates(page_tokens: list[Token], doc_language: Any,
                     page_no: int, ctx: StepContext) -> list[ContactMention]:
    """E-mail addresses: tokens spaCy's Matcher calls LIKE_EMAIL."""
    return matched(ctx.resources.nlp(doc_lang(doc_language)), page_tokens, "email", page_no,
                   "fields.contact.candidates.email.matched")


@step("fields.contact.candidates.email.obfuscated", scope="page",
      requires=["page.lines", "page.tokens", "page.label_hits", "page_no"],
      provides=["page.email.obfuscated"])
def email_obfuscated(page_lines: list[Line], page_tokens: list[Token],
                     page_label_hits: list[LabelHit], page_no: int) -> list[ContactMention]:
    """Addresses after an e-mail label written against harvesters: 'info (at) firma (dot) de'."""
    out = []
    for h in page_label_hits:
        if h.category != "email":
            continue
        line = page_lines[h.line]
        pos = page_tokens[h.end - 1].end - line.start
        pos += len(line.text[pos:]) - len(line.text[pos:].lstrip(" \t:."))
        m = OBFUSCATED.match(line.text, pos)
        if m is None:
            continue
        start, end = m.span("email")
        out.append(ContactMention(kind="email", raw=m["email"], value=m["email"], page=page_no,
                                  bbox=span_bbox(line, start, end),
                                  span=(line.start + start, line.start + end),
                                  step="fields.contact.candidates.email.obfuscated", confidence=0.8,
                                  label=h.text, line=h.line, source="label", category="email"))
    return out


@step("fields.contact.candidates.website", scope="page",
      requires=["page.tokens", "doc.language", "page_no"],
      provides=["page.website.candidates"])
def website_candidates(page_tokens: list[Token], doc_language: Any,
                       page_no: int, ctx: StepContext) -> list[ContactMention]:
    """Websites: tokens spaCy's Matcher calls LIKE_URL (www.firma.de, https://firma.de/)."""
    return matched(ctx.resources.nlp(doc_lang(doc_language)), page_tokens, "website", page_no,
                   "fields.contact.candidates.website")


# --- normalise and validate ----------------------------------------------------------------------


def normalise_email(raw: str) -> str:
    """'Info (at) Firma.DE' -> 'info@firma.de', 'mailto:' and trailing punctuation dropped."""
    text = re.sub(r"^mailto:", "", raw.strip(), flags=re.I)
    text = re.sub(r"\s?(?:\(at\)|\[at\]|\{at\}|\sat\s)\s?", "@", text, flags=re.I)
    text = re.sub(r"\s?(?:\(dot\)|\[dot\])\s?", ".", text, flags=re.I)
    return re.sub(r"\s+", "", text).strip(".,;:)(<>").lower()


def normalise_website(raw: str) -> str:
    """'https://www.Firma.de/kontakt' -> 'www.firma.de': the host, without scheme or path."""
    text = re.sub(r"^[a-z]+://", "", raw.strip(" .,;:()<>"), flags=re.I)
    return text.split("/", 1)[0].split("?", 1)[0].lower()


@step("fields.contact.normalise.email", scope="page",
      requires=["page.email.matched", "page.email.obfuscated"],
      provides=["page.email.normalised"])
def email_normalise(page_email_matched: list[ContactMention],
                    page_email_obfuscated: list[ContactMention]) -> list[ContactMention]:
    """Both sources' addresses lower-cased, de-obfuscated, without 'mailto:' or punctuation."""
    out = []
    for m in [*page_email_matched, *page_email_obfuscated]:
        m.value = normalise_email(m.raw)
        out.append(m)
    return out


@step("fields.contact.normalise.website", scope="page", requires=["page.website.candidates"],
      provides=["page.website.normalised"])
def website_normalise(page_website_candidates: list[ContactMention]) -> list[ContactMention]:
    """Websites as their lower-cased host, without scheme or path ('www.firma.de')."""
    for m in page_website_candidates:
        m.value = normalise_website(m.raw)
    return page_website_candidates


@step("fields.contact.validate.email", scope="page", requires=["page.email.normalised"],
      provides=["page.email.valid"])
def email_validate(page_email_normalised: list[ContactMention]) -> list[ContactMention]:
    """Addresses of a valid shape: local part, '@', a domain with a top-level domain."""
    return [m for m in page_email_normalised if EMAIL.match(m.value) and len(m.value) <= 254]


@step("fields.contact.validate.website", scope="page", requires=["page.website.normalised"],
      provides=["page.website.valid"])
def website_validate(page_website_normalised: list[ContactMention]) -> list[ContactMention]:
    """Hosts of a valid shape (labels, a top-level domain), no file names ('rechnung.pdf')."""
    return [m for m in page_website_normalised
            if HOST.match(m.value) and not NOT_A_SITE.search(m.value)
            and not re.fullmatch(r"[\d.]+", m.value)]
