"""Named entities on the page: ORG, PER and ADDRESS spans from the ``token_ner`` model.

``ner.features`` turns every spaCy token (``nlp.tokens``) into hashed binary features: the token
and its neighbours (words, prefixes, suffixes, shapes), the label before it on its line or the
line above (``nlp.labels.*``: 'Ansprechpartner:' announces a person), its line and sentence, and
its layout (font size, bold, position on the page). ``ner.tags`` runs the model on all of a
page's tokens in one batch (BIO tags); ``ner.entities`` decodes the tags into mentions with
boxes. The same :func:`token_features` code builds the training rows
(``models/recipes/token_ner.py``), so training and production read tokens alike.
"""

from __future__ import annotations

import re
import statistics
import zlib

import numpy as np

from cosy.domain import Line, Mention, PageGeometry, union_bbox
from cosy.engine.step import StepContext, step
from cosy.inference.registry import run_classifier
from cosy.steps.nlp import LabelHit, Sentence, Token

NER_MODEL = "token_ner@1.0"
TAGS = ("O", "B-ORG", "I-ORG", "B-PER", "I-PER", "B-ADDRESS", "I-ADDRESS")
ENTITY_TYPES = ("ORG", "PER", "ADDRESS")
HASH_DIM = 1 << 14
FEATURES = {"kind": "token_ner", "hash_dim": HASH_DIM, "dim": HASH_DIM, "version": "1"}
POSTCODE_LINE = re.compile(r"(?:^|\s|-)\d{4,5}\s+[^\W\d]|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")


def shape(text: str) -> str:
    """Character classes with runs capped at three: 'Müller' -> 'Xxxx', '80333' -> 'ddd'."""
    out: list[str] = []
    for ch in text:
        c = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if len(out) >= 3 and out[-1] == out[-2] == out[-3] == c:
            continue
        out.append(c)
    return "".join(out)


def _label_maps(toks: list[Token], hits: list[LabelHit]) -> tuple[dict[int, str], dict[int, list]]:
    inside: dict[int, str] = {}
    by_line: dict[int, list[LabelHit]] = {}
    for h in hits:
        for k in range(h.start, h.end):
            inside[k] = h.category
        by_line.setdefault(h.line, []).append(h)
    return inside, by_line


def _line_context(lines: list[Line], n: int) -> list[str]:
    """The features every token of line ``n`` shares: what the line holds, the lines around."""
    text = lines[n].text
    out = []
    if POSTCODE_LINE.search(text):
        out.append("line_postcode")
    if "@" in text:
        out.append("line_at")
    if n > 0:
        above = lines[n - 1].text.lower().split()
        out.append(f"above={' '.join(above[:2])}")
    if n + 1 < len(lines):
        out.append(f"below={lines[n + 1].text.lower().split()[0]}")
    return out


def token_features(toks: list[Token], sentences: list[Sentence], hits: list[LabelHit],
                   lines: list[Line], geometry: PageGeometry) -> list[list[str]]:
    """The feature strings of each token (hashed by :func:`feature_matrix`)."""
    width = geometry.width
    height = geometry.height
    median = statistics.median([t.size for t in toks if t.size] or [10.0])
    inside, by_line = _label_maps(toks, hits)
    sent_start = {s.start for s in sentences}
    sent_len = {k: s.end - s.start for s in sentences for k in range(s.start, s.end)}
    first_of_line: dict[int, int] = {}
    count_of_line: dict[int, int] = {}
    for k, t in enumerate(toks):
        first_of_line.setdefault(t.line, k)
        count_of_line[t.line] = count_of_line.get(t.line, 0) + 1
    around = {n: _line_context(lines, n) for n in first_of_line}
    lowers = [t.text.lower() for t in toks]
    shapes = [shape(t.text) for t in toks]
    out = []
    for i, t in enumerate(toks):
        w, sh = lowers[i], shapes[i]
        f = ["bias", f"w={w}", f"p3={w[:3]}", f"s3={w[-3:]}", f"sh={sh}", f"len={min(len(w), 9)}"]
        for off in (-2, -1, 1, 2):
            j = i + off
            ok = 0 <= j < len(toks) and toks[j].line == t.line
            f.append(f"w{off}={lowers[j] if ok else '<line>'}")
            if abs(off) == 1:
                f.append(f"sh{off}={shapes[j] if ok else '<line>'}")
                f.append(f"cs{off}={toks[j].cell_start if ok else '-'}")
        prev = lowers[i - 1] if i and toks[i - 1].line == t.line else "<line>"
        nxt = lowers[i + 1] if i + 1 < len(toks) and toks[i + 1].line == t.line else "<line>"
        f += [f"bi-={prev}|{w}", f"bi+={w}|{nxt}"]
        if t.cell_start:
            f.append("cell_start")
        f.append(f"pos={min(i - first_of_line[t.line], 6)}")
        f.append(f"ntok={min(count_of_line[t.line], 12)}")
        f.append(f"lf={lowers[first_of_line[t.line]]}")
        f += around[t.line]
        if i in inside:
            f.append(f"inlab={inside[i]}")
        left = [h for h in by_line.get(t.line, []) if h.end <= i]
        lab = left[-1].category if left else None
        if lab:
            f += [f"lab={lab}", f"lab|sh={lab}|{sh}"]
            if i - left[-1].end <= 1:
                f.append(f"labnext={lab}")
        elif by_line.get(t.line - 1):
            up = by_line[t.line - 1][-1].category
            f += [f"labup={up}", f"labup|sh={up}|{sh}"]
        y, x = t.bbox[1] / height, t.bbox[0] / width
        f += [f"yb={min(int(y * 10), 9)}", f"xb={min(int(x * 4), 3)}"]
        size = round(4 * t.size / median) if median else 4
        f += [f"sz={min(size, 10)}", f"sz|sh={min(size, 10)}|{sh}"]
        if t.bold:
            f += ["bold", f"bold|sh={sh}"]
        if i in sent_start:
            f.append("sent_start")
        f.append(f"slen={min(sent_len.get(i, 1), 15)}")
        f.append(f"yb|sh={min(int(y * 10), 9)}|{sh}")
        out.append(f)
    return out


def feature_indices(rows: list[list[str]], dim: int = HASH_DIM) -> list[list[int]]:
    """Each token's hashed feature buckets (crc32: the same in every process)."""
    return [sorted({zlib.crc32(s.encode("utf-8")) % dim for s in row}) for row in rows]


def feature_matrix(rows: list[list[str]], dim: int = HASH_DIM) -> np.ndarray:
    """Dense float32 [tokens, dim] binary matrix: the model's input."""
    indices = feature_indices(rows, dim)
    x = np.zeros((len(rows), dim), dtype=np.float32)
    r = np.repeat(np.arange(len(indices)), [len(i) for i in indices])
    x[r, np.fromiter((c for i in indices for c in i), dtype=np.int64, count=len(r))] = 1.0
    return x


@step("ner.features", scope="page",
      requires=["page.tokens", "page.sentences", "page.label_hits", "page.lines",
                "page.geometry"],
      provides=["page.ner.features"])
def ner_features(page_tokens: list[Token], page_sentences: list[Sentence],
                 page_label_hits: list[LabelHit], page_lines: list[Line],
                 page_geometry: PageGeometry) -> np.ndarray:
    """Hashed token features of the page (words, neighbours, labels, layout), one row a token."""
    return feature_matrix(token_features(page_tokens, page_sentences, page_label_hits,
                                         page_lines, page_geometry))


@step("ner.tags", scope="page", requires=["page.ner.features"], provides=["page.ner.tags"],
      model=NER_MODEL)
def ner_tags(page_ner_features: np.ndarray, ctx: StepContext) -> list[tuple[str, float]]:
    """The BIO tag and its probability of every token of the page (one model run per page)."""
    if len(page_ner_features) == 0:
        return []
    spec = ctx.resources.model(NER_MODEL)
    probs = run_classifier(spec, ctx.resources.session(NER_MODEL), page_ner_features)
    best = probs.argmax(axis=1)
    return [(spec.labels[k], float(probs[r, k])) for r, k in enumerate(best)]


def decode(toks: list[Token], tags: list[tuple[str, float]]) -> list[tuple[str, int, int, float]]:
    """BIO tags to (type, start, end, mean probability) spans; an I- tag without its B- starts
    a span, and no span crosses a line or a cell boundary (a wide gap: another column)."""
    spans: list[tuple[str, int, int, float]] = []
    cur: tuple[str, int] | None = None
    probs: list[float] = []
    for i, (tag, p) in enumerate([*tags, ("O", 1.0)]):
        kind = tag[2:] if tag != "O" else None
        cont = (cur is not None and tag.startswith("I-") and kind == cur[0]
                and toks[i].line == toks[i - 1].line and not toks[i].cell_start) \
            if i < len(toks) else False
        if cur is not None and not cont:
            spans.append((cur[0], cur[1], i, sum(probs) / len(probs)))
            cur = None
        if kind is not None and not cont and i < len(toks):
            cur, probs = (kind, i), []
        if cur is not None:
            probs.append(p)
    return spans


def entity_mentions(toks: list[Token], tags: list[tuple[str, float]], lines: list[Line],
                    page: int) -> list[Mention]:
    """Decoded spans as Mentions (kind ORG/PER/ADDRESS) with their text, box and page span."""
    out = []
    for kind, a, b, p in decode(toks, tags):
        line = lines[toks[a].line]
        text = line.text[toks[a].start - line.start: toks[b - 1].end - line.start]
        text = " ".join(text.split())
        out.append(Mention(kind=kind, raw=text, value=text, page=page,
                           bbox=union_bbox(t.bbox for t in toks[a:b]),
                           span=(toks[a].start, toks[b - 1].end), step="ner.entities",
                           confidence=round(p, 4), model=NER_MODEL))
    return out


@step("ner.entities", scope="page",
      requires=["page.tokens", "page.ner.tags", "page.lines", "page_no"],
      provides=["page.entities"])
def ner_entities(page_tokens: list[Token], page_ner_tags: list[tuple[str, float]],
                 page_lines: list[Line], page_no: int) -> list[Mention]:
    """The page's ORG, PER and ADDRESS mentions, decoded from the BIO tags, with boxes."""
    return entity_mentions(page_tokens, page_ner_tags, page_lines, page_no)

