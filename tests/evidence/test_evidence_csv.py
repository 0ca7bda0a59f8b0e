"""CSV: the import template, importing many items (all or nothing, problems by row), and
exporting one's own evidence so it can be edited and imported again."""

import csv
import io

import pytest

from evidence.csv_import import COLUMNS, EXPORT_COLUMNS
from evidence.models import Evidence
from partnerships.models import ActivityEvent
from partnerships.services import question_propose
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    PARTICIPATE,
    SHARE_WITH_PARTIES,
    api,
    api_client,
    build_evidence_scene,
    grant,
    page,
    upload,
    web_client,
    withdraw,
)
from tests.partnerships.factories import PartnershipFactory, admin_of

pytestmark = pytest.mark.django_db

HEADER = "kind,title,body,occurred_on,valence,attribution,questions,value,unit,baseline"


def csv_file(text: str, name: str = "evidence.csv", encoding: str = "utf-8"):  # type: ignore[no-untyped-def]
    return upload(name, text.encode(encoding), "text/csv")


def import_csv(scene, text, user=None, **extra):  # type: ignore[no-untyped-def]
    return api_client(user or scene.grantee_member).post(
        api("partnership-evidence-import", pk=scene.partnership.pk),
        {"file": csv_file(text), **extra},
        format="multipart",
    )


def _count(scene) -> int:  # type: ignore[no-untyped-def]
    return Evidence.objects.filter(partnership=scene.partnership).count()


def test_the_template_is_the_header_row_of_every_column():
    scene = build_evidence_scene()

    response = api_client(scene.grantee_member).get(
        api("partnership-evidence-import-template", pk=scene.partnership.pk)
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    assert text.count("\n") == 1


def test_a_good_file_adds_every_row_for_the_party():
    scene = build_evidence_scene()
    text = (
        "kind,title,body,occurred_on,valence,attribution,questions,value,unit,baseline,"
        "planned,happened\n"
        f"story,Warm room,People stayed longer.,2025-01-10,working,named,{scene.question.pk},,,,,\n"
        "statistic,Families helped,,31/01/2025,Not working,,,18,families,30,,\n"
        "After action review,Winter sessions,,2025-02-01,mixed,,,,,,Thirty families,Eighteen\n"
        ",,,,,,,,,,,\n"
    )

    response = import_csv(scene, text)

    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 3
    created = Evidence.objects.filter(pk__in=response.json()["ids"]).order_by("pk")
    warm, families, winter = created
    assert warm.kind == "story"
    assert warm.attribution == "named"
    assert list(warm.questions.values_list("pk", flat=True)) == [scene.question.pk]
    assert families.valence == "not_working"
    assert str(families.occurred_on) == "2025-01-31"
    assert families.value == 18
    assert families.baseline == 30
    assert winter.kind == "after_action_review"
    assert winter.prompts == {"planned": "Thirty families", "happened": "Eighteen"}
    assert {e.party_id for e in created} == {scene.grantee_party.pk}
    assert {e.submitted_by_id for e in created} == {scene.grantee_member.pk}
    event = ActivityEvent.objects.get(verb="evidence_imported")
    assert "3 pieces of evidence" in event.summary


def test_one_bad_row_means_nothing_is_imported_and_each_problem_names_its_row():
    scene = build_evidence_scene()
    elsewhere = PartnershipFactory.create()
    stranger = question_propose(
        partnership=elsewhere,
        party=elsewhere.parties.get(),
        text="Not ours",
        by=admin_of(elsewhere.funder),
    )
    text = (
        HEADER + "\n"
        "story,Fine row,All good.,2025-01-10,working,,,,,\n"
        "poem,Bad kind,Words.,2025-01-10,working,,,,,\n"
        "statistic,No unit,,2025-01-10,working,,,12,,\n"
        f"story,Stranger question,Words.,2025-01-10,working,,{stranger.pk},,,\n"
        "story,Bad date,Words.,the tenth,working,,,,,\n"
        "story,Bad question list,Words.,2025-01-10,working,,twelve,,,\n"
    )

    response = import_csv(scene, text)

    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Nothing was imported.")
    problems = {(p["row"], p["column"]) for p in body["problems"]}
    assert problems == {
        (3, "kind"),
        (4, "unit"),
        (5, "questions"),
        (6, "occurred_on"),
        (7, "questions"),
    }
    assert any(message.startswith("Row 4, unit: ") for message in body["rows"])
    assert _count(scene) == 0
    assert not ActivityEvent.objects.filter(verb="evidence_imported").exists()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (HEADER + "\n", "no rows"),
        ("kind,title,valance,occurred_on\nstory,x,working,2025-01-01\n", "valance"),
        ("title,body\nx,y\n", "needs the columns “kind”, “occurred_on”, “valence”"),
        ("kind,kind,title,occurred_on,valence\n", "twice"),
        (HEADER + '\nstory,"unclosed,2025-01-01,working\n', "quotation marks"),
        (HEADER + "\nstory,x,y,2025-01-01,working,,,,,,extra,cells\n", "cells"),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_problem_and_stores_nothing(text, words):
    scene = build_evidence_scene()

    response = import_csv(scene, text)

    assert response.status_code == 400, response.json()
    assert words in " ".join(p["message"] for p in response.json()["problems"])
    assert _count(scene) == 0


def test_an_empty_file_is_refused():
    scene = build_evidence_scene()

    response = import_csv(scene, "")

    assert response.status_code == 400
    assert response.json() == {"file": ["The submitted file is empty."]}
    assert _count(scene) == 0


def test_too_many_rows_are_refused():
    scene = build_evidence_scene()
    rows = "".join("story,x,y,2025-01-01,working,,,,,\n" for _ in range(1001))

    response = import_csv(scene, HEADER + "\n" + rows)

    assert response.status_code == 400
    assert "more than 1,000 rows" in response.json()["problems"][0]["message"]
    assert _count(scene) == 0


def test_excel_files_in_windows_encoding_with_semicolons_are_read():
    scene = build_evidence_scene()
    text = (
        "kind;title;body;occurred_on;valence\n"
        "quote;Café visit;“It felt like home.”;2025-01-10;working\n"
    )

    response = api_client(scene.grantee_member).post(
        api("partnership-evidence-import", pk=scene.partnership.pk),
        {"file": csv_file(text, encoding="cp1252")},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    item = Evidence.objects.get(pk=response.json()["ids"][0])
    assert item.title == "Café visit"
    assert item.body == "“It felt like home.”"


def test_import_needs_participate_consent():
    scene = build_evidence_scene(participate=False)

    response = import_csv(scene, HEADER + "\nstory,x,y,2025-01-01,working,,,,,\n")

    assert response.status_code == 403
    assert "(participate)" in response.json()["detail"]
    assert _count(scene) == 0


def test_outsiders_cannot_import_or_get_the_template():
    scene = build_evidence_scene()
    client = api_client(scene.outsider)

    row = "\nstory,x,y,2025-01-01,working,,,,,\n"
    imported = import_csv(scene, HEADER + row, user=scene.outsider)
    template = client.get(api("partnership-evidence-import-template", pk=scene.partnership.pk))

    assert imported.status_code == 404
    assert template.status_code == 404
    assert _count(scene) == 0


def _export(client, scene):  # type: ignore[no-untyped-def]
    response = client.get(api("partnership-evidence-export", pk=scene.partnership.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-{scene.partnership.pk}.csv"'
    )
    return _rows(response)


def _rows(response):  # type: ignore[no-untyped-def]
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_holds_only_ones_own_evidence_even_when_others_share():
    scene = build_evidence_scene()
    grant(scene.other_grantee_party, PARTICIPATE, SHARE_WITH_PARTIES)
    mine = EvidenceFactory.create(party=scene.grantee_party, questions=[scene.question])
    EvidenceFactory.create(party=scene.other_grantee_party, title="Theirs")

    rows = _export(api_client(scene.grantee_member), scene)

    assert [int(row["id"]) for row in rows] == [mine.pk]
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert rows[0]["party"] == scene.grantee_party.organisation.name
    assert rows[0]["questions"] == str(scene.question.pk)


def test_a_party_that_withdrew_can_still_export_its_evidence():
    scene = build_evidence_scene()
    EvidenceFactory.create(party=scene.grantee_party)
    withdraw(scene.grantee_party, PARTICIPATE)

    rows = _export(api_client(scene.grantee_member), scene)

    assert len(rows) == 1


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped_and_survive_a_round_trip():
    scene = build_evidence_scene()
    EvidenceFactory.create(
        party=scene.grantee_party, title='=HYPERLINK("http://x")', body="+1 phone"
    )

    rows = _export(api_client(scene.grantee_member), scene)
    assert rows[0]["title"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["body"] == "'+1 phone"

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    response = import_csv(scene, out.getvalue())

    assert response.status_code == 201, response.json()
    copy = Evidence.objects.get(pk=response.json()["ids"][0])
    assert copy.title == '=HYPERLINK("http://x")'
    assert copy.body == "+1 phone"


def test_the_pages_import_and_show_problems_by_row():
    scene = build_evidence_scene()
    client = web_client(scene.grantee_member)
    url = page("evidence-import", partnership_pk=scene.partnership.pk)

    form = client.get(url)
    bad = client.post(url, {"file": csv_file(HEADER + "\npoem,x,y,2025-01-01,working,,,,,\n")})
    good = client.post(url, {"file": csv_file(HEADER + "\nstory,x,y,2025-01-01,working,,,,,\n")})

    assert form.status_code == 200
    template_url = page("evidence-import-template", partnership_pk=scene.partnership.pk)
    assert template_url in form.content.decode()
    assert f"<strong>{scene.question.pk}</strong>" in form.content.decode()
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Nothing was imported" in text
    assert '<td data-label="Row">2</td><td data-label="Column">kind</td>' in text
    assert good.status_code == 302
    assert _count(scene) == 1


def test_the_page_export_and_template_download():
    scene = build_evidence_scene()
    EvidenceFactory.create(party=scene.grantee_party)
    client = web_client(scene.grantee_member)

    export = client.get(page("evidence-export", partnership_pk=scene.partnership.pk))
    template = client.get(page("evidence-import-template", partnership_pk=scene.partnership.pk))

    assert export.status_code == 200
    assert len(_rows(export)) == 1
    assert template.status_code == 200
