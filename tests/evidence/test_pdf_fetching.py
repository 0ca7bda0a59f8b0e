"""PDFs fetch nothing but LearnHub's own static files: no network, no file:// paths."""

import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from evidence.models import Evidence, InsightBrief
from learnhub.pdf import html_to_pdf, static_file_for
from tests.evidence.briefs_scene import add_evidence, api, brief_scene, client_for, drafted
from tests.evidence.pdfs import pdf_info


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def bait() -> Iterator[tuple[str, list[str]]]:
    """A web server on this machine that records every request made to it."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            hits.append(self.path)
            body = tiny_png() if self.path.endswith(".png") else b"p { color: red }"
            self.send_response(200)
            self.send_header(
                "Content-Type", "image/png" if self.path.endswith(".png") else "text/css"
            )
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def static_picture(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    """A picture among the project's static files (a static folder of its own)."""
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "picture.png").write_bytes(tiny_png())
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, folder]
    return folder / "picture.png"


def test_a_pdf_fetches_nothing_over_the_network(bait):
    server, hits = bait
    html = (
        f'<html><head><link rel="stylesheet" href="{server}/linked.css">'
        f'<style>@import url("{server}/imported.css"); '
        f'body {{ background: url("{server}/background.png") }}</style></head>'
        f'<body><p>Brief</p><img src="{server}/picture.png"></body></html>'
    )

    pdf = html_to_pdf(html)

    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert b"/Image" not in pdf


def test_a_pdf_reads_no_file_outside_the_static_files(tmp_path, static_picture):
    outside = tmp_path / "secret.png"
    outside.write_bytes(tiny_png())
    html = (
        f'<style>@import url("file:///etc/passwd");</style>'
        f'<img src="file://{outside}"><img src="../secret.png"><img src="/etc/passwd">'
        f'<img src="{settings.STATIC_URL}../../secret.png">'
    )

    pdf = html_to_pdf(html)

    assert pdf.startswith(b"%PDF")
    assert b"/Image" not in pdf


def test_a_pdf_may_use_the_projects_own_static_files(static_picture):
    pdf = html_to_pdf('<p>Logo</p><img src="picture.png">')

    assert b"/Image" in pdf


def test_only_static_addresses_name_a_file(static_picture):
    site = settings.LEARNHUB_SITE_URL

    assert static_file_for(f"{site}/static/picture.png") == static_picture
    assert (
        static_file_for(f"{site}/static/css/brief.css")
        == settings.BASE_DIR / "static/css/brief.css"
    )
    for url in [
        f"{site}/static/../manage.py",
        f"{site}/static/%2e%2e/manage.py",
        f"{site}/static//etc/passwd",
        f"{site}/media/anything.png",
        f"{site}/static/picture.png?x=1",
        "http://169.254.169.254/static/picture.png",
        f"file://{static_picture}",
        "data:image/png;base64,AAAA",
    ]:
        assert static_file_for(url) is None, url


@pytest.mark.django_db
def test_evidence_and_brief_text_with_markup_fetch_nothing_in_the_pdf_export(bait):
    server, hits = bait
    scene = brief_scene()
    payload = (
        f'<img src="{server}/evidence.png"> <img src="file:///etc/passwd"> '
        f'<style>@import url("{server}/evidence.css");</style>'
    )
    add_evidence(scene.grantee_party, kind=Evidence.Kind.QUOTE, body=payload, questions=[scene.q1])
    add_evidence(scene.grantee_party, kind=Evidence.Kind.STORY, body=payload, questions=[scene.q1])
    brief = drafted(scene)
    InsightBrief.objects.filter(pk=brief.pk).update(so_what=payload, recommendations=payload)

    pdf = client_for(scene.lp_member).get(api("brief-export", pk=brief.pk) + "?format=pdf")

    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert hits == []
    assert b"/Image" not in pdf.content


def test_a_pdf_is_tagged_for_screen_readers(tmp_path):
    pdf = html_to_pdf(
        '<html lang="en-GB"><head><title>Insight brief</title></head>'
        "<body><h1>Insight brief</h1><p>What we learned.</p></body></html>"
    )
    fields = pdf_info(pdf, tmp_path)
    assert fields["Tagged"] == "yes"
    assert fields["Title"] == "Insight brief"
