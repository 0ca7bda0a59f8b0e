"""Adding evidence through the API: every kind with its prompts, statistics, questions,
consent, and bad input that is refused with a clear message and stores nothing."""

from decimal import Decimal

import pytest

from evidence.models import Evidence
from partnerships.models import ActivityEvent, Party
from partnerships.services import question_propose
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    PARTICIPATE,
    after_action_review,
    api,
    api_client,
    build_evidence_scene,
    grant,
    statistic,
    story,
    withdraw,
)
from tests.partnerships.factories import PartnershipFactory, add_member, add_party, admin_of

pytestmark = pytest.mark.django_db


def submit(scene, body, user=None, **kwargs):  # type: ignore[no-untyped-def]
    client = api_client(user or scene.grantee_member)
    return client.post(
        api("partnership-evidence", pk=scene.partnership.pk), body, format="json", **kwargs
    )


def test_a_member_of_a_party_that_takes_part_adds_a_story():
    scene = build_evidence_scene()

    response = submit(scene, story(questions=[scene.question.pk], attribution="named"))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "story"
    assert body["title"] == "A family came back every week"
    assert body["valence"] == "working"
    assert body["attribution"] == "named"
    assert body["occurred_on"] == "2025-01-15"
    assert body["questions"] == [scene.question.pk]
    assert body["party"]["id"] == scene.grantee_party.pk
    assert body["party"]["organisation"]["name"] == scene.grantee_party.organisation.name
    assert body["prompts"] == {}
    assert body["attachments"] == []
    assert body["can_change"] is True
    assert body["submitted_by"]["id"] == scene.grantee_member.pk
    evidence = Evidence.objects.get(pk=body["id"])
    assert evidence.submitted_by == scene.grantee_member
    assert evidence.partnership == scene.partnership


def test_the_timeline_says_who_added_evidence_but_not_what_it_says():
    scene = build_evidence_scene()

    submit(scene, story(title="Confidential: the hall flooded"))

    event = ActivityEvent.objects.get(partnership=scene.partnership, verb="evidence_added")
    assert scene.grantee_party.organisation.name in event.summary
    assert "flooded" not in event.summary
    assert event.actor == scene.grantee_member


@pytest.mark.parametrize(
    ("kind", "prompts"),
    [
        (
            "after_action_review",
            {
                "planned": "Thirty families.",
                "happened": "Eighteen came.",
                "why_different": "The bus was cut.",
                "do_differently": "Saturdays.",
            },
        ),
        (
            "learning_log",
            {"learned": "Parents want evenings.", "patterns": "Rain keeps them home."},
        ),
        (
            "reflection",
            {
                "what_we_did": "Ran a cook-along.",
                "what_happened": "Twelve people cooked together.",
                "what_it_means": "People come for company as much as food.",
            },
        ),
    ],
)
def test_each_kind_with_prompts_keeps_its_answers(kind, prompts):
    scene = build_evidence_scene()

    response = submit(scene, story(kind=kind, body="", prompts=prompts))

    assert response.status_code == 201, response.json()
    assert response.json()["prompts"] == prompts
    evidence = Evidence.objects.get(pk=response.json()["id"])
    assert evidence.prompts == prompts
    assert all(answer in evidence.prompt_text for answer in prompts.values())


@pytest.mark.parametrize("kind", ["story", "quote", "interview_note", "survey_result", "document"])
def test_kinds_without_prompts_are_added_with_a_body(kind):
    scene = build_evidence_scene()

    response = submit(scene, story(kind=kind))

    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == kind
    stored = Evidence.objects.get(partnership=scene.partnership)
    assert (stored.pk, stored.kind, stored.body, stored.party, stored.submitted_by) == (
        response.json()["id"],
        kind,
        "They said the warm room made the difference.",
        scene.grantee_party,
        scene.grantee_member,
    )


def test_a_statistic_keeps_its_value_unit_baseline_and_period():
    scene = build_evidence_scene()

    response = submit(scene, statistic())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["value"] == 42
    assert body["baseline"] == 30.5
    assert body["unit"] == "families"
    assert body["period_start"] == "2024-10-01"
    assert body["period_end"] == "2024-12-31"
    evidence = Evidence.objects.get(pk=body["id"])
    assert evidence.value == Decimal(42)
    assert evidence.baseline == Decimal("30.5")


def _nothing_stored(scene) -> None:  # type: ignore[no-untyped-def]
    assert not Evidence.objects.filter(partnership=scene.partnership).exists()
    assert not ActivityEvent.objects.filter(
        partnership=scene.partnership, verb="evidence_added"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "poem"}, "kind", "Choose what kind of evidence this is"),
        ({"kind": ""}, "kind", "Choose what kind of evidence this is"),
        ({"title": ""}, "title", "short title"),
        ({"title": "x" * 201}, "title", "200"),
        ({"valence": "great"}, "valence", "working, not working, mixed or unclear"),
        ({"attribution": "loud"}, "attribution", "named or anonymous"),
        ({"occurred_on": "2025-02-30"}, "occurred_on", ""),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "future"),
        ({"value": 12}, "unit", "Say what the number counts"),
        ({"value": 12, "unit": ""}, "unit", "Say what the number counts"),
        ({"value": "lots", "unit": "families"}, "value", "Enter a number"),
        ({"baseline": 3, "unit": "families"}, "value", "baseline"),
        ({"kind": "statistic", "body": ""}, "value", "Enter the number"),
        ({"period_start": "2025-01-01"}, "period_end", "first and the last day"),
        (
            {"period_start": "2025-02-01", "period_end": "2025-01-01"},
            "period_end",
            "end on or after",
        ),
        ({"prompts": {"planned": "x"}}, "prompts", "does not ask planned"),
        ({"kind": "learning_log", "prompts": {"feelings": "x"}}, "prompts", "feelings"),
        ({"prompts": "not an object"}, "prompts", "object"),
        ({"questions": ["abc"]}, "questions", ""),
        ({"body": ""}, "body", "Write what you found"),
    ],
)
def test_bad_input_is_refused_by_field_and_stores_nothing(changes, field, words):
    scene = build_evidence_scene()

    response = submit(scene, story(**changes))

    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert words in " ".join(response.json()[field])
    _nothing_stored(scene)


def test_an_unknown_prompt_key_names_the_keys_the_kind_asks():
    scene = build_evidence_scene()

    response = submit(scene, after_action_review(prompts={"planned": "x", "mood": "good"}))

    assert response.status_code == 400
    message = response.json()["prompts"][0]
    assert "mood" in message
    assert "planned, happened, why_different, do_differently" in message
    _nothing_stored(scene)


def test_a_question_of_another_partnership_is_refused():
    scene = build_evidence_scene()
    elsewhere = PartnershipFactory.create()
    stranger = question_propose(
        partnership=elsewhere,
        party=elsewhere.parties.get(),
        text="Someone else's question",
        by=admin_of(elsewhere.funder),
    )

    response = submit(scene, story(questions=[scene.question.pk, stranger.pk]))

    assert response.status_code == 400
    assert response.json()["questions"] == [
        f"Question {stranger.pk} is not among this partnership’s research questions."
    ]
    _nothing_stored(scene)


def test_without_participate_consent_the_refusal_names_the_consent_and_who_gives_it():
    scene = build_evidence_scene(participate=False)

    response = submit(scene, story())

    assert response.status_code == 403
    name = scene.grantee_party.organisation.name
    assert response.json() == {
        "detail": "Your organisation has not given consent to take part (participate). An "
        f"admin of {name} can give it on the partnership’s Consent page."
    }
    _nothing_stored(scene)


def test_consent_is_checked_before_the_input_so_bad_input_still_gets_403():
    scene = build_evidence_scene(participate=False)

    response = submit(scene, {"kind": "poem"})

    assert response.status_code == 403
    _nothing_stored(scene)


def test_after_withdrawing_participate_nothing_more_can_be_added():
    scene = build_evidence_scene()
    withdraw(scene.grantee_party, PARTICIPATE)

    response = submit(scene, story())

    assert response.status_code == 403
    assert "(participate)" in response.json()["detail"]
    _nothing_stored(scene)


@pytest.mark.parametrize("who", ["outsider", "invited"])
def test_people_outside_the_partnership_get_404_even_for_bad_input(who):
    scene = build_evidence_scene()
    if who == "invited":
        invited = add_party(scene.partnership, accepted=False)
        user = admin_of(invited.organisation)
    else:
        user = scene.outsider

    good = submit(scene, story(), user=user)
    bad = api_client(user).post(
        api("partnership-evidence", pk=scene.partnership.pk),
        "{not json",
        content_type="application/json",
    )

    assert good.status_code == 404
    assert bad.status_code == 404
    _nothing_stored(scene)


def test_an_unknown_partnership_is_404():
    scene = build_evidence_scene()

    response = api_client(scene.grantee_member).post(
        api("partnership-evidence", pk=999999), story(), format="json"
    )

    assert response.status_code == 404
    _nothing_stored(scene)


def test_a_closed_partnership_takes_no_new_evidence():
    scene = build_evidence_scene()
    scene.partnership.status = "closed"
    scene.partnership.save(update_fields=["status"])

    response = submit(scene, story())

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    _nothing_stored(scene)


def test_someone_in_two_parties_says_which_one_adds_it():
    scene = build_evidence_scene()
    grant(scene.other_grantee_party, PARTICIPATE)
    person = scene.grantee_member
    add_member(scene.other_grantee_party.organisation, person)

    unsaid = submit(scene, story())
    said = submit(scene, story(party=scene.other_grantee_party.pk))
    not_theirs = submit(scene, story(party=scene.lp_party.pk))

    assert unsaid.status_code == 400
    assert "party" in unsaid.json()
    assert said.status_code == 201, said.json()
    assert said.json()["party"]["id"] == scene.other_grantee_party.pk
    assert not_theirs.status_code == 400
    assert Evidence.objects.filter(partnership=scene.partnership).count() == 1


def test_every_party_role_adds_evidence_with_its_own_consent():
    scene = build_evidence_scene()
    grant(scene.funder_party, PARTICIPATE)
    grant(scene.lp_party, PARTICIPATE)

    funder = submit(scene, story(), user=scene.funder_member)
    learning_partner = submit(scene, story(), user=scene.lp_member)

    assert funder.status_code == 201
    assert funder.json()["party"]["role"] == Party.Role.FUNDER
    assert learning_partner.status_code == 201
    assert learning_partner.json()["party"]["role"] == Party.Role.LEARNING_PARTNER
    assert {
        (row.pk, row.party, row.submitted_by)
        for row in Evidence.objects.filter(partnership=scene.partnership)
    } == {
        (funder.json()["id"], scene.funder_party, scene.funder_member),
        (learning_partner.json()["id"], scene.lp_party, scene.lp_member),
    }


def test_questions_are_deduplicated_and_may_be_proposed_or_agreed():
    scene = build_evidence_scene()
    proposed = question_propose(
        partnership=scene.partnership,
        party=scene.grantee_party,
        text="Does the bus matter?",
        by=scene.grantee_admin,
    )

    response = submit(scene, story(questions=[scene.question.pk, proposed.pk, scene.question.pk]))

    assert response.status_code == 201
    assert sorted(response.json()["questions"]) == sorted([scene.question.pk, proposed.pk])


def test_the_factory_and_the_api_agree_on_the_shape_of_an_item():
    scene = build_evidence_scene()
    item = EvidenceFactory.create(party=scene.grantee_party)

    response = api_client(scene.grantee_member).get(api("evidence-detail", pk=item.pk))

    assert response.status_code == 200
    assert response.json()["title"] == item.title


def test_items_stay_readable_after_the_partnership_closes():
    scene = build_evidence_scene()
    created = submit(scene, story()).json()
    scene.partnership.status = "closed"
    scene.partnership.save(update_fields=["status"])

    response = api_client(scene.grantee_member).get(api("evidence-detail", pk=created["id"]))

    assert response.status_code == 200
    assert response.json()["id"] == created["id"]
