"""E-mail as a batch source: each attachment of a message is an entry; the message's sender,
subject, date and Message-ID are its provenance.

``.eml`` files hold one message (RFC 5322), ``.mbox`` files many (mboxrd/mboxo, as mail clients
and ``mailbox`` dumps write them). Parts without a file name and not marked as attachments are the
message's text, not entries.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import mailbox
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path


def provenance(msg: EmailMessage) -> dict[str, str]:
    """Sender, subject, date (ISO 8601 where it parses) and Message-ID of a message."""
    out = {"from": str(msg.get("From") or ""), "subject": str(msg.get("Subject") or ""),
           "date": str(msg.get("Date") or ""), "message_id": str(msg.get("Message-ID") or "")}
    try:
        when = email.utils.parsedate_to_datetime(out["date"]) if out["date"] else None
    except (TypeError, ValueError):
        when = None
    if when is not None:
        out["date"] = when.isoformat()
    return {k: v for k, v in out.items() if v}


def parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def attachments(msg: EmailMessage) -> Iterator[tuple[str, bytes]]:
    """(file name, decoded bytes) of every attachment, attached messages' ones included."""
    n = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if not name and part.get_content_disposition() != "attachment":
            continue  # the message's own text or an inline picture
        n += 1
        payload = part.get_payload(decode=True)
        yield (name or f"attachment-{n}"), (payload if isinstance(payload, bytes) else b"")


def messages(path: Path) -> Iterator[tuple[int, bytes]]:
    """(1-based position, raw bytes) of each message of an mbox file, read lazily."""
    box = mailbox.mbox(str(path), create=False)
    try:
        for n, key in enumerate(box.iterkeys(), 1):
            yield n, box.get_bytes(key)
    finally:
        box.close()
