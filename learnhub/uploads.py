"""Request bodies are bounded before they are read, and file uploads while they stream.

- ``RequestSizeMiddleware`` (first in the stack, before anything reads the body) refuses a
  request whose ``Content-Length`` is over the limit with 413 and a plain message: a
  multipart form may carry one file of ``LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES`` plus
  ``FORM_ALLOWANCE`` for its other fields; any other body ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  (Django's setting, 2.5 MB). Django never reads more than ``Content-Length`` bytes.
- ``SizeLimitedUploadHandler`` (first of ``FILE_UPLOAD_HANDLERS``) counts each file as it
  streams and passes nothing past the limit on to the handlers that keep it, so an
  oversized file is never stored whole; the upload is then reported at its real size and
  refused by ``evidence.uploads.check_upload`` with its usual message.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat

# Room for a multipart form's other fields and boundaries beside its file.
FORM_ALLOWANCE = 1024 * 1024


def max_file_bytes() -> int:
    return int(settings.LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES)


def max_request_bytes(content_type: str) -> int:
    """The largest body a request of ``content_type`` may send."""
    if content_type.startswith("multipart/form-data"):
        return max_file_bytes() + FORM_ALLOWANCE
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) or max_file_bytes()


def _refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if request.path.startswith(("/api/", "/_allauth/")):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit():
            return _refusal(request, "The request's Content-Length is not a number.", 400)
        limit = max_request_bytes(request.META.get("CONTENT_TYPE", ""))
        if int(declared) > limit:
            message = (
                f"The request is {filesizeformat(int(declared))}, more than the "
                f"{filesizeformat(limit)} LearnHub accepts. Attach files of "
                f"{filesizeformat(max_file_bytes())} or smaller."
            )
            return _refusal(request, message, 413)
        return self.get_response(request)


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts a file's bytes; past the limit, the handlers after it receive no more."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        return None if self.received > max_file_bytes() else raw_data

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if self.received <= max_file_bytes():
            return None  # the next handler's file is the upload
        oversized = SimpleUploadedFile(
            self.file_name or "upload", b"", self.content_type or "application/octet-stream"
        )
        oversized.size = self.received
        return oversized
