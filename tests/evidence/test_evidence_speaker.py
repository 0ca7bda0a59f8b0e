"""Whose words an item gives (``speaker``): optional, one of six roles, the same through
the API, the page and a spreadsheet, and shown on the item's page."""

import pytest

from evidence.models import Evidence
from tests.evidence.items_helpers import api, api_client, build_evidence_scene, story, web_client
from tests.evidence.test_evidence_csv import HEADER, import_csv
from tests.evidence.test_evidence_pages import aar_form, add_url

pytestmark = pytest.mark.django_db


def _submit(scene, body):  # type: ignore[no-untyped-def]
    return api_client(scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk), body, format="json"
    )


def test_a_story_says_it_is_a_service_users_words():
    scene = build_evidence_scene()

    response = _submit(scene, story(speaker="service_user"))

    assert response.status_code == 201, response.json()
    assert response.json()["speaker"] == "service_user"
    assert Evidence.objects.get(pk=response.json()["id"]).speaker == "service_user"


def test_the_speaker_is_optional_and_blank_when_not_said():
    scene = build_evidence_scene()

    response = _submit(scene, story())

    assert response.status_code == 201, response.json()
    assert response.json()["speaker"] == ""


def test_an_unknown_speaker_is_refused_with_the_choices_and_nothing_is_stored():
    scene = build_evidence_scene()

    response = _submit(scene, story(speaker="the chief executive"))

    assert response.status_code == 400
    assert response.json()["speaker"] == [
        "Choose who is speaking: staff, volunteer, service_user, partner_organisation, "
        "funder, other."
    ]
    assert not Evidence.objects.filter(partnership=scene.partnership).exists()


def test_the_speaker_can_be_changed_and_cleared():
    scene = build_evidence_scene()
    item = _submit(scene, story(speaker="volunteer")).json()
    client = api_client(scene.grantee_member)

    changed = client.patch(api("evidence-detail", pk=item["id"]), {"speaker": "staff"}, "json")
    assert changed.status_code == 200, changed.json()
    assert Evidence.objects.get(pk=item["id"]).speaker == "staff"

    cleared = client.patch(api("evidence-detail", pk=item["id"]), {"speaker": ""}, "json")
    assert cleared.status_code == 200, cleared.json()
    assert Evidence.objects.get(pk=item["id"]).speaker == ""


def test_the_page_asks_whose_words_they_are_and_shows_the_answer():
    scene = build_evidence_scene()
    client = web_client(scene.grantee_member)

    form = client.get(add_url(scene, "after_action_review")).content.decode()
    assert "Whose words or views are these? (optional)" in form
    assert "Someone using the service" in form

    response = client.post(add_url(scene, "after_action_review"), aar_form(speaker="volunteer"))

    assert response.status_code == 302
    evidence = Evidence.objects.get(partnership=scene.partnership)
    assert evidence.speaker == "volunteer"
    detail = client.get(response["Location"]).content.decode()
    assert "Whose words or views" in detail
    assert "A volunteer" in detail


def test_a_spreadsheet_row_gives_the_speaker():
    scene = build_evidence_scene()
    text = (
        HEADER + ",speaker\n"
        "story,Came back every week,She said the café felt like home.,2025-01-10,working,"
        "anonymous,,,,,service_user\n"
        "story,Volunteer rota,We ran short on Tuesdays.,2025-01-11,not_working,anonymous,,,,,\n"
    )

    response = import_csv(scene, text)

    assert response.status_code == 201, response.json()
    speakers = dict(
        Evidence.objects.filter(partnership=scene.partnership).values_list("title", "speaker")
    )
    assert speakers == {"Came back every week": "service_user", "Volunteer rota": ""}
