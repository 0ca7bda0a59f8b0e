"""The text of an attached file, so part of it can be coded like an item's body.

PDFs are read with ``pypdf`` and Word files (.docx) with ``python-docx``; other attached
types (images, spreadsheets, slides, OpenDocument, CSV) have no text to code. A file
that cannot be read (malformed, encrypted, or no text layer, as in a scanned PDF) gives
no text, never an error. Reading stops at ``PAGES_MAX`` pages and the text is cut at
``TEXT_MAX`` characters, so one upload cannot hold a request (or the excerpt form's
lists of sentences) for long. Pure functions.
"""

from __future__ import annotations

import io
import logging
import re

from docx import Document
from pypdf import PdfReader

from evidence.uploads import DOCX, PDF

logger = logging.getLogger(__name__)

#: The types whose text can be coded.
TEXT_TYPES = frozenset({PDF, DOCX})
#: The most characters of a file's text kept.
TEXT_MAX = 100_000
#: The most pages of a PDF read.
PAGES_MAX = 300

_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """One space between words, at most one blank line between paragraphs, no NUL
    characters (PostgreSQL refuses them in text), cut at ``TEXT_MAX``."""
    text = text.replace("\x00", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()[:TEXT_MAX]


#: A line ending so is the end of a sentence or heading; any other line of a PDF was
#: wrapped by its layout, and goes on on the next line.
_LINE_END = re.compile(r"[.!?:;\"'”’)\]]$")


def _unwrap(page: str) -> str:
    """A PDF page's lines with the breaks its layout made taken out, so a sentence is on
    one line (the excerpt form offers a text sentence by sentence, and a line break ends
    one)."""
    lines: list[str] = []
    for line in page.splitlines():
        line = line.strip()
        if lines and lines[-1] and line and not _LINE_END.search(lines[-1]):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ValueError("The PDF is encrypted.")
    pages: list[str] = []
    length = 0
    for page in reader.pages[:PAGES_MAX]:
        words = _unwrap(page.extract_text() or "")
        pages.append(words)
        length += len(words)
        if length > TEXT_MAX:
            break
    return "\n\n".join(pages)


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    paragraphs: list[str] = []
    length = 0
    for paragraph in document.paragraphs:
        paragraphs.append(paragraph.text)
        length += len(paragraph.text)
        if length > TEXT_MAX:
            break
    return "\n\n".join(paragraphs)


def has_text_type(content_type: str) -> bool:
    """Whether files of ``content_type`` have text that can be coded."""
    return content_type in TEXT_TYPES


def file_text(data: bytes, content_type: str) -> str | None:
    """The text of a file of ``content_type`` (a type of ``TEXT_TYPES``), tidied and
    capped; None when it cannot be read or holds no words."""
    read = _pdf_text if content_type == PDF else _docx_text
    try:
        text = _tidy(read(data))
    # A malformed file can fail anywhere inside a parser, with any exception: the rule is
    # only that it never fails the upload or the page.
    except Exception:
        logger.info("The text of a %s file could not be read.", content_type, exc_info=True)
        return None
    return text or None
