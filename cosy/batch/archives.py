"""ZIP archives read as hostile input: every entry is checked before and while it is inflated.

Refused per entry (the rest of the archive goes on): absolute paths, ``..`` path traversal,
symbolic links, encrypted entries, entries that inflate past ``COSY_BATCH_MAX_RATIO`` times their
compressed size or past what the whole archive may expand to (``COSY_BATCH_MAX_ARCHIVE_MB``), and
entries the zip module cannot read (bad CRC, unknown compression). Nothing is ever written to a
path taken from the archive: entries are read into memory or an anonymous temporary file.
"""

from __future__ import annotations

import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO

from cosy.batch.items import MB, Budget, Limits, Refusal, Refused

CHUNK = 1 << 16
SPILL_BYTES = 64 * MB
"""Entries larger than this are spooled to an anonymous temporary file instead of memory."""
_DRIVE = re.compile(r"^[A-Za-z]:")


def entry_problem(info: zipfile.ZipInfo, limits: Limits) -> Refused | None:
    """Why ``info`` must not be read at all, judged from its header alone (or None)."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return Refused("absolute_path", "an absolute path; archive entries must be relative")
    if ".." in name.split("/"):
        return Refused("path_traversal", "its path climbs out of the archive ('..')")
    if stat.S_ISLNK(info.external_attr >> 16):
        return Refused("symlink", "a symbolic link; links in archives are not followed")
    if info.flag_bits & 0x1:
        return Refused("encrypted", "encrypted with a password; send it unencrypted")
    if info.file_size and (info.compress_size == 0
                           or info.file_size / info.compress_size > limits.max_ratio):
        ratio = info.file_size / max(info.compress_size, 1)
        return Refused("zip_bomb", f"declares {ratio:,.0f} times its compressed size "
                       f"(the limit is {limits.max_ratio:,.0f}): a zip bomb")
    return None


def read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
               budget: Budget) -> IO[bytes]:
    """The entry's bytes as a file positioned at 0, inflated under the ratio and budget limits.

    The limits apply to the bytes actually inflated, not to the sizes the header declares (a
    forged header cannot smuggle a bomb through). Raises :class:`Refused`.
    """
    by_ratio = int(limits.max_ratio * max(info.compress_size, 1))
    cap = min(by_ratio, budget.left)
    out = tempfile.SpooledTemporaryFile(max_size=SPILL_BYTES)  # noqa: SIM115 - returned
    total = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                total += len(chunk)
                if total > cap:
                    raise _too_big(total, by_ratio, budget, limits)
                out.write(chunk)
    except Refused:
        out.close()
        raise
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as err:
        out.close()
        raise Refused("corrupt", f"cannot be read from the archive ({err})") from None
    budget.used += total
    out.seek(0)
    return out


def _too_big(total: int, by_ratio: int, budget: Budget, limits: Limits) -> Refused:
    if total > by_ratio:
        return Refused("zip_bomb", f"inflates past {limits.max_ratio:,.0f} times its compressed "
                       "size: a zip bomb")
    return Refused("archive_too_large", f"the archive expands past {budget.limit / MB:,.0f} MB "
                   "in total (COSY_BATCH_MAX_ARCHIVE_MB)")


def iter_entries(zf: zipfile.ZipFile, locator: str, limits: Limits,
                 budget: Budget) -> Iterator[Refusal | tuple[str, IO[bytes]]]:
    """Each file entry of ``zf`` as (its locator, its bytes), or a refusal saying why not."""
    for info in zf.infolist():
        if info.is_dir():
            continue
        where = f"{locator}!/{info.filename}"
        problem = entry_problem(info, limits)
        if problem is None:
            try:
                yield where, read_entry(zf, info, limits, budget)
                continue
            except Refused as err:
                problem = err
        yield Refusal(where, problem.kind, problem.reason)
