"""Turn what a user names on the command line into a stream of entries and refusals.

A source is a file, a folder (walked recursively, in name order), or a glob pattern. A file is
judged by its bytes, never by its name alone: a PDF is an entry; a ZIP archive, an ``.eml``
message or an ``.mbox`` mailbox is opened and its contents judged the same way (archives inside
archives up to ``COSY_BATCH_MAX_DEPTH``); anything else is refused with what it looks like.
One bad source or entry is a refusal, never the end of the batch.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from cosy.batch import archives, mail
from cosy.batch.items import Budget, Entry, Item, Limits, Refusal
from cosy.ingest import sniff_media_type

HEAD = 4096
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")


def kind_of(head: bytes, name: str) -> str:
    """``pdf``, ``zip``, ``mbox``, ``eml`` or ``other``: what the first bytes (and, for mail that
    has no magic number, the name or its header lines) say a file is."""
    media = sniff_media_type(head)
    if media == "application/pdf":
        return "pdf"
    if media == "application/zip" or head.startswith(b"PK\x05\x06"):  # an empty archive too
        return "zip"
    lower = name.lower()
    if head.startswith(b"From ") or lower.endswith(".mbox"):
        return "mbox"
    if lower.endswith(".eml") or (_HEADER_LINE.match(head) and b"\nfrom:" in head.lower()
                                  and b"\nsubject:" in b"\n" + head.lower()):
        return "eml"
    return "other"


def not_pdf(where: str, head: bytes) -> Refusal:
    return Refusal(where, "unsupported_media_type", f"not a PDF (its bytes look like "
                   f"{sniff_media_type(head)}); COSY reads PDF files")


def iter_sources(paths: Sequence[str], limits: Limits) -> Iterator[Item]:
    """Every entry and refusal of the given sources, in order."""
    for arg in paths:
        path = Path(arg)
        if path.exists():
            yield from _path(path, limits)
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield Refusal(arg, "not_found", "no file matches this pattern")
            base = _static_prefix(arg)
            for m in matches:
                if _through_link(Path(m), base):
                    yield Refusal(m, "symlink", "reached through a symbolic link; links are "
                                  "not followed")
                else:
                    yield from _path(Path(m), limits)
        else:
            yield Refusal(arg, "not_found", "no such file or directory")


def _static_prefix(pattern: str) -> Path:
    """The folder a glob pattern starts in: its leading parts without wildcards."""
    parts = Path(pattern).parts
    n = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    return Path(*parts[:n]) if n else Path(".")


def _through_link(path: Path, base: Path) -> bool:
    """Whether a glob match is, or lies under, a symbolic link below the pattern's folder."""
    for p in (path, *path.parents):
        if p == base or len(p.parts) <= len(base.parts):
            return False
        if p.is_symlink():
            return True
    return False


def _path(path: Path, limits: Limits) -> Iterator[Item]:
    """A file, or a folder walked in name order (links inside it are refused, not followed)."""
    if not path.is_dir():
        yield from _guarded(str(path), lambda: _file(path, limits))
        return
    unreadable: list[OSError] = []
    for root, dirs, files in os.walk(path, onerror=unreadable.append):
        dirs.sort()
        for d in list(dirs):
            if os.path.islink(os.path.join(root, d)):
                dirs.remove(d)
                yield Refusal(os.path.join(root, d), "symlink",
                              "a symbolic link to a folder; links are not followed")
        for name in sorted(files):
            f = Path(root, name)
            if f.is_symlink():
                yield Refusal(str(f), "symlink", "a symbolic link; links are not followed")
            else:
                yield from _guarded(str(f), lambda f=f: _file(f, limits))
    for err in unreadable:  # a folder os.walk could not list
        yield Refusal(str(err.filename or path), "unreadable",
                      f"cannot be read ({err.strerror or err})")


def _guarded(where: str, make: Callable[[], Iterator[Item]]) -> Iterator[Item]:
    """Run a source's reader; whatever it raises becomes one refusal and the batch goes on."""
    try:
        yield from make()
    except OSError as err:
        yield Refusal(where, "unreadable", f"cannot be read ({err.strerror or err})")
    except Exception as err:  # a reader's bug must not end a batch of thousands
        yield Refusal(where, "unreadable", f"{type(err).__name__}: {err}")


def _file(path: Path, limits: Limits) -> Iterator[Item]:
    where = str(path)
    with path.open("rb") as fh:
        head = fh.read(HEAD)
        kind = kind_of(head, path.name)
        if kind == "pdf":
            size = path.stat().st_size
            if size > limits.max_bytes:
                yield _too_large(where, size, limits)
                return
            yield Entry(where, head + fh.read())
        elif kind == "zip":
            yield from _zip(fh, where, 1, limits, Budget(limits.max_archive_bytes), None)
        elif kind == "mbox":
            yield from _mbox(path, where, 0, limits, Budget(limits.max_archive_bytes))
        elif kind == "eml":
            data = head + fh.read(limits.max_archive_bytes)
            yield from _message(data, where, 0, limits, Budget(limits.max_archive_bytes))
        else:
            yield not_pdf(where, head)


def _too_large(where: str, size: int, limits: Limits) -> Refusal:
    return Refusal(where, "too_large", f"{size / 1048576:.1f} MB, over the limit of "
                   f"{limits.max_bytes / 1048576:.0f} MB")


def _content(body: IO[bytes], where: str, depth: int, limits: Limits, budget: Budget,
             sent: dict[str, str] | None) -> Iterator[Item]:
    """What an archive entry or attachment holds: a PDF, a nested archive, mail, or a refusal."""
    head = body.read(HEAD)
    body.seek(0)
    kind = kind_of(head, where)
    if kind == "pdf":
        data = body.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            yield _too_large(where, len(data) + len(body.read()), limits)
        else:
            yield Entry(where, data, sent)
    elif kind == "zip":
        if depth >= limits.max_depth:
            yield Refusal(where, "nested_too_deep", f"an archive nested {depth + 1} deep "
                          f"(the limit is {limits.max_depth}, COSY_BATCH_MAX_DEPTH)")
        else:
            yield from _zip(body, where, depth + 1, limits, budget, sent)
    elif kind == "eml":
        yield from _message(body.read(), where, depth, limits, budget)
    elif kind == "mbox":
        with tempfile.NamedTemporaryFile(suffix=".mbox") as tmp:
            tmp.write(body.read())
            tmp.flush()
            yield from _mbox(Path(tmp.name), where, depth, limits, budget)
    else:
        yield not_pdf(where, head)


def _zip(fh: IO[bytes], where: str, depth: int, limits: Limits, budget: Budget,
         sent: dict[str, str] | None) -> Iterator[Item]:
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        yield Refusal(where, "corrupt", f"not a readable ZIP archive ({err})")
        return
    with zf:
        for item in archives.iter_entries(zf, where, limits, budget):
            if isinstance(item, Refusal):
                yield item
                continue
            inner, body = item
            with body:
                yield from _guarded(inner, lambda b=body, i=inner: _content(
                    b, i, depth, limits, budget, sent))


def _message(data: bytes, where: str, depth: int, limits: Limits,
             budget: Budget) -> Iterator[Item]:
    msg = mail.parse(data)
    sent = mail.provenance(msg)
    found = False
    for name, payload in mail.attachments(msg):
        found = True
        inner = f"{where}!/{name}"
        budget.used += len(payload)
        if budget.used > budget.limit:
            yield Refusal(inner, "archive_too_large", "the mail expands past "
                          f"{budget.limit / 1048576:,.0f} MB in total (COSY_BATCH_MAX_ARCHIVE_MB)")
            continue
        with tempfile.SpooledTemporaryFile(max_size=archives.SPILL_BYTES) as body:
            body.write(payload)
            body.seek(0)
            yield from _guarded(inner, lambda b=body, i=inner: _content(
                b, i, depth, limits, budget, sent))
    if not found:
        yield Refusal(where, "no_attachment", "an e-mail without attachments")


def _mbox(path: Path, where: str, depth: int, limits: Limits,
          budget: Budget) -> Iterator[Item]:
    for n, raw in mail.messages(path):
        inner = f"{where}!#{n}"
        yield from _guarded(inner, lambda r=raw, i=inner: _message(r, i, depth, limits, budget))
