"""Files attached to evidence: the type is judged by content, the size is limited, files
live under MEDIA_ROOT with random names, and are served only through a checked view."""

import hashlib

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from evidence.models import Evidence, EvidenceAttachment
from evidence.uploads import content_type_of, display_name
from tests.evidence.items_helpers import (
    CSV_BYTES,
    EXE_BYTES,
    HTML_BYTES,
    PARTICIPATE,
    api,
    api_client,
    build_evidence_scene,
    files_under,
    odf_bytes,
    ooxml_bytes,
    page,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
    story,
    upload,
    web_client,
)

pytestmark = pytest.mark.django_db


def submit_with_file(scene, name, content, user=None, **extra):  # type: ignore[no-untyped-def]
    body = {**story(**extra), "attachment": upload(name, content)}
    body.pop("prompts", None)
    return api_client(user or scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk), body, format="multipart"
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "shown_as"),
    [
        ("report.pdf", pdf_bytes(), "application/pdf", "report.pdf"),
        ("photo.png", png_bytes(), "image/png", "photo.png"),
        (
            "plan.docx",
            ooxml_bytes("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "plan.docx",
        ),
        (
            "figures.xlsx",
            ooxml_bytes("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "figures.xlsx",
        ),
        (
            "slides.pptx",
            ooxml_bytes("pptx"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "slides.pptx",
        ),
        ("notes.odt", odf_bytes(), "application/vnd.oasis.opendocument.text", "notes.odt"),
        ("counts.csv", CSV_BYTES, "text/csv", "counts.csv"),
        # Judged by content, never by name: the name gets the right extension.
        ("report.html", pdf_bytes(), "application/pdf", "report.html.pdf"),
        ("scan", png_bytes(), "image/png", "scan.png"),
    ],
)
def test_allowed_files_are_stored_with_the_type_found_in_their_content(
    media_root, name, content, content_type, shown_as
):
    scene = build_evidence_scene()

    response = submit_with_file(scene, name, content)

    assert response.status_code == 201, response.json()
    [attachment] = response.json()["attachments"]
    assert attachment["content_type"] == content_type
    assert attachment["name"] == shown_as
    assert attachment["size"] == len(content)
    assert attachment["sha256"] == hashlib.sha256(content).hexdigest()
    stored = EvidenceAttachment.objects.get(pk=attachment["id"])
    stored_name = str(stored.file.name)
    assert stored_name.startswith(f"evidence/{scene.partnership.pk}/")
    assert name.split(".")[0] not in stored_name  # a random name, not theirs
    [on_disk] = files_under(media_root)
    assert on_disk.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", EXE_BYTES),
        ("page.pdf", HTML_BYTES),
        ("archive.docx", plain_zip_bytes()),
        (
            "macro.docx",
            ooxml_bytes(
                "docx",
                content_type="application/vnd.ms-word.document.macroEnabled.main+xml",
            ),
        ),
        ("text.csv", b"just one line of words without separators\n"),
        ("binary.csv", b"a,b\n\x00\x01,\x02\n"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("broken.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_files_whose_content_is_not_an_allowed_type_are_refused_and_nothing_is_kept(
    media_root, name, content
):
    scene = build_evidence_scene()

    response = submit_with_file(scene, name, content)

    assert response.status_code == 400
    assert "could not recognise this file from its contents" in response.json()["attachment"][0]
    assert not Evidence.objects.filter(partnership=scene.partnership).exists()
    assert not EvidenceAttachment.objects.exists()
    assert files_under(media_root) == []


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(media_root, settings):
    settings.LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES = 1000
    scene = build_evidence_scene()

    response = submit_with_file(scene, "big.pdf", pdf_bytes() + b"%" * 1000)

    assert response.status_code == 400
    assert response.json()["attachment"] == [
        "The file is 1.1\xa0KB. Files must be 1000\xa0bytes or smaller."
    ]
    assert not Evidence.objects.filter(partnership=scene.partnership).exists()
    assert files_under(media_root) == []


def test_the_default_limit_is_twenty_megabytes():
    assert settings.LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES == 20 * 1024 * 1024


def test_an_empty_file_is_refused(media_root):
    scene = build_evidence_scene()

    response = submit_with_file(scene, "empty.pdf", b"")

    assert response.status_code == 400
    assert "attachment" in response.json()
    assert files_under(media_root) == []


def test_field_and_file_problems_are_reported_together(media_root):
    scene = build_evidence_scene()

    response = submit_with_file(scene, "x.pdf", EXE_BYTES, value=3)

    assert response.status_code == 400
    assert set(response.json()) == {"unit", "attachment"}
    assert files_under(media_root) == []


def test_if_saving_fails_after_the_file_was_written_the_file_is_removed(media_root, monkeypatch):
    scene = build_evidence_scene()

    def fail(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    monkeypatch.setattr("evidence.services.items.activity_record", fail)

    with pytest.raises(RuntimeError):
        submit_with_file(scene, "report.pdf", pdf_bytes())

    assert not Evidence.objects.filter(partnership=scene.partnership).exists()
    assert files_under(media_root) == []


def test_a_document_needs_a_file_or_words(media_root):
    scene = build_evidence_scene()
    url = api("partnership-evidence", pk=scene.partnership.pk)
    client = api_client(scene.grantee_member)

    without = client.post(url, story(kind="document", body=""), format="json")
    with_file = submit_with_file(scene, "plan.pdf", pdf_bytes(), kind="document", body="")

    assert without.status_code == 400
    assert without.json()["attachment"] == ["Attach the document, or say what is in it."]
    assert with_file.status_code == 201
    stored = Evidence.objects.get(partnership=scene.partnership)
    assert (stored.pk, stored.kind, stored.body) == (with_file.json()["id"], "document", "")
    assert list(stored.attachments.values_list("original_name", flat=True)) == ["plan.pdf"]


def test_multipart_takes_questions_and_prompts_as_well(media_root):
    scene = build_evidence_scene()
    body = {
        "kind": "learning_log",
        "title": "Week 3",
        "valence": "unclear",
        "occurred_on": "2025-03-03",
        "questions": [scene.question.pk],
        "prompts.learned": "People come for the company.",
        "prompts.patterns": "Rainy days are quiet.",
        "attachment": upload("photo.png", png_bytes()),
    }

    response = api_client(scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk), body, format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["questions"] == [scene.question.pk]
    assert response.json()["prompts"] == {
        "learned": "People come for the company.",
        "patterns": "Rainy days are quiet.",
    }
    stored = Evidence.objects.get(pk=response.json()["id"])
    assert list(stored.questions.all()) == [scene.question]
    assert stored.prompts == {
        "learned": "People come for the company.",
        "patterns": "Rainy days are quiet.",
    }
    assert list(stored.attachments.values_list("original_name", flat=True)) == ["photo.png"]


def test_multipart_prompts_may_also_be_json_text(media_root):
    scene = build_evidence_scene()
    body = {
        "kind": "reflection",
        "title": "Team away day",
        "valence": "working",
        "occurred_on": "2025-03-03",
        "prompts": '{"what_we_did": "Talked.", "what_it_means": "We listen better."}',
        "attachment": upload("notes.pdf", pdf_bytes()),
    }

    response = api_client(scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk), body, format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["prompts"] == {
        "what_we_did": "Talked.",
        "what_it_means": "We listen better.",
    }
    assert Evidence.objects.get(pk=response.json()["id"]).prompts == {
        "what_we_did": "Talked.",
        "what_it_means": "We listen better.",
    }


def test_a_download_is_an_attachment_with_the_checked_type_and_no_sniffing(media_root):
    scene = build_evidence_scene()
    created = submit_with_file(scene, "report.html", pdf_bytes()).json()
    [attachment] = created["attachments"]

    response = api_client(scene.grantee_member).get(attachment["url"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="report.html.pdf"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.getvalue() == pdf_bytes()


def test_the_web_download_is_checked_the_same_way(media_root):
    scene = build_evidence_scene()
    created = submit_with_file(scene, "photo.png", png_bytes()).json()
    [attachment] = created["attachments"]
    url = page("attachment-download", pk=created["id"], attachment_pk=attachment["id"])

    mine = web_client(scene.grantee_member).get(url)
    funder = web_client(scene.funder_member).get(url)
    outsider = web_client(scene.outsider).get(url)

    assert mine.status_code == 200
    assert mine["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert funder.status_code == 404
    assert outsider.status_code == 404


def test_an_attachment_of_another_item_is_not_found_through_this_one(media_root):
    scene = build_evidence_scene()
    first = submit_with_file(scene, "a.pdf", pdf_bytes()).json()
    second = submit_with_file(scene, "b.pdf", pdf_bytes()).json()

    response = api_client(scene.grantee_member).get(
        api("evidence-attachment", pk=first["id"], attachment_pk=second["attachments"][0]["id"])
    )

    assert response.status_code == 404


def test_no_url_serves_the_media_folder(media_root):
    scene = build_evidence_scene()
    created = submit_with_file(scene, "report.pdf", pdf_bytes()).json()
    stored = EvidenceAttachment.objects.get(pk=created["attachments"][0]["id"])

    name = stored.file.name
    for path in (f"/{name}", f"/media/{name}", f"/var/media/{name}"):
        with pytest.raises(Resolver404):
            resolve(path)
        assert web_client(scene.grantee_member).get(path).status_code == 404


def test_deleting_an_item_deletes_its_files(media_root, django_capture_on_commit_callbacks):
    scene = build_evidence_scene()
    created = submit_with_file(scene, "report.pdf", pdf_bytes()).json()
    assert len(files_under(media_root)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(scene.grantee_member).delete(api("evidence-detail", pk=created["id"]))

    assert response.status_code == 204
    assert files_under(media_root) == []
    assert not EvidenceAttachment.objects.exists()


def test_patch_with_a_file_adds_another_file(media_root):
    scene = build_evidence_scene()
    created = submit_with_file(scene, "a.pdf", pdf_bytes()).json()

    response = api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=created["id"]),
        {"attachment": upload("b.png", png_bytes())},
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    assert [a["name"] for a in response.json()["attachments"]] == ["a.pdf", "b.png"]
    assert len(files_under(media_root)) == 2
    assert list(
        EvidenceAttachment.objects.filter(evidence_id=created["id"])
        .order_by("pk")
        .values_list("original_name", flat=True)
    ) == ["a.pdf", "b.png"]


def test_the_owner_removes_one_file_on_the_page(media_root, django_capture_on_commit_callbacks):
    scene = build_evidence_scene()
    created = submit_with_file(scene, "a.pdf", pdf_bytes()).json()
    attachment_id = created["attachments"][0]["id"]
    url = page("attachment-delete", pk=created["id"], attachment_pk=attachment_id)

    lp_refused = web_client(scene.lp_member).post(url)
    assert lp_refused.status_code == 403  # sees it (participate), may not change it
    assert len(files_under(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        removed = web_client(scene.grantee_member).post(url)

    assert removed.status_code == 302
    assert not EvidenceAttachment.objects.exists()
    assert files_under(media_root) == []
    assert Evidence.objects.filter(pk=created["id"]).exists()


@pytest.mark.parametrize(
    ("original", "content_type", "expected"),
    [
        ("../../etc/passwd", "text/csv", "passwd.csv"),
        ("C:\\Users\\me\\My Report.PDF", "application/pdf", "My Report.PDF"),
        ("photo.JPEG", "image/jpeg", "photo.JPEG"),
        ("", "image/png", "attachment.png"),
        ("bad\x00name\n.pdf", "application/pdf", "badname.pdf"),
        ("a" * 300 + ".pdf", "application/pdf", "a" * 251 + ".pdf"),
    ],
)
def test_display_names_are_safe_and_end_with_the_real_type(original, content_type, expected):
    assert display_name(original, content_type) == expected


def test_the_content_check_needs_no_file_name():
    assert content_type_of(pdf_bytes()) == "application/pdf"
    assert content_type_of(png_bytes()) == "image/png"
    assert content_type_of(odf_bytes("application/vnd.oasis.opendocument.spreadsheet")) == (
        "application/vnd.oasis.opendocument.spreadsheet"
    )
    assert content_type_of(odf_bytes("application/x-unknown")) is None
    assert content_type_of(EXE_BYTES) is None


def test_participation_is_needed_to_attach_on_a_new_item(media_root):
    scene = build_evidence_scene(participate=False)

    response = submit_with_file(scene, "a.pdf", pdf_bytes())

    assert response.status_code == 403
    assert files_under(media_root) == []
    assert PARTICIPATE in response.json()["detail"]
