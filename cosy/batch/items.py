"""What a batch source yields: an entry (a PDF's bytes and where they came from) or a refusal
(an entry not taken, and why), plus the limits that decide between the two."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cosy.config import Settings

MB = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One PDF found in a source. ``locator`` names it for people (``a.zip!/2019/re.pdf``,
    ``in.mbox!#12/rechnung.pdf``); ``mail`` is the sender, subject and date of the e-mail it was
    attached to, if any: its provenance."""

    locator: str
    data: bytes
    mail: dict[str, str] | None = None

    def source(self) -> dict[str, Any]:
        """How the document record remembers where this copy came from."""
        out: dict[str, Any] = {"locator": self.locator}
        if self.mail:
            out["mail"] = self.mail
        return out


@dataclass(frozen=True)
class Refusal:
    """An entry that is not processed: ``kind`` for machines, ``reason`` for people."""

    locator: str
    kind: str
    reason: str


Item = Entry | Refusal


@dataclass(frozen=True)
class Limits:
    """What an archive may do before its entries are refused (README, Configuration)."""

    max_bytes: int  # one document (COSY_MAX_FILE_MB)
    max_ratio: float  # uncompressed / compressed size of one archive entry
    max_archive_bytes: int  # everything one archive (and what it nests) expands to
    max_depth: int  # archives inside archives

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.max_bytes, settings.batch_max_ratio,
                   int(settings.batch_max_archive_mb * MB), settings.batch_max_depth)


@dataclass
class Budget:
    """Bytes one top-level archive or mailbox has expanded to so far (nested ones included)."""

    limit: int
    used: int = field(default=0)

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)


class Refused(Exception):
    """Raised inside a reader to refuse the entry at hand; becomes a :class:`Refusal`."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
