"""Coding part of an attached file's text (issue 20, item 2): a PDF's or a Word file's
words are read when it is attached, and an excerpt of them obeys the rules of an excerpt
of an item's body (offsets checked, consent, stale, themes, exports)."""

import io
import zipfile
from html import unescape

import pytest
from pypdf import PdfReader, PdfWriter

from evidence.extraction import file_text
from evidence.models import Evidence, EvidenceAttachment, Excerpt
from evidence.services.briefs import brief_draft, brief_request
from evidence.uploads import DOCX, PDF
from tests.evidence.briefs_scene import OCTOBER
from tests.evidence.coding_helpers import a_docx, a_pdf, build_coding_scene, code, with_file
from tests.evidence.items_helpers import api, api_client, page, web_client, withdraw

pytestmark = pytest.mark.django_db

REPORT = "The minibus changed everything. Families came every week. Nobody was turned away."


def a_locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(a_pdf(REPORT))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_and_a_word_files_words_are_read_as_they_are_attached() -> None:
    scene = build_coding_scene()

    pdf = with_file(
        scene.grantee_party,
        scene.grantee_member,
        "report.pdf",
        a_pdf(REPORT, "Tea helped."),
        PDF,
    )
    word = with_file(
        scene.grantee_party,
        scene.grantee_member,
        "notes.docx",
        a_docx("We met in the library.", "Tea helped."),
        DOCX,
    )

    # The PDF's lines wrapped by its layout are joined again: each sentence reads whole.
    assert (pdf.text, pdf.text_status) == (f"{REPORT}\nTea helped.", "read")
    assert (word.text, word.text_status) == ("We met in the library.\n\nTea helped.", "read")


def test_a_broken_or_locked_pdf_has_no_text_and_never_fails() -> None:
    assert file_text(b"%PDF-1.4\nnot really a PDF", PDF) is None
    assert file_text(a_locked_pdf(), PDF) is None
    assert file_text(b"PK\x03\x04 not a zip", DOCX) is None


def test_coding_part_of_a_pdfs_text_through_the_api() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Transport")
    pdf = with_file(scene.grantee_party, scene.grantee_member, "report.pdf", a_pdf(REPORT), PDF)
    start = REPORT.index("Families")

    response = api_client(scene.lp_member).post(
        api("evidence-excerpts", pk=pdf.evidence_id),
        {"attachment": pdf.pk, "start": start, "end": start + 25, "codes": [bus.pk]},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["attachment"], body["text"], body["stale"]) == (
        pdf.pk,
        "Families came every week.",
        False,
    )
    listed = api_client(scene.lp_member).get(api("partnership-excerpts", pk=scene.partnership.pk))
    assert [(e["attachment"], e["text"]) for e in listed.json()["results"]] == [
        (pdf.pk, "Families came every week.")
    ]


def test_offsets_outside_the_files_text_and_another_items_file_are_refused() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Transport")
    pdf = with_file(scene.grantee_party, scene.grantee_member, "report.pdf", a_pdf(REPORT), PDF)
    client = api_client(scene.lp_member)

    too_far = client.post(
        api("evidence-excerpts", pk=pdf.evidence_id),
        {"attachment": pdf.pk, "start": 0, "end": len(REPORT) + 1, "codes": [bus.pk]},
        format="json",
    )
    elsewhere = client.post(
        api("evidence-excerpts", pk=scene.warm_room.pk),
        {"attachment": pdf.pk, "start": 0, "end": 10, "codes": [bus.pk]},
        format="json",
    )
    moved = client.post(
        api("evidence-excerpts", pk=pdf.evidence_id),
        {"attachment": pdf.pk, "start": 0, "end": 3, "codes": [bus.pk]},
        format="json",
    )
    change = client.patch(
        api("excerpt-detail", pk=moved.json()["id"]), {"attachment": None}, format="json"
    )

    assert too_far.status_code == 400
    assert too_far.json()["end"] == [
        f"The end must be between 1 and {len(REPORT)}: the text is {len(REPORT)} characters long."
    ]
    assert elsewhere.status_code == 400
    assert elsewhere.json()["attachment"] == ["Choose a file attached to this evidence."]
    assert change.status_code == 400
    assert Excerpt.objects.filter(attachment=pdf).count() == 1


def test_a_broken_pdf_is_attached_and_its_page_says_its_text_could_not_be_read() -> None:
    scene = build_coding_scene()
    code(scene, "Transport")
    broken = with_file(
        scene.grantee_party,
        scene.grantee_member,
        "broken.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n",
        PDF,
    )
    client = web_client(scene.lp_member)

    item_page = client.get(page("evidence-detail", pk=broken.evidence_id))
    form = client.get(
        page("attachment-excerpt-create", evidence_pk=broken.evidence_id, attachment_pk=broken.pk)
    )
    refused = api_client(scene.lp_member).post(
        api("evidence-excerpts", pk=broken.evidence_id),
        {"attachment": broken.pk, "start": 0, "end": 3, "codes": [code(scene, "More").pk]},
        format="json",
    )

    assert broken.text_status == "unreadable"
    assert item_page.status_code == 200
    assert "The text of this file could not be read" in item_page.content.decode()
    assert "Code part of this file’s text" not in item_page.content.decode()
    assert form.status_code == 200
    assert "The text of “broken.pdf” could not be read" in unescape(form.content.decode())
    assert refused.status_code == 400
    assert refused.json()["attachment"] == [
        "The text of this file could not be read, so it cannot be coded."
    ]


def test_coding_a_sentence_of_a_pdf_on_the_page() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Transport")
    pdf = with_file(scene.grantee_party, scene.grantee_member, "report.pdf", a_pdf(REPORT), PDF)
    client = web_client(scene.lp_member)
    url = page("attachment-excerpt-create", evidence_pk=pdf.evidence_id, attachment_pk=pdf.pk)

    item_page = client.get(page("evidence-detail", pk=pdf.evidence_id)).content.decode()
    form = unescape(client.get(url).content.decode())
    posted = client.post(url, {"first": "2", "last": "2", "codes": [str(bus.pk)]})

    assert url in item_page
    assert "Code part of “report.pdf”" in form
    assert "2. Families came every week." in form
    assert posted.status_code == 302
    made = Excerpt.objects.get()
    assert (made.attachment_id, made.text) == (pdf.pk, "Families came every week.")
    shown = unescape(client.get(page("evidence-detail", pk=pdf.evidence_id)).content.decode())
    assert "From the file “report.pdf”." in shown


def test_a_file_attached_before_its_text_was_read_is_read_when_first_coded() -> None:
    scene = build_coding_scene()
    pdf = with_file(scene.grantee_party, scene.grantee_member, "report.pdf", a_pdf(REPORT), PDF)
    EvidenceAttachment.objects.filter(pk=pdf.pk).update(text="", text_status="not_read")
    url = page("attachment-excerpt-create", evidence_pk=pdf.evidence_id, attachment_pk=pdf.pk)
    code(scene, "Transport")

    form = web_client(scene.lp_member).get(url)

    assert "1. The minibus changed everything." in form.content.decode()
    pdf.refresh_from_db()
    assert (pdf.text, pdf.text_status) == (REPORT, "read")


def test_a_withdrawal_hides_a_files_excerpts_like_the_bodys() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Transport")
    pdf = with_file(scene.grantee_party, scene.grantee_member, "report.pdf", a_pdf(REPORT), PDF)
    client = api_client(scene.lp_member)
    made = client.post(
        api("evidence-excerpts", pk=pdf.evidence_id),
        {"attachment": pdf.pk, "start": 0, "end": 31, "codes": [bus.pk]},
        format="json",
    ).json()

    withdraw(scene.grantee_party, "participate")

    listed = client.get(api("partnership-excerpts", pk=scene.partnership.pk)).json()
    matrix = client.get(api("partnership-code-matrix", pk=scene.partnership.pk), {"by": "party"})
    assert made["text"] == "The minibus changed everything."
    assert listed["results"] == []
    assert matrix.json()["counts"] == [[0] * len(matrix.json()["columns"])]
    assert client.get(api("excerpt-detail", pk=made["id"])).status_code == 404


def test_a_files_excerpt_is_stale_when_its_text_no_longer_reads_so() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Transport")
    pdf = with_file(scene.grantee_party, scene.grantee_member, "report.pdf", a_pdf(REPORT), PDF)
    client = api_client(scene.lp_member)
    made = client.post(
        api("evidence-excerpts", pk=pdf.evidence_id),
        {"attachment": pdf.pk, "start": 0, "end": 31, "codes": [bus.pk]},
        format="json",
    ).json()
    # The item's body is another text: changing it leaves the file's excerpt as it was.
    Evidence.objects.filter(pk=pdf.evidence_id).update(body="Something else entirely.")
    fresh = client.get(api("excerpt-detail", pk=made["id"])).json()

    EvidenceAttachment.objects.filter(pk=pdf.pk).update(text="The van changed everything.")
    stale = client.get(api("excerpt-detail", pk=made["id"])).json()

    assert (fresh["stale"], stale["stale"]) == (False, True)


def test_the_exports_and_the_briefs_themes_read_the_files_text() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Transport")
    pdf = with_file(scene.grantee_party, scene.grantee_member, "report.pdf", a_pdf(REPORT), PDF)
    api_client(scene.lp_member).post(
        api("evidence-excerpts", pk=pdf.evidence_id),
        {"attachment": pdf.pk, "start": 0, "end": 31, "codes": [bus.pk]},
        format="json",
    )
    client = web_client(scene.lp_member)

    csv = client.get(page("codebook-export", partnership_pk=scene.partnership.pk))
    qdpx = client.get(page("codebook-qdpx", partnership_pk=scene.partnership.pk))
    brief, _ = brief_request(
        partnership=scene.partnership,
        period_start=OCTOBER[0],
        period_end=OCTOBER[1],
        by=scene.lp_member,
    )
    brief_draft(brief_id=brief.pk)
    brief.refresh_from_db()

    header, row = csv.content.decode().splitlines()[:2]
    assert ",file," in header
    assert ",report.pdf,0,31,The minibus changed everything.," in row
    with zipfile.ZipFile(io.BytesIO(qdpx.content)) as archive:
        sources = [n for n in archive.namelist() if n.startswith("Sources/")]
        assert [archive.read(n).decode() for n in sources] == [REPORT]
        assert "Minibus report: report.pdf" in archive.read("project.qde").decode()
    themes = brief.sections[0]["themes"]
    assert [(t["label"], t["quote"]["text"]) for t in themes] == [
        ("Transport", "The minibus changed everything.")
    ]
