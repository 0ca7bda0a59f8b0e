"""HTML to PDF with WeasyPrint, fetching nothing but LearnHub's own static files.

Brief documents are self-contained (their styles are inline), yet WeasyPrint's default
fetcher would follow any ``<img>``, ``<link>``, ``@import`` or ``url()`` it met, over the
network or from ``file://`` paths, from inside the web or worker process. Every PDF is
made by ``html_to_pdf``, whose fetcher answers only URLs under the site's ``STATIC_URL``
and reads them from disk through Django's staticfiles finders; anything else is refused
(WeasyPrint then leaves that resource out and carries on).
"""

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation


def static_base_url() -> str:
    """The address relative URLs in a PDF's HTML resolve against: the site's static files."""
    return f"{settings.LEARNHUB_SITE_URL}/{settings.STATIC_URL.strip('/')}/"


def static_file_for(url: str) -> Path | None:
    """The project's static file that ``url`` names, or None when it names anything else."""
    base = urlsplit(static_base_url())
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
        return None
    if not parts.path.startswith(base.path):
        return None
    relative = unquote(parts.path[len(base.path) :])
    if not relative or relative.startswith("/") or "\\" in relative:
        return None
    if any(part in ("", ".", "..") for part in relative.split("/")):
        return None
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    if not isinstance(found, str):
        return None
    return Path(found)


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    # WeasyPrint is untyped, so its URLFetcher is Any to mypy.
    class StaticOnlyURLFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file_for(url)
            if path is None:
                raise ValueError(f"LearnHub does not fetch {url[:200]!r} into a PDF.")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyURLFetcher()


#: PDF/UA-1: a tagged PDF (headings, paragraphs, lists and tables marked up, the document's
#: language and title set), which screen readers can read in order.
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """``html`` printed to a tagged PDF (PDF/UA); the only resources it may load are our
    static files."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=static_base_url(), url_fetcher=_fetcher())
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
