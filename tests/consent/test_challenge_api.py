"""Permission to challenge through the API: areas × channels, folded from the history."""

import pytest
from django.core import mail

from consent.models import ChallengeRecord, ChallengeState
from consent.notices import CHALLENGE_NOTICE_VERSION
from consent.selectors import challenge_publishable
from notifications.models import Notification
from partnerships.models import ActivityEvent, Party
from partnerships.services import question_propose
from tests.consent.helpers import NOT_FOUND, agreed_question, api_url, client_for, permit
from tests.partnerships.factories import add_party, admin_of, build_partnership_scene

pytestmark = pytest.mark.django_db

CHANNELS = ["workshop", "private_report", "published_brief"]


@pytest.fixture
def scene():  # type: ignore[no-untyped-def]
    return build_partnership_scene()


def permissions_url(scene) -> str:  # type: ignore[no-untyped-def]
    return api_url("challenge-permission-list", partnership_pk=scene.partnership.pk)


def current(scene, party):  # type: ignore[no-untyped-def]
    response = client_for(scene.funder_member).get(
        api_url("challenge-permission-current", partnership_pk=scene.partnership.pk)
    )
    assert response.status_code == 200
    return next(row for row in response.json() if row["party"] == party.pk)


def pairs(scene, party) -> set[tuple[object, str]]:  # type: ignore[no-untyped-def]
    return {(p["area"], p["channel"]) for p in current(scene, party)["permissions"]}


def test_an_admin_gives_permission_for_everything_through_some_channels(
    scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(scene.grantee_admin).post(
            permissions_url(scene),
            {
                "decision": "grant",
                "areas": ["*"],
                "channels": ["published_brief", "workshop"],
                "conditions": "Tell us first.",
            },
            format="json",
        )

    assert response.status_code == 201
    record = ChallengeRecord.objects.get()
    org = scene.grantee_party.organisation
    assert response.json() == {
        "id": record.pk,
        "partnership": scene.partnership.pk,
        "party": scene.grantee_party.pk,
        "organisation": {"id": org.pk, "name": org.name, "kind": "grantee"},
        "decision": "grant",
        "areas": ["*"],
        "channels": ["workshop", "published_brief"],
        "conditions": "Tell us first.",
        "notify_before_publish": False,
        "recorded_by": scene.grantee_admin.display_name,
        "recorded_at": response.json()["recorded_at"],
        "notice_version": CHALLENGE_NOTICE_VERSION,
    }
    row = current(scene, scene.grantee_party)
    assert row["organisation"] == {"id": org.pk, "name": org.name, "kind": "grantee"}
    assert [
        (p["area"], p["question"], p["channel"], p["conditions"], p["record"])
        for p in row["permissions"]
    ] == [
        ("*", None, "workshop", "Tell us first.", record.pk),
        ("*", None, "published_brief", "Tell us first.", record.pk),
    ]
    assert ActivityEvent.objects.filter(verb="challenge_granted").count() == 1
    assert sorted(
        Notification.objects.filter(kind="challenge_permission_changed").values_list(
            "recipient_id", flat=True
        )
    ) == sorted([scene.lp_admin.pk, scene.lp_member.pk])
    assert len(mail.outbox) == 2
    assert f"{org.name} gave permission to challenge" in mail.outbox[0].subject
    assert "Conditions: Tell us first." in mail.outbox[0].body


def test_permission_for_agreed_questions_lists_each_area_and_channel(scene):
    first = agreed_question(scene.partnership, "What keeps people coming?")
    second = agreed_question(scene.partnership, "What makes people leave?")

    response = client_for(scene.grantee_admin).post(
        permissions_url(scene),
        {"decision": "grant", "areas": [second.pk, str(first.pk)], "channels": ["workshop"]},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["areas"] == [first.pk, second.pk]
    permissions = current(scene, scene.grantee_party)["permissions"]
    assert [(p["area"], p["question"], p["channel"]) for p in permissions] == [
        (first.pk, "What keeps people coming?", "workshop"),
        (second.pk, "What makes people leave?", "workshop"),
    ]


def test_withdrawing_one_question_while_everything_is_permitted_leaves_it_out(scene):
    keep = agreed_question(scene.partnership, "Keep this one")
    drop = agreed_question(scene.partnership, "Withdraw this one")
    permit(scene.grantee_party, ["*"], ["workshop", "published_brief"], conditions="Be kind.")

    response = client_for(scene.grantee_admin).post(
        permissions_url(scene),
        {"decision": "withdraw", "areas": [drop.pk], "channels": ["published_brief"]},
        format="json",
    )
    later = agreed_question(scene.partnership, "Agreed after the withdrawal")

    assert response.status_code == 201
    assert pairs(scene, scene.grantee_party) == {
        ("*", "workshop"),
        (keep.pk, "published_brief"),
    }
    party = scene.grantee_party
    assert challenge_publishable(party=party, question=keep.pk, channel="published_brief")
    assert not challenge_publishable(party=party, question=drop.pk, channel="published_brief")
    assert not challenge_publishable(party=party, question=later.pk, channel="published_brief")
    assert challenge_publishable(party=party, question=drop.pk, channel="workshop")
    kept = ChallengeState.objects.get(question=keep, channel="published_brief")
    assert kept.conditions == "Be kind."


def test_withdrawing_everything_for_a_channel_removes_every_area_of_that_channel(scene):
    question = agreed_question(scene.partnership)
    permit(scene.grantee_party, [question.pk], CHANNELS)
    permit(scene.grantee_party, ["*"], ["workshop"])

    response = client_for(scene.grantee_admin).post(
        permissions_url(scene),
        {"decision": "withdraw", "areas": ["*"], "channels": ["workshop", "private_report"]},
        format="json",
    )

    assert response.status_code == 201
    assert pairs(scene, scene.grantee_party) == {(question.pk, "published_brief")}


def test_granting_again_takes_the_new_conditions(scene):
    question = agreed_question(scene.partnership)
    permit(scene.grantee_party, [question.pk], ["workshop"], conditions="Old.")

    permit(scene.grantee_party, [question.pk], ["workshop"], conditions="New.")

    [state] = ChallengeState.objects.all()
    assert state.conditions == "New."
    assert ChallengeRecord.objects.count() == 2


def test_a_question_not_yet_agreed_may_be_withdrawn_but_not_granted(scene):
    proposed = question_propose(
        partnership=scene.partnership,
        party=scene.grantee_party,
        text="Still being discussed",
        by=scene.grantee_admin,
    )
    client = client_for(scene.grantee_admin)

    granted = client.post(
        permissions_url(scene),
        {"decision": "grant", "areas": [proposed.pk], "channels": ["workshop"]},
        format="json",
    )
    withdrawn = client.post(
        permissions_url(scene),
        {"decision": "withdraw", "areas": [proposed.pk], "channels": ["workshop"]},
        format="json",
    )

    assert granted.status_code == 400
    assert granted.json() == {
        "areas": [f"Question {proposed.pk} is not an agreed research question of this partnership."]
    }
    assert withdrawn.status_code == 201
    assert list(
        ChallengeRecord.objects.filter(party=scene.grantee_party).values_list(
            "decision", "areas", "channels", "recorded_by"
        )
    ) == [("withdraw", [proposed.pk], ["workshop"], scene.grantee_admin.pk)]
    assert not ChallengeState.objects.filter(party=scene.grantee_party).exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"decision": "grant", "areas": [], "channels": ["workshop"]},
            {"areas": ["Choose everything, or at least one research question."]},
        ),
        (
            {"decision": "grant", "areas": ["*"], "channels": []},
            {"channels": ["Choose at least one channel."]},
        ),
        (
            {"decision": "grant", "areas": ["*"], "channels": ["newspaper"]},
            {
                "channels": [
                    "“newspaper” is not a channel: choose workshop, private_report or "
                    "published_brief."
                ]
            },
        ),
        (
            {"decision": "grant", "areas": ["everything"], "channels": ["workshop"]},
            {"areas": ["“everything” is not a research question of this partnership."]},
        ),
        (
            {"decision": "allow", "areas": ["*"], "channels": ["workshop"]},
            {"decision": ["Choose grant or withdraw."]},
        ),
        (
            {"decision": "grant", "areas": "*", "channels": ["workshop"]},
            {"areas": ['Expected a list of items but got type "str".']},
        ),
        (
            {"decision": "grant", "areas": [{"id": 1}], "channels": ["workshop"]},
            {"areas": {"0": ["Not a valid string."]}},
        ),
        (
            {"decision": "grant", "areas": [], "channels": []},
            {
                "areas": ["Choose everything, or at least one research question."],
                "channels": ["Choose at least one channel."],
            },
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_records_nothing(scene, body, errors):
    response = client_for(scene.grantee_admin).post(permissions_url(scene), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert ChallengeRecord.objects.count() == 0
    assert ChallengeState.objects.count() == 0


def test_everything_and_particular_questions_together_is_a_400(scene):
    question = agreed_question(scene.partnership)

    response = client_for(scene.grantee_admin).post(
        permissions_url(scene),
        {"decision": "grant", "areas": ["*", question.pk], "channels": ["workshop"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "areas": ["Choose everything or particular research questions, not both."]
    }
    assert not ChallengeRecord.objects.filter(partnership=scene.partnership).exists()
    assert not ChallengeState.objects.filter(partnership=scene.partnership).exists()


def test_a_question_of_another_partnership_is_a_400(scene):
    other = build_partnership_scene()
    foreign = agreed_question(other.partnership)

    response = client_for(scene.grantee_admin).post(
        permissions_url(scene),
        {"decision": "grant", "areas": [foreign.pk], "channels": ["workshop"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "areas": [f"Question {foreign.pk} is not an agreed research question of this partnership."]
    }
    assert ChallengeRecord.objects.count() == 0


def test_an_old_notice_is_refused_with_409(scene):
    response = client_for(scene.grantee_admin).post(
        permissions_url(scene),
        {
            "decision": "grant",
            "areas": ["*"],
            "channels": ["workshop"],
            "notice_version": "challenge-2001-01",
        },
        format="json",
    )

    assert response.status_code == 409
    assert ChallengeRecord.objects.count() == 0


def test_members_and_other_parties_are_refused_and_outsiders_get_404(scene):
    body = {"decision": "grant", "areas": ["*"], "channels": ["workshop"]}
    org = scene.grantee_party.organisation.name

    member = client_for(scene.grantee_member).post(permissions_url(scene), body, format="json")
    other = client_for(scene.lp_admin).post(
        permissions_url(scene), {**body, "party": scene.grantee_party.pk}, format="json"
    )
    outsider = client_for(scene.outsider).post(permissions_url(scene), body, format="json")
    invited = client_for(admin_of(add_party(scene.partnership, accepted=False).organisation)).post(
        permissions_url(scene), body, format="json"
    )

    assert member.status_code == 403
    assert member.json() == {
        "detail": f"Only admins of {org} can give or withdraw permission to challenge for it."
    }
    assert other.status_code == 403
    assert other.json() == {
        "detail": f"Only admins of {org} can give or withdraw its permission to challenge: "
        "each organisation decides for itself."
    }
    assert (outsider.status_code, outsider.json()) == (404, NOT_FOUND)
    assert (invited.status_code, invited.json()) == (404, NOT_FOUND)
    assert ChallengeRecord.objects.count() == 0
    assert ChallengeState.objects.count() == 0


def test_records_are_never_changed_or_deleted(scene):
    record = permit(scene.grantee_party, ["*"], ["workshop"])
    client = client_for(scene.grantee_admin)
    detail = api_url(
        "challenge-permission-detail", partnership_pk=scene.partnership.pk, record_pk=record.pk
    )
    body = {"decision": "withdraw", "areas": ["*"], "channels": ["workshop"]}

    read = client.get(detail)
    changes = [
        client.put(detail, body, format="json"),
        client.patch(detail, body, format="json"),
        client.delete(detail),
        client.put(permissions_url(scene), body, format="json"),
        client.patch(permissions_url(scene), body, format="json"),
        client.delete(permissions_url(scene)),
    ]

    assert read.status_code == 200
    assert read.json()["areas"] == ["*"]
    assert [r.status_code for r in changes] == [405] * 6
    assert ChallengeRecord.objects.get().decision == "grant"
    assert ChallengeState.objects.count() == 1


def test_every_party_sees_the_history_and_can_filter_it(scene):
    first = permit(scene.grantee_party, ["*"], ["workshop"])
    second = permit(scene.funder_party, ["*"], ["private_report"])
    client = client_for(scene.lp_member)

    everything = client.get(permissions_url(scene))
    funder_only = client.get(permissions_url(scene), {"party": scene.funder_party.pk})

    assert everything.status_code == 200
    assert [r["id"] for r in everything.json()["results"]] == [second.pk, first.pk]
    assert [r["id"] for r in funder_only.json()["results"]] == [second.pk]


def test_a_party_without_permission_is_listed_with_none(scene):
    row = current(scene, scene.funder_party)

    assert row["permissions"] == []
    assert row["role"] == "funder"


@pytest.mark.parametrize("records", [5, 50])
def test_the_history_costs_a_fixed_number_of_queries(scene, records, django_assert_max_num_queries):
    for n in range(records):
        permit(scene.grantee_party, ["*"], [CHANNELS[n % 3]], "grant" if n % 2 else "withdraw")
    client = client_for(scene.funder_member)

    with django_assert_max_num_queries(6):
        response = client.get(permissions_url(scene), {"page_size": 200})

    assert response.json()["count"] == records


@pytest.mark.parametrize("parties", [5, 50])
def test_the_current_state_costs_a_fixed_number_of_queries(parties, django_assert_max_num_queries):
    scene = build_partnership_scene()
    for _ in range(parties - 3):
        party = add_party(scene.partnership, role=Party.Role.GRANTEE)
        permit(party, ["*"], ["workshop"])
    question = agreed_question(scene.partnership)
    permit(scene.grantee_party, [question.pk], CHANNELS)
    client = client_for(scene.funder_member)

    with django_assert_max_num_queries(5):
        response = client.get(
            api_url("challenge-permission-current", partnership_pk=scene.partnership.pk)
        )

    assert len(response.json()) == parties
