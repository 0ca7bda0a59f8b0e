"""What the evidence-item tests share: a partnership ready for evidence, clients, URLs,
consent steps, and small real files of every type (made here, byte by byte)."""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from consent.models import ConsentRecord
from consent.services import consent_record
from partnerships.models import Organisation, Party, ResearchQuestion
from partnerships.selectors import accepted_parties_of
from partnerships.services import question_propose, question_respond
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipScene,
    add_member,
    add_party,
    admin_of,
    build_partnership_scene,
)

Purpose = ConsentRecord.Purpose
PARTICIPATE = Purpose.PARTICIPATE
SHARE_WITH_FUNDER = Purpose.SHARE_WITH_FUNDER
SHARE_WITH_PARTIES = Purpose.SHARE_WITH_PARTIES


# --- Clients and URLs ------------------------------------------------------------------


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def web_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def page(name: str, **kwargs: Any) -> str:
    return reverse(f"evidence:{name}", kwargs=kwargs)


# --- Consent -----------------------------------------------------------------------------


def grant(party: Party, *purposes: str) -> None:
    for purpose in purposes:
        consent_record(
            party=party, purpose=purpose, decision="grant", by=admin_of(party.organisation)
        )


def withdraw(party: Party, *purposes: str) -> None:
    for purpose in purposes:
        consent_record(
            party=party, purpose=purpose, decision="withdraw", by=admin_of(party.organisation)
        )


# --- Scenes ------------------------------------------------------------------------------


@dataclass
class EvidenceScene:
    """A partnership whose grantee takes part (``participate``), with a second grantee,
    and one research question every party agreed."""

    base: PartnershipScene
    other_grantee_party: Party
    other_grantee_member: User
    question: ResearchQuestion

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)


def agree_question(partnership: Any, text: str = "What keeps families coming back?") -> Any:
    parties = list(accepted_parties_of(partnership=partnership))
    question = question_propose(
        partnership=partnership, party=parties[0], text=text, by=admin_of(parties[0].organisation)
    )
    for party in parties:
        question_respond(
            question=question, party=party, decision="agree", by=admin_of(party.organisation)
        )
    return question


def build_evidence_scene(*, participate: bool = True) -> EvidenceScene:
    base = build_partnership_scene()
    other = add_party(
        base.partnership,
        OrganisationFactory.create(kind=Organisation.Kind.GRANTEE),
        Party.Role.GRANTEE,
    )
    question = agree_question(base.partnership)
    if participate:
        grant(base.grantee_party, PARTICIPATE)
    return EvidenceScene(
        base=base,
        other_grantee_party=other,
        other_grantee_member=add_member(other.organisation),
        question=question,
    )


def story(**extra: Any) -> dict[str, Any]:
    """A valid JSON body for a story."""
    return {
        "kind": "story",
        "title": "A family came back every week",
        "body": "They said the warm room made the difference.",
        "valence": "working",
        "attribution": "anonymous",
        "occurred_on": "2025-01-15",
        **extra,
    }


def statistic(**extra: Any) -> dict[str, Any]:
    """A valid JSON body for a statistic: a number, its unit, a baseline and a period."""
    figure: dict[str, Any] = {
        "kind": "statistic",
        "title": "Families helped",
        "body": "",
        "value": 42,
        "unit": "families",
        "baseline": "30.5",
        "period_start": "2024-10-01",
        "period_end": "2024-12-31",
    }
    return story(**{**figure, **extra})


def after_action_review(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "after_action_review",
        "title": "Winter drop-in sessions",
        "valence": "mixed",
        "occurred_on": "2025-02-01",
        "prompts": {
            "planned": "Two sessions a week for thirty families.",
            "happened": "Eighteen families came, mostly on Tuesdays.",
            "why_different": "The Thursday bus was cut.",
            "do_differently": "Move Thursday to Saturday morning.",
        },
        **extra,
    }


# --- Files -------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


OOXML_MAIN = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def ooxml_bytes(kind: str = "docx", *, content_type: str | None = None) -> bytes:
    part, main = OOXML_MAIN[kind]
    content_type = content_type or f"application/vnd.openxmlformats-officedocument.{main}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def odf_bytes(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


CSV_BYTES = b"month,families\nJanuary,18\nFebruary,24\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML_BYTES = b"<!doctype html><html><script>alert(1)</script></html>"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a fresh folder for the test."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root
