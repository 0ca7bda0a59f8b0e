"""The codebook's pages, as the learning partner and the other parties use them."""

import csv
import io
import zipfile
from typing import Any
from xml.etree import ElementTree  # noqa: S405 - reads our own export

import pytest

from evidence.models import Code, Excerpt
from partnerships.models import Partnership
from tests.evidence.coding_helpers import (
    WARM_ROOM,
    PageReader,
    build_coding_scene,
    code,
    excerpt,
)
from tests.evidence.items_helpers import api, api_client, page, web_client, withdraw

pytestmark = pytest.mark.django_db


def read(response: Any) -> PageReader:
    return PageReader(response.content.decode())


def test_the_learning_partner_adds_a_code_on_the_codebook_page() -> None:
    scene = build_coding_scene()
    parent = code(scene, "People")
    client = web_client(scene.lp_member)

    response = client.post(
        page("codebook", partnership_pk=scene.partnership.pk),
        {"name": "Staff", "description": "", "memo": "", "parent": str(parent.pk)},
        follow=True,
    )

    assert response.status_code == 200
    assert "“Staff” is in the codebook." in response.content.decode()
    assert Code.objects.get(name="Staff").parent_id == parent.pk


def test_a_grantee_reads_the_codebook_in_learning_for_mode_but_cannot_add_to_it() -> None:
    scene = build_coding_scene()
    code(scene, "Transport")
    client = web_client(scene.grantee_member)
    url = page("codebook", partnership_pk=scene.partnership.pk)

    read = client.get(url)
    refused = client.post(url, {"name": "Ours"})

    assert read.status_code == 200
    assert "Transport" in read.content.decode()
    assert "Add the code</button>" not in read.content.decode()
    assert refused.status_code == 403
    assert "learning partner" in refused.content.decode()
    assert list(Code.objects.values_list("name", flat=True)) == ["Transport"]


def test_outsiders_get_a_404_for_every_coding_page() -> None:
    scene = build_coding_scene()
    kept = code(scene, "Transport")
    made = excerpt(scene, scene.warm_room, "The bus was late.", [kept])
    client = web_client(scene.outsider)

    answers = [
        client.get(page("codebook", partnership_pk=scene.partnership.pk)),
        client.get(page("codebook-export", partnership_pk=scene.partnership.pk)),
        client.get(page("code-detail", pk=kept.pk)),
        client.get(page("excerpt-create", evidence_pk=scene.warm_room.pk)),
        client.get(page("excerpt-update", pk=made.pk)),
    ]

    assert [a.status_code for a in answers] == [404] * 5


def test_an_excerpt_is_chosen_by_its_sentences_without_a_mouse() -> None:
    scene = build_coding_scene()
    names = code(scene, "Names")
    client = web_client(scene.lp_member)
    url = page("excerpt-create", evidence_pk=scene.warm_room.pk)

    options = read(client.get(url)).options["first"]
    response = client.post(
        url,
        {"first": "2", "last": "3", "codes": [str(names.pk)], "memo": "Known, then let down."},
    )

    assert options == [
        "Choose a sentence",
        "1. The warm room made the difference.",
        "2. Staff knew our names.",
        "3. The bus was late.",
    ]
    assert response.status_code == 302
    made = Excerpt.objects.get()
    assert made.text == "Staff knew our names. The bus was late."
    assert (made.start, made.end) == (WARM_ROOM.index("Staff"), len(WARM_ROOM))
    assert made.memo == "Known, then let down."


def test_exact_character_positions_win_over_the_sentences() -> None:
    scene = build_coding_scene()
    names = code(scene, "Names")

    response = web_client(scene.lp_member).post(
        page("excerpt-create", evidence_pk=scene.warm_room.pk),
        {"first": "1", "last": "1", "start": "4", "end": "13", "codes": [str(names.pk)]},
    )

    assert response.status_code == 302
    assert Excerpt.objects.get().text == "warm room"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"first": "3", "last": "1"}, "Choose a sentence after the one it starts with."),
        ({}, "Choose the sentence the excerpt starts with."),
        ({"start": "0", "end": "999"}, "The end must be between 1 and 74"),
        ({"start": "5"}, "Enter the character it ends at, or clear both."),
        ({"start": "-4", "end": "x"}, "Enter a whole number, like 42."),
        ({"first": "99", "last": "1"}, "Select a valid choice."),
    ],
)
def test_a_wrong_excerpt_form_says_what_to_fix(data: dict[str, str], message: str) -> None:
    scene = build_coding_scene()
    names = code(scene, "Names")

    response = web_client(scene.lp_member).post(
        page("excerpt-create", evidence_pk=scene.warm_room.pk),
        {"codes": [str(names.pk)], **data},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert message in html
    assert Excerpt.objects.count() == 0


def test_the_code_page_lists_its_visible_excerpts_and_memos() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus", memo="Transport keeps coming up.")
    excerpt(scene, scene.warm_room, "The bus was late.", [bus], memo="Every week.")
    excerpt(scene, scene.waiting, "We waited two hours.", [bus])
    url = page("code-detail", pk=bus.pk)

    as_partner = web_client(scene.lp_member).get(url).content.decode()
    as_other = web_client(scene.other_member).get(url).content.decode()

    assert "The bus was late." in as_partner
    assert "We waited two hours." in as_partner
    assert "Every week." in as_partner
    assert "Transport keeps coming up." in as_partner
    assert "The bus was late." not in as_other
    assert "Every week." not in as_other
    assert "We waited two hours." in as_other


def test_the_matrices_are_tables_with_a_caption_and_headers() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    excerpt(scene, scene.warm_room, "The bus was late.", [bus], (scene.transport,))
    excerpt(scene, scene.waiting, "We waited two hours.", [bus], (scene.transport,))

    tables = read(
        web_client(scene.lp_member).get(page("codebook", partnership_pk=scene.partnership.pk))
    ).tables

    assert [t.caption for t in tables] == [
        "Excerpts of each party's evidence, by code",
        "Excerpts about each research question, by code",
    ]
    by_party = tables[0]
    assert {scope for _, scope in by_party.head} == {"col"}
    ((row_head, counts),) = by_party.rows
    assert row_head == ("Bus", "row")
    cells = dict(zip([text for text, _ in by_party.head[1:]], counts, strict=True))
    assert cells[scene.grantee_party.organisation.name] == "1"
    assert cells[scene.other_party.organisation.name] == "1"
    assert cells[scene.lp_party.organisation.name] == "0"
    assert tables[1].rows == [(("Bus", "row"), ["2", "0"])]


def test_a_withdrawal_removes_the_partys_excerpts_from_every_page_at_once() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    hidden = excerpt(scene, scene.warm_room, "The bus was late.", [bus], (scene.transport,))
    excerpt(scene, scene.waiting, "We waited two hours.", [bus], (scene.transport,))
    client = web_client(scene.lp_member)

    withdraw(scene.grantee_party, "participate")

    codebook = read(client.get(page("codebook", partnership_pk=scene.partnership.pk)))
    code_page = client.get(page("code-detail", pk=bus.pk)).content.decode()
    export = client.get(page("codebook-export", partnership_pk=scene.partnership.pk))
    assert "The bus was late." not in code_page
    assert "We waited two hours." in code_page
    assert codebook.tables[1].rows == [(("Bus", "row"), ["1", "0"])]
    assert "The bus was late." not in export.content.decode()
    assert client.get(page("excerpt-update", pk=hidden.pk)).status_code == 404


def test_the_csv_export_carries_codes_excerpts_and_memos() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus", memo="=SUM(A1)")
    code(scene, "Unused", description="Nothing yet.")
    excerpt(scene, scene.warm_room, "The bus was late.", [bus], (scene.transport,), memo="Weekly.")

    response = web_client(scene.lp_member).get(
        page("codebook-export", partnership_pk=scene.partnership.pk)
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["code"], r["text"], r["excerpt_memo"]) for r in rows] == [
        ("Bus", "The bus was late.", "Weekly."),
        ("Unused", "", ""),
    ]
    assert rows[0]["code_memo"] == "'=SUM(A1)"
    assert rows[0]["questions"] == "How do families get here?"
    assert rows[0]["party"] == scene.grantee_party.organisation.name
    assert rows[1]["code_description"] == "Nothing yet."


def test_the_evidence_page_shows_its_excerpts_and_flags_a_changed_text() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    excerpt(scene, scene.warm_room, "The bus was late.", [bus])
    api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=scene.warm_room.pk),
        {"body": WARM_ROOM.replace("late", "early")},
        format="json",
    )

    html = web_client(scene.lp_member).get(page("evidence-detail", pk=scene.warm_room.pk))

    text = html.content.decode()
    assert "The bus was late." in text
    assert "Text changed" in text
    assert "Code part of this text</a>" in text


def test_merging_and_deleting_codes_on_their_pages() -> None:
    scene = build_coding_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    waits = code(scene, "Waits")
    delays = code(scene, "Delays")
    made = excerpt(scene, scene.waiting, "We waited two hours.", [waits])
    client = web_client(scene.other_member)

    merged = client.post(page("code-merge", pk=waits.pk), {"into": str(delays.pk)})
    deleted = client.post(page("code-delete", pk=delays.pk))

    assert merged.status_code == 302
    assert [c.pk for c in made.codes.all()] == []
    assert deleted.status_code == 302
    assert not Code.objects.exists()
    assert not Excerpt.objects.exists()


def _qdpx(client: Any, partnership_pk: int) -> tuple[Any, zipfile.ZipFile]:
    response = client.get(page("codebook-qdpx", partnership_pk=partnership_pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return ElementTree.fromstring(archive.read("project.qde")), archive  # noqa: S314 - our own file


def test_the_refi_qda_project_carries_the_codebook_sources_and_codings() -> None:
    scene = build_coding_scene()
    people = code(scene, "People", memo="Who people meet.")
    staff = code(scene, "Staff", parent_id=people.pk, description="Staff by name.")
    made = excerpt(scene, scene.warm_room, "Staff knew our names.", [staff], memo="Known.")
    ns = {"q": "urn:QDA-XML:project:1.0"}

    project, archive = _qdpx(web_client(scene.lp_member), scene.partnership.pk)

    top = project.findall("q:CodeBook/q:Codes/q:Code", ns)
    assert [c.get("name") for c in top] == ["People"]
    (child,) = top[0].findall("q:Code", ns)
    assert child.get("name") == "Staff"
    assert child.findtext("q:Description", namespaces=ns) == "Staff by name."
    (source,) = project.findall("q:Sources/q:TextSource", ns)
    assert source.get("name") == "Warm room"
    text = archive.read(f"Sources/{source.get('plainTextPath').removeprefix('internal://')}")
    (selection,) = source.findall("q:PlainTextSelection", ns)
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text.decode()[start:end] == made.text == "Staff knew our names."
    assert selection.findtext("q:Description", namespaces=ns) == "Known."
    assert selection.find("q:Coding/q:CodeRef", ns).get("targetGUID") == child.get("guid")
    (note,) = project.findall("q:Notes/q:Note", ns)
    assert note.findtext("q:PlainTextContent", namespaces=ns) == "Who people meet."
    assert top[0].find("q:NoteRef", ns).get("targetGUID") == note.get("guid")


def test_the_refi_qda_project_leaves_out_what_the_reader_may_not_see() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    excerpt(scene, scene.warm_room, "The bus was late.", [bus])
    excerpt(scene, scene.waiting, "We waited two hours.", [bus])
    ns = {"q": "urn:QDA-XML:project:1.0"}

    withdraw(scene.grantee_party, "participate")
    project, archive = _qdpx(web_client(scene.lp_member), scene.partnership.pk)

    assert [s.get("name") for s in project.findall("q:Sources/q:TextSource", ns)] == ["Waiting"]
    assert all(WARM_ROOM not in archive.read(name).decode() for name in archive.namelist())
