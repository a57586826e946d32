"""Batch sources: hostile archive entries are refused one by one with a reason, the rest goes on;
mail attachments become entries with the mail's sender, subject and date."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from cosy.batch.items import Entry, Limits, Refusal
from cosy.batch.sources import iter_sources
from tests.conftest import make_pdf

PDF = make_pdf([["Rechnung RE-1"]])
LIMITS = Limits(max_bytes=5_000_000, max_ratio=100, max_archive_bytes=20_000_000, max_depth=3)


def items(*paths: Path | str, limits: Limits = LIMITS) -> list[Entry | Refusal]:
    return list(iter_sources([str(p) for p in paths], limits))


def refusals(found: list[Entry | Refusal]) -> dict[str, str]:
    return {r.locator.rsplit("/", 1)[-1]: r.kind for r in found if isinstance(r, Refusal)}


def zip_bytes(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buf.getvalue()


def encrypted(data: bytes, name: bytes) -> bytes:
    """Set the 'encrypted' flag of entry ``name`` in its local and central headers (zipfile
    cannot write encrypted entries; a reader must refuse them by the flag alone)."""
    out = bytearray(data)
    for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        pos = out.find(sig)
        while pos >= 0:
            if out[pos + name_at:pos + name_at + len(name)] == name:
                out[pos + flag_at] |= 0x1
            pos = out.find(sig, pos + 1)
    return bytes(out)


def hostile_zip() -> bytes:
    link = zipfile.ZipInfo("link.pdf")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    deep = zip_bytes([("deep.pdf", PDF)])
    for level in (4, 3):  # export.zip (1) > nested.zip (2) > level3.zip (3) > level4.zip (4)
        deep = zip_bytes([(f"level{level}.zip", deep)])
    return encrypted(zip_bytes([
        ("good.pdf", PDF),
        ("../escape.pdf", PDF),
        ("/etc/absolute.pdf", PDF),
        ("C:\\windows\\drive.pdf", PDF),
        (link, b"/etc/passwd"),
        ("locked.pdf", PDF),
        ("bomb.pdf", b"%PDF-1.4\n" + b"\0" * 3_000_000),
        ("notes.txt", b"not a document"),
        ("nested.zip", deep),
        ("inner.zip", zip_bytes([("inner.pdf", make_pdf([["Rechnung RE-2"]]))])),
        ("last.pdf", make_pdf([["Rechnung RE-3"]])),
    ]), b"locked.pdf")


def test_hostile_zip_entries_are_refused_one_by_one(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    archive.write_bytes(hostile_zip())
    found = items(archive)
    entries = [e.locator for e in found if isinstance(e, Entry)]
    assert entries == [f"{archive}!/good.pdf", f"{archive}!/inner.zip!/inner.pdf",
                       f"{archive}!/last.pdf"]  # the batch goes on past every refusal
    assert refusals(found) == {
        "escape.pdf": "path_traversal", "absolute.pdf": "absolute_path",
        "C:\\windows\\drive.pdf": "absolute_path", "link.pdf": "symlink",
        "locked.pdf": "encrypted", "bomb.pdf": "zip_bomb",
        "notes.txt": "unsupported_media_type", "level4.zip": "nested_too_deep"}
    reasons = {r.kind: r.reason for r in found if isinstance(r, Refusal)}
    assert "climbs out of the archive" in reasons["path_traversal"]
    assert "times its compressed size" in reasons["zip_bomb"]
    assert "nested 4 deep (the limit is 3" in reasons["nested_too_deep"]
    assert "text/plain" in reasons["unsupported_media_type"]


def test_an_archive_expands_only_to_its_budget(tmp_path: Path) -> None:
    pdfs = [(f"{n}.pdf", make_pdf([[f"Rechnung RE-{n}"] * 30])) for n in range(6)]
    archive = tmp_path / "big.zip"
    archive.write_bytes(zip_bytes(pdfs))
    budget = 3 * len(pdfs[0][1]) + 100
    found = items(archive, limits=Limits(5_000_000, 100, budget, 3))
    assert [isinstance(f, Entry) for f in found] == [True] * 3 + [False] * 3
    assert {f.kind for f in found if isinstance(f, Refusal)} == {"archive_too_large"}


def test_corrupt_archive_and_missing_source_are_refusals(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    found = items(broken, tmp_path / "nope.pdf", tmp_path / "*.none")
    assert [(type(f).__name__, f.kind) for f in found] == [  # type: ignore[union-attr]
        ("Refusal", "corrupt"), ("Refusal", "not_found"), ("Refusal", "not_found")]


def mail(subject: str, attachments: list[tuple[str, str, bytes]]) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Buchhaltung Brenner <rechnung@brenner.example>"
    msg["To"] = "einkauf@nordlicht.example"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 05 Mar 2024 10:15:00 +0100"
    msg["Message-ID"] = f"<{abs(hash(subject))}@brenner.example>"
    msg.set_content("Anbei unsere Rechnung.")
    for name, ctype, data in attachments:
        main, sub = ctype.split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg


def test_eml_attachments_carry_the_mail_as_provenance(tmp_path: Path) -> None:
    eml = tmp_path / "rechnung.eml"
    eml.write_bytes(mail("Rechnung RE-1", [("RE-1.pdf", "application/pdf", PDF),
                                           ("logo.png", "image/png", b"\x89PNG\r\n\x1a\n")]
                         ).as_bytes())
    found = items(eml)
    [entry] = [f for f in found if isinstance(f, Entry)]
    assert entry.locator == f"{eml}!/RE-1.pdf" and entry.data == PDF
    assert entry.mail == {"from": "Buchhaltung Brenner <rechnung@brenner.example>",
                          "subject": "Rechnung RE-1", "date": "2024-03-05T10:15:00+01:00",
                          "message_id": entry.mail["message_id"]}  # type: ignore[index]
    assert refusals(found) == {"logo.png": "unsupported_media_type"}


def test_mbox_messages_and_zipped_attachments(tmp_path: Path) -> None:
    box = tmp_path / "inbox.mbox"
    first = mail("Rechnungen März", [("rechnungen.zip", "application/zip",
                                      zip_bytes([("a.pdf", PDF)]))])
    second = mail("Keine Anlage", [])
    with box.open("wb") as fh:
        for msg in (first, second):
            fh.write(b"From rechnung@brenner.example Tue Mar  5 10:15:00 2024\n")
            fh.write(msg.as_bytes().replace(b"\nFrom ", b"\n>From ") + b"\n")
    found = items(box)
    assert [(type(f).__name__, f.locator.removeprefix(str(box))) for f in found] == [
        ("Entry", "!#1!/rechnungen.zip!/a.pdf"), ("Refusal", "!#2")]
    assert found[0].mail["subject"] == "Rechnungen März"  # type: ignore[union-attr]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_folders_are_walked_and_links_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "2024" / "03").mkdir(parents=True)
    (root / "b.pdf").write_bytes(PDF)
    (root / "2024" / "03" / "a.pdf").write_bytes(PDF)
    (root / "link.pdf").symlink_to(root / "b.pdf")
    (root / "outside").symlink_to(tmp_path)
    found = items(root)
    assert [f.locator.removeprefix(str(root)) for f in found if isinstance(f, Entry)] == [
        "/b.pdf", "/2024/03/a.pdf"]  # a folder's files, then its subfolders, by name
    assert refusals(found) == {"link.pdf": "symlink", "outside": "symlink"}
    globbed = items(str(root / "**" / "*.pdf"))  # ** would follow 'outside' in a loop
    assert [f.locator for f in globbed if isinstance(f, Entry)] == [
        str(root / "2024/03/a.pdf"), str(root / "b.pdf")]
    refused = {f.locator for f in globbed if isinstance(f, Refusal)}
    assert str(root / "link.pdf") in refused
    assert all(f.kind == "symlink" for f in globbed if isinstance(f, Refusal))
    assert refused - {str(root / "link.pdf")} and all(  # every match through 'outside'
        r.startswith(str(root / "outside")) for r in refused - {str(root / "link.pdf")})
