"""CSV import takes every choice as people read it on the pages ("After action review",
"Not working", "Someone using the service", "Named") as well as its code, in any case and
with stray spaces; the import page says so."""

import pytest

from evidence.models import Evidence
from evidence.schema import BY_NAME, CHOICE_WORDS, choice_value
from tests.evidence.items_helpers import build_evidence_scene, page, web_client
from tests.evidence.test_evidence_csv import csv_file, import_csv

pytestmark = pytest.mark.django_db

HEADER = (
    "kind,title,body,occurred_on,valence,attribution,speaker,value,unit,planned,learned,what_we_did"
)

#: One good row per kind, its kind written as the pages name it, in an odd case.
ROWS_BY_KIND = {
    Evidence.Kind.STATISTIC: "  STATISTIC ,Families,,2025-01-10,working,,,18,families,,,",
    Evidence.Kind.STORY: "story,Warm room,People stayed.,2025-01-10,working,,,,,,,",
    Evidence.Kind.QUOTE: "Quote,A word,“It helped.”,2025-01-10,working,,,,,,,",
    Evidence.Kind.LEARNING_LOG: "learning LOG,Log,,2025-01-10,working,,,,,,Patience,",
    Evidence.Kind.INTERVIEW_NOTE: "Interview note,Talk,Notes.,2025-01-10,working,,,,,,,",
    Evidence.Kind.SURVEY_RESULT: "survey result,Survey,Most liked it.,2025-01-10,working,,,,,,,",
    Evidence.Kind.AFTER_ACTION_REVIEW: "After action review,Winter,,2025-01-10,mixed,,,,,30,,",
    Evidence.Kind.REFLECTION: "Reflection session,Team,,2025-01-10,mixed,,,,,,,We met",
    Evidence.Kind.DOCUMENT: "document,Plan,Our plan.,2025-01-10,unclear,,,,,,,",
}


def test_every_kind_is_imported_from_the_name_the_pages_give_it():
    scene = build_evidence_scene()
    text = HEADER + "\n" + "\n".join(ROWS_BY_KIND.values()) + "\n"

    response = import_csv(scene, text)

    assert response.status_code == 201, response.json()
    stored = Evidence.objects.filter(pk__in=response.json()["ids"]).order_by("pk")
    assert [item.kind for item in stored] == list(ROWS_BY_KIND)


def test_valence_speaker_and_attribution_take_their_labels_in_any_case():
    scene = build_evidence_scene()
    text = (
        HEADER + "\n"
        "story,One,Body.,2025-01-10, Not Working ,Named,Service user,,,,,\n"
        "story,Two,Body.,2025-01-10,not-working,ANONYMOUS,someone using the service,,,,,\n"
        "story,Three,Body.,2025-01-10,Mixed,named,A volunteer,,,,,\n"
        "story,Four,Body.,2025-01-10,unclear,,The funder,,,,,\n"
        "story,Five,Body.,2025-01-10,WORKING,,Someone else,,,,,\n"
    )

    response = import_csv(scene, text)

    assert response.status_code == 201, response.json()
    stored = Evidence.objects.filter(pk__in=response.json()["ids"]).order_by("pk")
    assert [(e.valence, e.attribution, e.speaker) for e in stored] == [
        ("not_working", "named", "service_user"),
        ("not_working", "anonymous", "service_user"),
        ("mixed", "named", "volunteer"),
        ("unclear", "anonymous", "funder"),
        ("working", "anonymous", "other"),
    ]


def test_a_word_that_names_no_choice_is_refused_by_row_and_nothing_is_imported():
    scene = build_evidence_scene()
    text = (
        HEADER + "\n"
        "story,One,Body.,2025-01-10,Working,,,,,,,\n"
        "story,Two,Body.,2025-01-10,Half working,,,,,,,\n"
        "After inaction review,Three,Body.,2025-01-10,working,,,,,,,\n"
    )

    response = import_csv(scene, text)

    assert response.status_code == 400
    rows = response.json()["rows"]
    assert any(problem.startswith("Row 3, valence:") for problem in rows), rows
    assert any(problem.startswith("Row 4, kind:") for problem in rows), rows
    assert Evidence.objects.filter(partnership=scene.partnership).count() == 0


@pytest.mark.parametrize("name", sorted(CHOICE_WORDS))
def test_every_label_and_code_of_every_choice_column_names_its_value(name):
    spec = BY_NAME[name]
    for value, label in spec.choices:
        if not value:
            continue
        assert choice_value(name, f"  {str(label).upper()} ") == value, label
        assert choice_value(name, f"{value.replace('_', ' ').title()}\t") == value, value
    assert choice_value(name, " nothing like it ") == "nothing like it"


def test_the_import_page_lists_each_choice_by_its_name_and_code_and_says_either_will_do():
    scene = build_evidence_scene()

    text = (
        web_client(scene.grantee_member)
        .get(page("evidence-import", partnership_pk=scene.partnership.pk))
        .content.decode()
    )

    assert "Capital letters and extra spaces do not matter." in text
    assert "After action review (<code>after_action_review</code>)" in text
    assert "Not working (<code>not_working</code>)" in text
    assert "Someone using the service (<code>service_user</code>)" in text
    assert "Named (<code>named</code>)" in text
    assert 'href="/glossary/#evidence"' in text


def test_the_same_file_through_the_page_is_imported():
    scene = build_evidence_scene()
    client = web_client(scene.grantee_member)
    url = page("evidence-import", partnership_pk=scene.partnership.pk)
    text = HEADER + "\nAfter action review,Winter,,31/01/2025,Not working,Named,Staff,,,30,,\n"

    response = client.post(url, {"file": csv_file(text)})

    assert response.status_code == 302
    item = Evidence.objects.get(partnership=scene.partnership)
    assert (item.kind, item.valence, item.attribution, item.speaker) == (
        "after_action_review",
        "not_working",
        "named",
        "staff",
    )
    assert item.prompts == {"planned": "30"}
