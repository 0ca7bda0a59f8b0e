"""Changing and deleting evidence: only the party that added it; others who can see it
get 403 and nothing changes; everyone else gets 404."""

import pytest

from evidence.models import Evidence
from partnerships.models import ActivityEvent
from partnerships.services import party_leave
from tests.evidence.items_helpers import (
    PARTICIPATE,
    SHARE_WITH_FUNDER,
    after_action_review,
    api,
    api_client,
    build_evidence_scene,
    grant,
    story,
    withdraw,
)
from tests.partnerships.factories import add_member

pytestmark = pytest.mark.django_db


def create(scene, body=None, user=None):  # type: ignore[no-untyped-def]
    response = api_client(user or scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk), body or story(), format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_anyone_in_the_party_changes_its_item_and_the_rest_stays():
    scene = build_evidence_scene()
    item = create(scene, story(questions=[scene.question.pk]))
    colleague = add_member(scene.grantee_party.organisation)

    response = api_client(colleague).patch(
        api("evidence-detail", pk=item["id"]),
        {"title": "A family came back", "valence": "mixed"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["title"] == "A family came back"
    assert body["valence"] == "mixed"
    assert body["body"] == item["body"]
    assert body["questions"] == [scene.question.pk]
    assert (
        ActivityEvent.objects.filter(partnership=scene.partnership, verb="evidence_changed").count()
        == 1
    )


def test_a_change_is_checked_as_the_whole_item_would_be():
    scene = build_evidence_scene()
    item = create(scene, after_action_review())

    to_story = api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=item["id"]), {"kind": "story"}, format="json"
    )
    value_alone = api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=item["id"]), {"value": 3}, format="json"
    )
    refused = Evidence.objects.get(pk=item["id"])
    assert (refused.kind, refused.prompts, refused.value) == (
        "after_action_review",
        item["prompts"],
        None,
    )
    to_story_properly = api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=item["id"]),
        {"kind": "story", "prompts": {}, "body": "What happened, in short."},
        format="json",
    )

    assert to_story.status_code == 400
    assert "does not ask" in to_story.json()["prompts"][0]
    assert value_alone.status_code == 400
    assert "unit" in value_alone.json()
    assert to_story_properly.status_code == 200
    assert to_story_properly.json()["kind"] == "story"
    assert to_story_properly.json()["prompts"] == {}
    changed = Evidence.objects.get(pk=item["id"])
    assert (changed.kind, changed.prompts, changed.body) == (
        "story",
        {},
        "What happened, in short.",
    )


def test_changing_nothing_records_nothing():
    scene = build_evidence_scene()
    item = create(scene)

    response = api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=item["id"]), {"title": item["title"]}, format="json"
    )

    assert response.status_code == 200
    assert not ActivityEvent.objects.filter(verb="evidence_changed").exists()


def test_a_party_that_withdrew_participate_can_still_change_and_delete_its_own():
    scene = build_evidence_scene()
    item = create(scene)
    withdraw(scene.grantee_party, PARTICIPATE)
    client = api_client(scene.grantee_member)

    changed = client.patch(api("evidence-detail", pk=item["id"]), {"title": "New"}, format="json")
    deleted = client.delete(api("evidence-detail", pk=item["id"]))

    assert changed.status_code == 200
    assert deleted.status_code == 204
    assert not Evidence.objects.filter(pk=item["id"]).exists()


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_others_who_can_see_it_get_403_and_nothing_changes(method):
    scene = build_evidence_scene()
    grant(scene.grantee_party, SHARE_WITH_FUNDER)
    item = create(scene)
    before = Evidence.objects.get(pk=item["id"])

    for user in (scene.lp_member, scene.funder_admin):
        client = api_client(user)
        url = api("evidence-detail", pk=item["id"])
        if method == "patch":
            response = client.patch(url, {"title": "Changed"}, format="json")
        else:
            response = client.delete(url)

        assert response.status_code == 403
        name = scene.grantee_party.organisation.name
        assert response.json()["detail"] == (
            f"Only people in {name} can change or delete this evidence, because {name} added it."
        )
    after = Evidence.objects.get(pk=item["id"])
    assert after.title == before.title
    assert after.updated_at == before.updated_at


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_people_who_cannot_see_it_get_404_and_nothing_changes(method):
    scene = build_evidence_scene()
    item = create(scene)

    for user in (scene.funder_member, scene.other_grantee_member, scene.outsider):
        client = api_client(user)
        url = api("evidence-detail", pk=item["id"])
        response = getattr(client, method)(url, {"title": "Changed"}, format="json")

        assert response.status_code == 404
    assert Evidence.objects.get(pk=item["id"]).title == item["title"]


def test_a_missing_item_is_404():
    scene = build_evidence_scene()

    response = api_client(scene.grantee_member).get(api("evidence-detail", pk=424242))

    assert response.status_code == 404


def test_deleting_records_a_timeline_line_without_the_title():
    scene = build_evidence_scene()
    item = create(scene, story(title="Secret plans"))

    response = api_client(scene.grantee_member).delete(api("evidence-detail", pk=item["id"]))

    assert response.status_code == 204
    event = ActivityEvent.objects.get(verb="evidence_deleted")
    assert "Secret" not in event.summary


def test_in_a_closed_partnership_items_cannot_change_but_can_be_deleted():
    scene = build_evidence_scene()
    item = create(scene)
    scene.partnership.status = "closed"
    scene.partnership.save(update_fields=["status"])
    client = api_client(scene.grantee_member)

    changed = client.patch(api("evidence-detail", pk=item["id"]), {"title": "x"}, format="json")
    assert Evidence.objects.get(pk=item["id"]).title == item["title"]
    deleted = client.delete(api("evidence-detail", pk=item["id"]))

    assert changed.status_code == 409
    assert deleted.status_code == 204
    assert not Evidence.objects.filter(pk=item["id"]).exists()


def test_a_party_that_leaves_can_no_longer_change_what_it_added():
    scene = build_evidence_scene()
    item = create(scene)
    party_leave(party=scene.grantee_party, by=scene.grantee_admin)

    response = api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=item["id"]), {"title": "x"}, format="json"
    )

    assert response.status_code == 404
    assert Evidence.objects.get(pk=item["id"]).title == item["title"]


def test_submitted_by_is_shown_only_to_the_same_party():
    scene = build_evidence_scene()
    item = create(scene)

    mine = api_client(scene.grantee_admin).get(api("evidence-detail", pk=item["id"])).json()
    theirs = api_client(scene.lp_member).get(api("evidence-detail", pk=item["id"])).json()

    assert mine["submitted_by"] == {
        "id": scene.grantee_member.pk,
        "name": scene.grantee_member.display_name,
    }
    assert mine["can_change"] is True
    assert theirs["submitted_by"] is None
    assert theirs["can_change"] is False
