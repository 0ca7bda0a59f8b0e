"""Learning actions API: what each party will change, and later what changed."""

import pytest
from django.db import reset_queries

from evidence.models import LearningAction
from evidence.services.briefs import brief_publish
from partnerships.models import Partnership
from tests.evidence.briefs_scene import api, brief_scene, client_for, drafted, written

pytestmark = pytest.mark.django_db

ACTION_FIELDS = {
    "id",
    "partnership",
    "party",
    "brief",
    "description",
    "status",
    "outcome",
    "done_at",
    "created_at",
    "updated_at",
}


def test_a_party_records_what_it_will_change_against_a_brief():
    scene = brief_scene()
    brief = drafted(scene)
    written(scene, brief)
    brief_publish(brief=brief, by=scene.lp_member)

    response = client_for(scene.grantee_member).post(
        api("partnership-actions", pk=scene.partnership.pk),
        {
            "description": "Run a bring-a-friend night",
            "party": scene.grantee_party.pk,
            "brief": brief.pk,
            "status": "planned",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == ACTION_FIELDS
    assert (body["party"], body["brief"], body["status"], body["done_at"]) == (
        scene.grantee_party.pk,
        brief.pk,
        "planned",
        None,
    )
    assert body["description"] == "Run a bring-a-friend night"
    action = LearningAction.objects.get(pk=body["id"])
    assert (
        action.partnership,
        action.party,
        action.brief,
        action.description,
        action.status,
        action.done_at,
        action.created_by,
    ) == (
        scene.partnership,
        scene.grantee_party,
        brief,
        "Run a bring-a-friend night",
        "planned",
        None,
        scene.grantee_member,
    )


def test_marking_an_action_done_records_when_and_what_changed():
    scene = brief_scene()
    client = client_for(scene.grantee_member)
    created = client.post(
        api("partnership-actions", pk=scene.partnership.pk),
        {"description": "Open on Saturdays", "party": scene.grantee_party.pk, "status": "doing"},
        format="json",
    ).json()

    response = client.patch(
        api("action-detail", pk=created["id"]),
        {"status": "done", "outcome": "Twice as many young people came."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["outcome"] == "Twice as many young people came."
    assert response.json()["done_at"] is not None
    action = LearningAction.objects.get(pk=created["id"])
    assert (action.status, action.outcome) == ("done", "Twice as many young people came.")
    assert action.done_at is not None
    assert action.done_at.isoformat().replace("+00:00", "Z") == response.json()["done_at"]


def test_every_party_sees_every_action_and_outsiders_nothing():
    scene = brief_scene()
    client_for(scene.grantee_member).post(
        api("partnership-actions", pk=scene.partnership.pk),
        {"description": "Open on Saturdays", "party": scene.grantee_party.pk, "status": "planned"},
        format="json",
    )

    funder = client_for(scene.funder_member).get(
        api("partnership-actions", pk=scene.partnership.pk)
    )
    outsider = client_for(scene.outsider).get(api("partnership-actions", pk=scene.partnership.pk))
    detail = client_for(scene.outsider).get(
        api("action-detail", pk=LearningAction.objects.get().pk)
    )

    assert funder.status_code == 200
    assert [a["description"] for a in funder.json()["results"]] == ["Open on Saturdays"]
    assert outsider.status_code == 404
    assert detail.status_code == 404


def test_a_party_cannot_record_or_change_actions_for_another_party():
    scene = brief_scene()
    created = (
        client_for(scene.grantee_member)
        .post(
            api("partnership-actions", pk=scene.partnership.pk),
            {"description": "Ours", "party": scene.grantee_party.pk, "status": "planned"},
            format="json",
        )
        .json()
    )
    other = client_for(scene.grantee2_admin)

    recorded = other.post(
        api("partnership-actions", pk=scene.partnership.pk),
        {"description": "Theirs", "party": scene.grantee_party.pk, "status": "planned"},
        format="json",
    )
    changed = other.patch(api("action-detail", pk=created["id"]), {"status": "done"}, format="json")

    assert recorded.status_code == 403
    assert recorded.json() == {
        "detail": f"Only people in {scene.grantee_party.organisation.name} or the learning "
        "partner can record its learning actions."
    }
    assert changed.status_code == 403
    assert LearningAction.objects.get().status == "planned"
    assert LearningAction.objects.count() == 1


def test_the_learning_partner_records_actions_for_any_party():
    scene = brief_scene()

    response = client_for(scene.lp_member).post(
        api("partnership-actions", pk=scene.partnership.pk),
        {
            "description": "Fund for three years",
            "party": scene.funder_party.pk,
            "status": "planned",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["party"] == scene.funder_party.pk
    action = LearningAction.objects.get(pk=response.json()["id"])
    assert (action.party, action.description, action.status, action.created_by) == (
        scene.funder_party,
        "Fund for three years",
        "planned",
        scene.lp_member,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "   ", "status": "planned"}, "description"),
        ({"description": "x", "status": "someday"}, "status"),
        ({"description": "x", "status": "planned", "brief": 999999}, "brief"),
        ({"description": "x", "status": "planned", "party": "abc"}, "party"),
    ],
)
def test_bad_actions_are_refused(body, field):
    scene = brief_scene()
    body = {"party": scene.grantee_party.pk, **body}

    response = client_for(scene.grantee_member).post(
        api("partnership-actions", pk=scene.partnership.pk), body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not LearningAction.objects.exists()


def test_an_action_cannot_be_linked_to_a_draft_the_party_cannot_read():
    scene = brief_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    brief = drafted(scene)

    response = client_for(scene.grantee_member).post(
        api("partnership-actions", pk=scene.partnership.pk),
        {
            "description": "x",
            "party": scene.grantee_party.pk,
            "brief": brief.pk,
            "status": "planned",
        },
        format="json",
    )

    assert response.status_code == 400
    assert not LearningAction.objects.exists()


def test_the_action_list_costs_the_same_queries_for_more_actions(django_assert_max_num_queries):
    scene = brief_scene()
    client = client_for(scene.funder_member)
    writer = client_for(scene.lp_member)

    def record(n: int) -> None:
        for i in range(n):
            party = [scene.grantee_party, scene.grantee2_party, scene.funder_party][i % 3]
            writer.post(
                api("partnership-actions", pk=scene.partnership.pk),
                {"description": f"Change {i}", "party": party.pk, "status": "planned"},
                format="json",
            )

    record(2)
    reset_queries()  # the connection's query log is capped: start it empty
    with django_assert_max_num_queries(10) as small:
        client.get(api("partnership-actions", pk=scene.partnership.pk))
    few = len(small)
    record(12)

    reset_queries()  # the connection's query log is capped: start it empty
    with django_assert_max_num_queries(few):
        response = client.get(api("partnership-actions", pk=scene.partnership.pk))

    assert response.json()["count"] == 14
