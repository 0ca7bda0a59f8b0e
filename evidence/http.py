"""HTTP responses shared by the evidence API and pages: file downloads and CSV files."""

from collections.abc import Iterable

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from evidence.models import EvidenceAttachment


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


def csv_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A CSV download (UTF-8, streamed line by line)."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _harden(response)
    return response
