"""HTTP responses shared by the evidence API and pages: file downloads and CSV files."""

import secrets
from collections.abc import Iterable

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from evidence.models import EvidenceAttachment
from evidence.rendering import document_policy, render_export
from evidence.selectors.briefs import BriefReading


def _harden(response: HttpResponse | FileResponse | StreamingHttpResponse) -> None:
    # Never rendered by the browser: saved as a file, with the type we checked, and no
    # script may run even if someone opens it in a tab.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"


def attachment_response(attachment: EvidenceAttachment) -> FileResponse:
    """The attachment's bytes as a download. Call only after a gateway allowed it."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    _harden(response)
    return response


#: Set by a page's script when someone follows a slow download link
#: (static/js/busy-downloads.js); the download deletes it, which tells the page it began.
DOWNLOAD_PENDING_COOKIE = "lh_download_pending"


def download_started(response: HttpResponse) -> None:
    """Tell the page that asked for this download that it has started, so its link stops
    showing "Preparing…" (the cookie holds nothing but "1"; deleting it is harmless)."""
    response.delete_cookie(DOWNLOAD_PENDING_COOKIE, samesite="Strict")


def brief_export_response(reading: BriefReading, fmt: str) -> HttpResponse:
    """The brief in ``fmt`` as a response: HTML is shown in the tab under a policy of its
    own (``document_policy``: only its inline style, by a nonce made for it), the other
    formats are downloads."""
    nonce = secrets.token_urlsafe(18)
    content, content_type, filename = render_export(reading, fmt, nonce=nonce)
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Content-Security-Policy"] = (
        document_policy(nonce) if fmt == "html" else "default-src 'none'; sandbox"
    )
    response["X-Content-Type-Options"] = "nosniff"
    download_started(response)
    return response


def csv_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A CSV download (UTF-8, streamed line by line)."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _harden(response)
    return response
