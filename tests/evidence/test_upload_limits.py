"""Request bodies are refused on their declared size before they are read, and an upload
stops being kept once it passes the limit."""

import io
from typing import Any

import pytest
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.test import Client
from rest_framework.test import APIClient

from evidence.models import Evidence
from tests.evidence.items_helpers import (
    api,
    build_evidence_scene,
    files_under,
    page,
    pdf_bytes,
    story,
    upload,
    web_client,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that records any attempt to read it."""

    def __init__(self) -> None:
        self.reads = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        self.reads += 1
        buffer[:1] = b"x"
        return 1


def post_declaring(client: Client, path: str, size: int, content_type: str):  # type: ignore[no-untyped-def]
    body = UnreadableBody()
    environ: dict[str, Any] = {"wsgi.input": body, "CONTENT_LENGTH": str(size)}
    response = client.generic("POST", path, b"", content_type=content_type, **environ)
    return response, body


def test_the_api_refuses_an_oversized_upload_before_reading_it():
    scene = build_evidence_scene()
    client = APIClient()
    client.force_login(scene.grantee_member)

    response, body = post_declaring(
        client,
        api("partnership-evidence", pk=scene.partnership.pk),
        200 * MB,
        "multipart/form-data; boundary=xyz",
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is 200.0\xa0MB, more than the 21.0\xa0MB LearnHub accepts. "
        "Attach files of 20.0\xa0MB or smaller."
    }
    assert body.reads == 0
    assert not Evidence.objects.filter(partnership=scene.partnership).exists()


def test_the_api_refuses_an_oversized_json_body_before_reading_it():
    scene = build_evidence_scene()
    client = APIClient()
    client.force_login(scene.grantee_member)

    response, body = post_declaring(
        client,
        api("partnership-evidence", pk=scene.partnership.pk),
        3 * MB,
        "application/json",
    )

    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request is 3.0\xa0MB, more than the 2.5")
    assert body.reads == 0


def test_the_page_refuses_an_oversized_upload_with_a_plain_message(client):
    scene = build_evidence_scene()
    client = web_client(scene.grantee_member)

    response, body = post_declaring(
        client,
        page("evidence-create", partnership_pk=scene.partnership.pk),
        500 * MB,
        "multipart/form-data; boundary=xyz",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("The request is 500.0\xa0MB")
    assert body.reads == 0


def test_a_content_length_that_is_not_a_number_is_a_400():
    response = Client().generic(
        "POST",
        "/_allauth/app/v1/auth/login",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH="lots",
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The request's Content-Length is not a number."}


def test_an_upload_stops_being_kept_once_it_passes_the_limit(media_root, settings, monkeypatch):
    settings.LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES = 1000
    kept: list[int] = []
    receive = MemoryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):  # type: ignore[no-untyped-def]
        kept.append(len(raw_data))
        return receive(self, raw_data, start)

    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk", counting)
    scene = build_evidence_scene()
    body = {**story(), "attachment": upload("big.pdf", pdf_bytes() + b"%" * 200_000)}
    body.pop("prompts", None)
    client = APIClient()
    client.force_authenticate(scene.grantee_member)

    response = client.post(
        api("partnership-evidence", pk=scene.partnership.pk), body, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["attachment"] == [
        "The file is 195.5\xa0KB. Files must be 1000\xa0bytes or smaller."
    ]
    assert sum(kept) <= 1000
    assert not Evidence.objects.filter(partnership=scene.partnership).exists()
    assert files_under(media_root) == []
