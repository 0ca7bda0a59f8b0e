"""Checking an attached file: its size, and its type judged by its content, never its name.

PDFs and images are recognised by their magic bytes (``puremagic``). Office documents are
zip containers, so the zip's own description of itself decides: ``[Content_Types].xml``
for Word, Excel and PowerPoint files (macro-enabled ones are refused), the ``mimetype``
entry for OpenDocument files. CSV has no magic bytes: it must be UTF-8 text, without NUL
bytes or markup, that reads as rows of at least two columns.

The stored file gets a random name; the name people see keeps theirs but always ends with
the extension of the type we found, so a PDF called ``report.html`` downloads as
``report.pdf``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

import puremagic
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
CSV = "text/csv"

#: Allowed content types and the extensions a download may carry (the first is the default).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg", ".jfif"),
    GIF: (".gif",),
    WEBP: (".webp",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
    ODT: (".odt",),
    ODS: (".ods",),
    ODP: (".odp",),
    CSV: (".csv",),
}

ALLOWED_DESCRIPTION = (
    "a PDF, an image (PNG, JPEG, GIF or WebP), a Word, Excel or PowerPoint file "
    "(.docx, .xlsx, .pptx), an OpenDocument file (.odt, .ods, .odp) or a CSV file"
)

_MAGIC_TYPES = frozenset({PDF, PNG, JPEG, GIF, WEBP})
_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_ODF_TYPES = frozenset({ODT, ODS, ODP})
_HEAD_BYTES = 8192
# Zip members we read are descriptions of a few kilobytes; anything larger is not an
# office document (and must not be inflated into memory).
_MAX_DESCRIPTOR_BYTES = 1024 * 1024
_CSV_SAMPLE_CHARS = 64 * 1024
_NAME_MAX = 255


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: what it is, how big, and its SHA-256."""

    content_type: str
    size: int
    sha256: str
    display_name: str


def _refuse(message: str) -> ValidationError:
    return ValidationError({"attachment": [message]})


def _read_all(upload: IO[bytes]) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _magic_type(head: bytes) -> str | None:
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    for match in matches:
        if match.offset == 0 and match.mime_type in _MAGIC_TYPES:
            return str(match.mime_type)
    return None


def _zip_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_DESCRIPTOR_BYTES:
        return None
    with archive.open(info) as member:
        return member.read(_MAX_DESCRIPTOR_BYTES)


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            mimetype = _zip_member(archive, "mimetype")
            if mimetype is not None:
                odf = mimetype.decode("ascii", errors="replace").strip()
                return odf if odf in _ODF_TYPES else None
            content_types = _zip_member(archive, "[Content_Types].xml")
            if content_types is None:
                return None
            text = content_types.decode("utf-8", errors="replace")
            found = {
                kind
                for part, kind in _OOXML_MAIN_PARTS.items()
                if re.search(r'ContentType\s*=\s*"' + re.escape(part) + '"', text)
            }
            return found.pop() if len(found) == 1 else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        return None


def _is_csv(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    sample = text[:_CSV_SAMPLE_CHARS]
    if not sample.strip() or sample.lstrip().startswith("<"):
        return False
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        first = next(csv.reader(io.StringIO(sample), dialect))
    except (csv.Error, StopIteration):
        return False
    return len(first) >= 2


def content_type_of(data: bytes) -> str | None:
    """The allowed content type ``data`` really is, or None."""
    head = data[:_HEAD_BYTES]
    magic = _magic_type(head)
    if magic is not None:
        return magic
    if head.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return CSV if _is_csv(data) else None


def display_name(original: str, content_type: str) -> str:
    """The name people see: their file's name without any folder or control characters,
    ending with an extension of the type we found (added when it does not)."""
    name = PureWindowsPath(PurePosixPath(original or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    name = name or "attachment"
    allowed = EXTENSIONS[content_type]
    extension = os.path.splitext(name)[1].lower()
    if extension in allowed:
        kept = name[-len(extension) :]
        return name[: -len(extension)][: _NAME_MAX - len(kept)] + kept
    return name[: _NAME_MAX - len(allowed[0])] + allowed[0]


def check_upload(upload: UploadedFile[bytes], *, max_bytes: int) -> CheckedFile:
    """Check an upload's size and content; raise ``ValidationError`` on ``attachment``."""
    size = upload.size or 0
    if size > max_bytes:
        raise _refuse(
            f"The file is {filesizeformat(size)}. Files must be {filesizeformat(max_bytes)} "
            "or smaller."
        )
    if size == 0:
        raise _refuse("The file is empty. Choose a file with something in it.")
    data = _read_all(upload)
    content_type = content_type_of(data)
    if content_type is None:
        raise _refuse(
            "We could not recognise this file from its contents. Attach "
            + ALLOWED_DESCRIPTION
            + ". (Older .doc, .xls or .ppt files: save them in a newer format or as a PDF.)"
        )
    return CheckedFile(
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        display_name=display_name(upload.name or "", content_type),
    )
