"""Person names: the writer's contact person and managing director.

Candidates come from three kinds of evidence: PER mentions of the NER model (``ner.entities``),
the text a label introduces ('Ansprechpartner: Gerda Höfig', 'Geschäftsführer: ...', 'Gérant')
and, for the contact person, the signature under a closing formula ('Mit freundlichen Grüßen').
Names are normalised (salutations dropped, spaces collapsed), validated (two to five name words,
no digits, no company words), put in context (label, section) and given a role: the contact
person and the director are the writer's, so a name in the address window is the addressee's
and never either.
"""

from __future__ import annotations

import bisect
import re

from cosy.domain import FieldValue, Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import span_bbox
from cosy.steps.fields.contact.common import ContactMention, writer_side
from cosy.steps.nlp import LEXICONS, LabelHit, Token

SALUTATION = re.compile(r"^(?:herrn?|frau|mr\.?|mrs\.?|ms\.?|miss|m\.|mme\.?|mlle\.?|monsieur|"
                        r"madame)\s+", re.I)
PARTICLES = {"von", "van", "de", "der", "den", "du", "la", "le", "zu", "di", "da", "dos", "del",
             "y", "ten", "ter", "vom", "zur", "des", "d'", "af", "bin", "al"}
COMPANY = re.compile(
    r"\b(?:gmbh|ag|kg|ohg|gbr|e\.\s?k|ug|mbh|ltd|limited|llc|inc|plc|llp|sarl|sas|sa|eurl|"
    r"bank|banque|banca|banco|sparkasse|volksbank|services?|consulting|solutions|group|gruppe|holding|partners?|"
    r"amtsgericht|registergericht|finanzamt)\b", re.I)
"""Words that make a name a company's, a bank's or a court's, never a person's."""
LABEL_WORDS = {p.lower() for lex in LEXICONS.values() for ps in lex.values() for p in ps}
NAME_SPLIT = re.compile(r"\s*(?:,|;|\s[|·•/]\s|\s(?:und|and|et|&)\s)\s*")
CUT = re.compile(r"\t|\s[|·•]\s|\s(?:tel\.?|telefon|phone|fax|e-?mail|tél\.?)\b", re.I)
NER_SCORE = 0.55
LABEL_SCORE = 0.9
CLOSING_SCORE = 0.75


def line_of(lines: list[Line], offset: int) -> int:
    """The index of the line holding a page-text offset."""
    return max(bisect.bisect_right([ln.start for ln in lines], offset) - 1, 0)


def _mention(kind: str, line: Line, index: int, start: int, end: int, page: int, step_name: str,
             source: str, confidence: float, label: str | None = None,
             category: str = "") -> ContactMention:
    raw = line.text[start:end]
    return ContactMention(kind=kind, raw=raw, value=raw, page=page,
                          bbox=span_bbox(line, start, end),
                          span=(line.start + start, line.start + end), step=step_name,
                          confidence=confidence, label=label, line=index, source=source,
                          category=category)


def from_entities(entities: list[Mention], lines: list[Line], kind: str, step_name: str,
                  whole_cell: bool = False) -> list[ContactMention]:
    """The NER model's PER mentions as candidates of a person family (with ``whole_cell``
    only names standing alone in their cell, as a signature or a sidebar line does)."""
    out = []
    for e in entities:
        if e.kind != "PER":
            continue
        index = line_of(lines, e.span[0])
        line = lines[index]
        a, b = e.span[0] - line.start, e.span[1] - line.start
        if whole_cell and (line.text[:a].rsplit("\t", 1)[-1].strip()
                           or line.text[b:].split("\t", 1)[0].strip()):
            continue
        m = _mention(kind, line, index, e.span[0] - line.start, e.span[1] - line.start, e.page,
                     step_name, "ner", NER_SCORE * 0.5 + 0.5 * e.confidence)
        m.model = e.model
        out.append(m)
    return out


def after_labels(lines: list[Line], toks: list[Token], hits: list[LabelHit], category: str,
                 kind: str, page: int, step_name: str) -> list[ContactMention]:
    """The names a label introduces: the rest of its cell, else the cell under it; a list
    ('Geschäftsführer: A, B') gives one candidate per name, the first trusted most."""
    out = []
    for h in hits:
        if h.category != category:
            continue
        index, line = h.line, lines[h.line]
        start = toks[h.end - 1].end - line.start
        rest = line.text[start:]
        start += len(rest) - len(rest.lstrip(" \t:.-"))
        cut = CUT.search(line.text, start)
        end = cut.start() if cut else len(line.text)
        if end - start < 3 and h.line + 1 < len(lines):  # the name stands under its label
            index, line = h.line + 1, lines[h.line + 1]
            cut = CUT.search(line.text)
            start, end = 0, cut.start() if cut else len(line.text)
        pos = start
        for k, part in enumerate(NAME_SPLIT.split(line.text[start:end])):
            a = line.text.index(part, pos) if part else pos
            pos = a + len(part)
            if part.strip():
                out.append(_mention(kind, line, index, a, a + len(part), page, step_name,
                                    "label", LABEL_SCORE - 0.1 * min(k, 3), h.text, category))
    return out


def after_closing(lines: list[Line], sections: list[str], page: int,
                  step_name: str) -> list[ContactMention]:
    """The signature: the first name-like line under a closing formula."""
    out = []
    for i, section in enumerate(sections):
        if section != "closing" or (i > 0 and sections[i - 1] == "closing"):
            continue
        for j in range(i + 1, min(i + 4, len(lines))):
            text = lines[j].text.split("\t")[0]
            if sections[j] == "closing" and looks_like_person(normalise_name(text)):
                out.append(_mention("contact_person", lines[j], j, 0, len(text), page,
                                    step_name, "closing", CLOSING_SCORE))
                break
    return out


def normalise_name(raw: str) -> str:
    """'Herr  Dr. Max Muster,' -> 'Herr Dr. Max Muster': spaces and punctuation around the name
    go; a salutation stays, as printed (the generator's truth and a letter's reader keep it)."""
    return " ".join(raw.split()).strip(" ,;:|·-")


def looks_like_person(name: str) -> bool:
    """Two to five name words (particles and academic titles aside), capitalised, no digits,
    no company word, not a label."""
    name = SALUTATION.sub("", name)
    if not name or re.search(r"[\d@/:]", name) or COMPANY.search(name) \
            or name.lower() in LABEL_WORDS or not re.search(r"[a-zà-ÿ]", name):
        return False
    words = [w for w in name.split() if w.lower() not in PARTICLES
             and not re.fullmatch(r"(?:Dr|Prof|Ing|Dipl|Mag|Dott|Ir)\.(?:-\w+\.?)?", w)]
    return 2 <= len(words) <= 5 and all(w[:1].isupper() and len(w) > 1 for w in words)


def _normalise(mentions: list[ContactMention]) -> list[ContactMention]:
    out, seen = [], set()
    for m in mentions:
        m.value = normalise_name(m.raw)
        key = (m.value, m.line)
        if key in seen:  # NER and a label found the same name: keep the first (the label's)
            continue
        seen.add(key)
        out.append(m)
    return out


# --- candidates ----------------------------------------------------------------------------------


@step("fields.contact.candidates.contact_person.ner", scope="page",
      requires=["page.entities", "page.lines"], provides=["page.contact_person.ner"])
def contact_person_ner(page_entities: list[Mention],
                       page_lines: list[Line]) -> list[ContactMention]:
    """Person names the NER model found standing alone in their cell (signature, sidebar)."""
    return from_entities(page_entities, page_lines, "contact_person",
                         "fields.contact.candidates.contact_person.ner", whole_cell=True)


@step("fields.contact.candidates.contact_person.labelled", scope="page",
      requires=["page.lines", "page.tokens", "page.label_hits", "page_no"],
      provides=["page.contact_person.labelled"])
def contact_person_labelled(page_lines: list[Line], page_tokens: list[Token],
                            page_label_hits: list[LabelHit],
                            page_no: int) -> list[ContactMention]:
    """Names after a contact label (Ansprechpartner, Bearbeiter, Contact, Interlocuteur ...)."""
    return after_labels(page_lines, page_tokens, page_label_hits, "contact", "contact_person",
                        page_no, "fields.contact.candidates.contact_person.labelled")


@step("fields.contact.candidates.contact_person.closing", scope="page",
      requires=["page.lines", "page.contact.sections", "page_no"],
      provides=["page.contact_person.closing"])
def contact_person_closing(page_lines: list[Line], page_contact_sections: list[str],
                           page_no: int) -> list[ContactMention]:
    """The name signing a letter under its closing formula (Mit freundlichen Grüßen ...)."""
    return after_closing(page_lines, page_contact_sections, page_no,
                         "fields.contact.candidates.contact_person.closing")


@step("fields.contact.candidates.director.ner", scope="page",
      requires=["page.entities", "page.lines", "page.label_hits"],
      provides=["page.director.ner"])
def director_ner(page_entities: list[Mention], page_lines: list[Line],
                 page_label_hits: list[LabelHit]) -> list[ContactMention]:
    """Person names the NER model found on a line a director label stands on (or right under)."""
    lines_with = {h.line for h in page_label_hits if h.category == "director"}
    return [m for m in from_entities(page_entities, page_lines, "director",
                                     "fields.contact.candidates.director.ner")
            if m.line in lines_with or m.line - 1 in lines_with]


@step("fields.contact.candidates.director.labelled", scope="page",
      requires=["page.lines", "page.tokens", "page.label_hits", "page_no"],
      provides=["page.director.labelled"])
def director_labelled(page_lines: list[Line], page_tokens: list[Token],
                      page_label_hits: list[LabelHit], page_no: int) -> list[ContactMention]:
    """Names after a director label (Geschäftsführer, Managing Director, Gérant ...)."""
    return after_labels(page_lines, page_tokens, page_label_hits, "director", "director",
                        page_no, "fields.contact.candidates.director.labelled")


# --- normalise, validate -------------------------------------------------------------------------


@step("fields.contact.normalise.contact_person", scope="page",
      requires=["page.contact_person.labelled", "page.contact_person.closing",
                "page.contact_person.ner"],
      provides=["page.contact_person.normalised"])
def contact_person_normalise(page_contact_person_labelled: list[ContactMention],
                             page_contact_person_closing: list[ContactMention],
                             page_contact_person_ner: list[ContactMention],
                             ) -> list[ContactMention]:
    """Names without salutation or punctuation; one candidate per name and line."""
    return _normalise([*page_contact_person_labelled, *page_contact_person_closing,
                       *page_contact_person_ner])


@step("fields.contact.normalise.director", scope="page",
      requires=["page.director.labelled", "page.director.ner"],
      provides=["page.director.normalised"])
def director_normalise(page_director_labelled: list[ContactMention],
                       page_director_ner: list[ContactMention]) -> list[ContactMention]:
    """Names without salutation or punctuation; one candidate per name and line."""
    return _normalise([*page_director_labelled, *page_director_ner])


@step("fields.contact.validate.contact_person", scope="page",
      requires=["page.contact_person.normalised"], provides=["page.contact_person.valid"])
def contact_person_validate(
        page_contact_person_normalised: list[ContactMention]) -> list[ContactMention]:
    """Candidates that read as a person's name (no company, label, digits)."""
    return [m for m in page_contact_person_normalised if looks_like_person(m.value)]


@step("fields.contact.validate.director", scope="page", requires=["page.director.normalised"],
      provides=["page.director.valid"])
def director_validate(page_director_normalised: list[ContactMention]) -> list[ContactMention]:
    """Candidates that read as a person's name (no company, label, digits)."""
    return [m for m in page_director_normalised if looks_like_person(m.value)]


# --- role ----------------------------------------------------------------------------------------


def person_roles(mentions: list[ContactMention], kind: str, label: str) -> list[ContactMention]:
    """The writer's contact person or director: a name on the writer's side whose label is the
    family's (a name under 'Geschäftsführer' is no contact person); the NER model's confidence
    decides among unlabelled names."""
    out = []
    for m in mentions:
        if writer_side(m) != "writer" or (m.heading in ("buyer", "other") and m.source != "label"):
            continue
        if m.category and m.category != label and m.category in ("contact", "director",
                                                                 "attention"):
            continue  # another person family's label, or the addressee's ('Attn:')
        if m.category == label:
            m.score = max(m.confidence, LABEL_SCORE if m.source != "label" else m.confidence)
        elif m.source == "ner":
            if kind == "director" or m.section == "window":
                continue
            m.score = m.confidence * (1.0 if m.section in ("info", "closing", "header") else 0.6)
        else:
            m.score = m.confidence
        m.role = kind
        out.append(m)
    return out


@step("fields.contact.role.contact_person", scope="page", requires=["page.contact_person.context"],
      provides=["page.contact_person.roles"])
def contact_person_role(page_contact_person_context: list[ContactMention]) -> list[ContactMention]:
    """The candidates that can be the writer's contact person, each with its score."""
    return person_roles(page_contact_person_context, "contact_person", "contact")


@step("fields.contact.role.director", scope="page", requires=["page.director.context"],
      provides=["page.director.roles"])
def director_role(page_director_context: list[ContactMention]) -> list[ContactMention]:
    """The candidates that can be the writer's managing director, each with its score."""
    return person_roles(page_director_context, "director", "director")


@step("fields.contact.check.staff", scope="document",
      requires=["doc.contact.contact_person", "doc.contact.director"], provides=["doc.field.staff"])
def person_check(doc_contact_contact_person: dict[str, FieldValue],
                 doc_contact_director: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """Contact person and director together; an unlabelled contact person who is the director
    (the managing director signing a letter) is the director only."""
    out = {**doc_contact_contact_person, **doc_contact_director}
    contact, director = out.get("contact_person"), out.get("director")
    if contact is not None and director is not None and contact.value == director.value \
            and contact.confidence < LABEL_SCORE:
        del out["contact_person"]
    return out
