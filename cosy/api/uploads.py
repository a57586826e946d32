"""Streaming multipart uploads with limits enforced while the bytes arrive.

Starlette's form parser accepts any number and size of files before the endpoint sees them; we
parse the stream ourselves (python-multipart, which Starlette uses too) so that the request is
refused at the first byte over a file's size cap or at the first file over the count cap.
Files are spooled to temporary files past 1 MB, so memory stays small however many arrive.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass, field
from typing import IO

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from cosy.api.errors import ApiError

SPOOL_BYTES = 1024 * 1024
MAX_FIELD_BYTES = 64 * 1024
"""Non-file fields are ignored, but never buffered without bound."""
PART_OVERHEAD = 16 * 1024
"""Allowance per file for boundaries and part headers in the Content-Length check."""


@dataclass
class UploadedFile:
    file_name: str
    file: IO[bytes]
    size: int = 0

    def read(self) -> bytes:
        self.file.seek(0)
        return self.file.read()


@dataclass
class _State:
    field_name: str
    max_files: int
    max_bytes: int
    files: list[UploadedFile] = field(default_factory=list)
    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""
    current: UploadedFile | None = None
    other_bytes: int = 0


def _too_large(name: str, max_bytes: int) -> ApiError:
    return ApiError(413, "too_large",
                    f"{name} is over the limit of {max_bytes / 1048576:.0f} MB", file=name)


def _too_many(max_files: int) -> ApiError:
    return ApiError(413, "too_many_files",
                    f"too many files in one request: at most {max_files}")


async def read_files(request: Request, field_name: str, max_files: int,
                     max_bytes: int) -> list[UploadedFile]:
    """The files of ``field_name`` in a multipart/form-data body, each within ``max_bytes``.

    Raises ApiError: 415 if the body is not multipart, 413 if a file or the count is over its
    cap (checked on Content-Length first, then on the bytes), 400 if the body is malformed.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise ApiError(415, "unsupported_media_type",
                       "upload files as multipart/form-data in the field 'files'")
    length = request.headers.get("content-length")
    limit = max_files * (max_bytes + PART_OVERHEAD) + MAX_FIELD_BYTES
    if length and length.isdigit() and int(length) > limit:
        raise ApiError(413, "too_large",
                       f"the request body ({int(length) / 1048576:.1f} MB) is over what "
                       f"{max_files} files of {max_bytes / 1048576:.0f} MB can need")
    state = _State(field_name, max_files, max_bytes)
    parser = MultipartParser(boundary, _callbacks(state))
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as err:
        _close(state.files)
        raise ApiError(400, "bad_request", f"malformed multipart body: {err}") from None
    except BaseException:
        _close(state.files)
        raise
    if state.current is not None:  # the body ended inside a part
        _close(state.files)
        raise ApiError(400, "bad_request", "malformed multipart body: it ends inside a part")
    return state.files


def _close(files: list[UploadedFile]) -> None:
    for f in files:
        with contextlib.suppress(Exception):
            f.file.close()


def _callbacks(st: _State) -> dict[str, object]:
    def on_header_field(data: bytes, start: int, end: int) -> None:
        st.header_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        st.header_value += data[start:end]

    def on_header_end() -> None:
        if st.header_name.lower() == b"content-disposition":
            st.disposition = st.header_value
        st.header_name = st.header_value = b""

    def on_headers_finished() -> None:
        _, options = parse_options_header(st.disposition)
        st.disposition = b""
        if options.get(b"name", b"").decode("utf-8", "replace") != st.field_name:
            st.current = None
            return
        if len(st.files) >= st.max_files:
            raise _too_many(st.max_files)
        raw_name = options.get(b"filename", b"")
        name = raw_name.decode("utf-8", "replace").replace("\\", "/").rsplit("/", 1)[-1]
        # closed by the caller, or by read_files when the upload is refused
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        st.current = UploadedFile(name or f"upload-{len(st.files) + 1}.pdf", spool)
        st.files.append(st.current)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        n = end - start
        if st.current is None:
            st.other_bytes += n
            if st.other_bytes > MAX_FIELD_BYTES:
                raise ApiError(413, "too_large", "form fields other than 'files' are too large")
            return
        st.current.size += n
        if st.current.size > st.max_bytes:
            raise _too_large(st.current.file_name, st.max_bytes)
        st.current.file.write(data[start:end])

    def on_part_end() -> None:
        st.current = None

    def on_part_begin() -> None:
        st.current = None
        st.disposition = b""

    return {"on_part_begin": on_part_begin, "on_header_field": on_header_field,
            "on_header_value": on_header_value, "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
            "on_part_end": on_part_end}
