"""The evidence pages, used as a person would: the Evidence tab, adding evidence in two
steps (kind, then that kind's questions), an item's page, changing and deleting one's
own, and the coverage map."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from evidence.models import Evidence, EvidenceAttachment
from partnerships.models import ActivityEvent
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    EXE_BYTES,
    PARTICIPATE,
    SHARE_WITH_FUNDER,
    agree_question,
    build_evidence_scene,
    files_under,
    grant,
    page,
    pdf_bytes,
    upload,
    web_client,
)
from tests.partnerships.factories import add_member

pytestmark = pytest.mark.django_db


def add_url(scene, kind=""):  # type: ignore[no-untyped-def]
    url = page("evidence-create", partnership_pk=scene.partnership.pk)
    return f"{url}?kind={kind}" if kind else url


def aar_form(**extra):  # type: ignore[no-untyped-def]
    return {
        "title": "Winter drop-in sessions",
        "prompt_planned": "Two sessions a week for thirty families.",
        "prompt_happened": "Eighteen families came, mostly on Tuesdays.",
        "prompt_why_different": "The Thursday bus was cut.",
        "prompt_do_differently": "Move Thursday to Saturday morning.",
        "occurred_on": "2025-02-01",
        "valence": "not_working",
        "attribution": "anonymous",
        **extra,
    }


def test_the_partnership_has_an_evidence_tab():
    scene = build_evidence_scene()

    response = web_client(scene.lp_member).get(
        reverse("partnerships:partnership-detail", args=[scene.partnership.pk])
    )

    assert response.status_code == 200
    assert page("evidence-list", partnership_pk=scene.partnership.pk) in response.content.decode()


def test_step_one_asks_what_kind_of_evidence_in_plain_words():
    scene = build_evidence_scene()

    response = web_client(scene.grantee_member).get(add_url(scene))

    text = response.content.decode()
    assert response.status_code == 200
    assert "What do you want to add?" in text
    assert "An after action review" in text
    assert "A short note of what you have learnt" in text
    assert 'method="get"' in text


def test_step_one_without_a_choice_shows_an_error():
    scene = build_evidence_scene()

    response = web_client(scene.grantee_member).get(add_url(scene) + "?kind=")

    assert "Choose what you want to add." in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "questions"),
    [
        (
            "after_action_review",
            [
                "What did we plan to happen?",
                "What actually happened?",
                "Why was there a difference?",
                "What will we do differently next time?",
            ],
        ),
        ("learning_log", ["What have I learnt?", "What patterns have I seen?"]),
        ("reflection", ["What did we do?", "What happened?", "What does it mean?"]),
        ("statistic", ["The number", "What does the number count?", "What was it before?"]),
    ],
)
def test_step_two_asks_the_prompts_of_the_kind(kind, questions):
    scene = build_evidence_scene()

    response = web_client(scene.grantee_member).get(add_url(scene, kind))

    text = response.content.decode()
    assert response.status_code == 200
    for question in questions:
        assert question in text
    assert "Working" in text
    assert "Not working" in text
    assert "Mixed" in text
    assert "Keep it anonymous" in text
    assert escape(scene.question.text) in text
    assert f"Question {scene.question.pk}" not in text  # never a database id
    assert 'enctype="multipart/form-data"' in text


def test_a_grantee_adds_an_after_action_review_with_a_file(media_root):
    scene = build_evidence_scene()
    client = web_client(scene.grantee_member)

    response = client.post(
        add_url(scene, "after_action_review"),
        aar_form(questions=[scene.question.pk], attachment=upload("notes.pdf", pdf_bytes())),
    )

    evidence = Evidence.objects.get(partnership=scene.partnership)
    assert response.status_code == 302
    assert response["Location"] == evidence.get_absolute_url()
    assert evidence.kind == "after_action_review"
    assert evidence.prompts["why_different"] == "The Thursday bus was cut."
    assert evidence.valence == "not_working"
    assert list(evidence.questions.all()) == [scene.question]
    assert evidence.attachments.get().original_name == "notes.pdf"
    detail = client.get(response["Location"]).content.decode()
    assert "You added “Winter drop-in sessions”." in detail
    assert "Why was there a difference?" in detail
    assert "The Thursday bus was cut." in detail
    assert "Download notes.pdf" in detail
    assert "Change this evidence" in detail


def test_mistakes_are_listed_at_the_top_linked_to_each_field_and_nothing_is_stored(media_root):
    scene = build_evidence_scene()

    response = web_client(scene.grantee_member).post(
        add_url(scene, "after_action_review"),
        aar_form(
            title="",
            valence="",
            prompt_planned="",
            prompt_happened="",
            prompt_why_different="",
            prompt_do_differently="",
            attachment=upload("setup.pdf", EXE_BYTES),
        ),
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text
    assert 'href="#id_title"' in text
    assert "Give it a short title" in text
    assert "Say whether it shows something working" in text
    assert not Evidence.objects.exists()
    assert files_under(media_root) == []


def test_a_bad_file_is_explained_on_the_form(media_root):
    scene = build_evidence_scene()

    response = web_client(scene.grantee_member).post(
        add_url(scene, "after_action_review"), aar_form(attachment=upload("x.pdf", EXE_BYTES))
    )

    assert response.status_code == 400
    assert "We could not recognise this file from its contents" in response.content.decode()
    assert not Evidence.objects.exists()
    assert files_under(media_root) == []


def test_a_statistic_needs_a_unit_on_the_form():
    scene = build_evidence_scene()

    response = web_client(scene.grantee_member).post(
        add_url(scene, "statistic"),
        {
            "title": "Families",
            "value": "18",
            "unit": "",
            "occurred_on": "2025-01-01",
            "valence": "working",
            "attribution": "anonymous",
        },
    )

    assert response.status_code == 400
    assert "Say what the number counts" in response.content.decode()
    assert not Evidence.objects.exists()


def test_without_consent_the_page_says_which_consent_is_missing_and_where_to_give_it():
    scene = build_evidence_scene(participate=False)
    client = web_client(scene.grantee_member)

    step_one = client.get(add_url(scene))
    posted = client.post(add_url(scene, "story"), {"title": "x"})
    listing = client.get(page("evidence-list", partnership_pk=scene.partnership.pk))

    for response in (step_one, posted):
        assert response.status_code == 403
        text = response.content.decode()
        assert "has not given consent to take part (participate)" in text
        assert reverse("consent:consent-overview", args=[scene.partnership.pk]) in text
    assert "has not given consent to take part" in listing.content.decode()
    assert "Add evidence</a>" not in listing.content.decode()
    assert not Evidence.objects.exists()


def test_someone_in_two_parties_chooses_which_one():
    scene = build_evidence_scene()
    grant(scene.other_grantee_party, PARTICIPATE)
    add_member(scene.other_grantee_party.organisation, scene.grantee_member)
    client = web_client(scene.grantee_member)

    form = client.get(add_url(scene, "story"))
    response = client.post(
        add_url(scene, "story"),
        {
            "party": scene.other_grantee_party.pk,
            "title": "A story",
            "body": "It happened.",
            "occurred_on": "2025-01-01",
            "valence": "working",
            "attribution": "anonymous",
        },
    )

    assert "Who are you adding this for?" in form.content.decode()
    assert response.status_code == 302
    assert Evidence.objects.get().party == scene.other_grantee_party


def test_the_list_filters_with_a_get_form():
    scene = build_evidence_scene()
    second = agree_question(scene.partnership, "Does the bus matter?")
    EvidenceFactory.create(party=scene.grantee_party, title="Good news", questions=[scene.question])
    EvidenceFactory.create(
        party=scene.grantee_party,
        title="Bad news",
        valence="not_working",
        questions=[second],
        occurred_on=datetime.date(2025, 1, 2),
    )
    client = web_client(scene.grantee_member)
    url = page("evidence-list", partnership_pk=scene.partnership.pk)

    everything = client.get(url).content.decode()
    not_working = client.get(url, {"valence": "not_working"}).content.decode()
    by_question = client.get(url, {"question": scene.question.pk}).content.decode()
    nonsense = client.get(url, {"question": "abc", "kind": "poem"})

    assert "Good news" in everything
    assert "Bad news" in everything
    assert "2 items" in everything
    assert "Bad news" in not_working
    assert "Good news" not in not_working
    assert "1 item found" in not_working
    assert "Good news" in by_question
    assert "Bad news" not in by_question
    assert nonsense.status_code == 200
    assert "Not working" in not_working  # the valence is written, not only coloured


def test_the_owner_changes_an_item_on_a_prefilled_form():
    scene = build_evidence_scene()
    item = EvidenceFactory.create(party=scene.grantee_party, title="Old title", body="Old words.")
    client = web_client(scene.grantee_member)
    url = page("evidence-update", pk=item.pk)

    form = client.get(url)
    response = client.post(
        url,
        {
            "title": "New title",
            "body": "New words.",
            "occurred_on": "2025-01-05",
            "valence": "mixed",
            "attribution": "named",
        },
    )

    assert "Old title" in form.content.decode()
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.body, item.valence, item.attribution) == (
        "New title",
        "New words.",
        "mixed",
        "named",
    )


def test_others_who_see_an_item_get_a_403_page_and_nothing_changes():
    scene = build_evidence_scene()
    grant(scene.grantee_party, SHARE_WITH_FUNDER)
    item = EvidenceFactory.create(party=scene.grantee_party, title="Kept")
    client = web_client(scene.funder_member)

    detail = client.get(page("evidence-detail", pk=item.pk))
    change = client.post(page("evidence-update", pk=item.pk), {"title": "Changed"})
    delete = client.post(page("evidence-delete", pk=item.pk))

    assert detail.status_code == 200
    assert "Change this evidence" not in detail.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    assert "Only people in" in delete.content.decode()
    item.refresh_from_db()
    assert item.title == "Kept"


def test_deleting_asks_first_then_deletes(media_root):
    scene = build_evidence_scene()
    item = EvidenceFactory.create(party=scene.grantee_party, title="To go")
    client = web_client(scene.grantee_member)
    url = page("evidence-delete", pk=item.pk)

    check = client.get(url)
    assert Evidence.objects.filter(pk=item.pk).exists()
    response = client.post(url)

    assert check.status_code == 200
    assert "Delete this evidence?" in check.content.decode()
    assert "It cannot be undone" in check.content.decode()
    assert response.status_code == 302
    assert response["Location"] == page("evidence-list", partnership_pk=scene.partnership.pk)
    assert not Evidence.objects.filter(pk=item.pk).exists()
    assert ActivityEvent.objects.filter(verb="evidence_deleted").exists()
    assert not EvidenceAttachment.objects.exists()


def test_the_coverage_map_marks_thin_and_empty_cells_in_words():
    scene = build_evidence_scene()
    grant(scene.other_grantee_party, PARTICIPATE)
    grant(scene.funder_party, PARTICIPATE)
    for _ in range(3):
        EvidenceFactory.create(party=scene.grantee_party, questions=[scene.question])
    EvidenceFactory.create(party=scene.other_grantee_party, questions=[scene.question])

    response = web_client(scene.lp_member).get(
        page("evidence-coverage", partnership_pk=scene.partnership.pk)
    )

    assert response.status_code == 200
    text = response.content.decode()
    row = text.split(f"{escape(scene.question.text)}</a>", 1)[1].split("</tr>", 1)[0]
    cells = {
        party.pk: cell
        for party, cell in zip(
            response.context["coverage"].parties, row.split("<td")[1:], strict=True
        )
    }
    assert ">3</td>" in cells[scene.grantee_party.pk]
    assert "thin" not in cells[scene.grantee_party.pk]
    assert "1 <strong>thin</strong>" in cells[scene.other_grantee_party.pk]
    assert "None yet" in cells[scene.funder_party.pk]
    assert "None yet" in cells[scene.lp_party.pk]
    assert "Not linked to an agreed question" in text


def test_the_coverage_map_says_when_no_question_is_agreed_yet():
    scene = build_evidence_scene()
    scene.question.delete()

    response = web_client(scene.grantee_member).get(
        page("evidence-coverage", partnership_pk=scene.partnership.pk)
    )

    assert "There are no agreed research questions yet" in response.content.decode()


def test_signed_out_people_are_sent_to_sign_in():
    scene = build_evidence_scene()

    response = Client().get(page("evidence-list", partnership_pk=scene.partnership.pk))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
