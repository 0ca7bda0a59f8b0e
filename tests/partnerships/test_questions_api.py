"""Research questions: any party proposes, every party answers, the status is derived."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partnerships.models import ActivityEvent, QuestionResponse, ResearchQuestion
from partnerships.services import question_propose, question_respond
from tests.partnerships.factories import (
    OrganisationFactory,
    add_member,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def questions_url(scene) -> str:  # type: ignore[no-untyped-def]
    return reverse("api:partnership-questions", kwargs={"pk": scene.partnership.pk})


def responses_url(scene, question_id) -> str:  # type: ignore[no-untyped-def]
    return reverse(
        "api:partnership-question-responses",
        kwargs={"pk": scene.partnership.pk, "question_pk": question_id},
    )


def propose(scene, user=None, text="What helps families keep warm?"):  # type: ignore[no-untyped-def]
    response = client_for(user or scene.grantee_member).post(
        questions_url(scene), {"text": text, "rationale": "We fund advice."}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def answer(scene, user, question_id, decision, comment=""):  # type: ignore[no-untyped-def]
    return client_for(user).post(
        responses_url(scene, question_id),
        {"decision": decision, "comment": comment},
        format="json",
    )


def test_any_accepted_party_proposes_a_question():
    scene = build_partnership_scene()

    body = propose(scene, scene.grantee_member)

    assert body["text"] == "What helps families keep warm?"
    assert body["status"] == "proposed"
    assert body["rationale"] == "We fund advice."
    assert body["proposed_by_party"]["id"] == scene.grantee_party.pk
    assert body["responses"] == []
    assert {p["id"] for p in body["waiting_for"]} == {
        scene.funder_party.pk,
        scene.lp_party.pk,
        scene.grantee_party.pk,
    }
    assert ActivityEvent.objects.filter(
        partnership=scene.partnership, verb="question_proposed"
    ).exists()


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "x" * 1001}])
def test_a_question_needs_text(body):
    scene = build_partnership_scene()

    response = client_for(scene.grantee_member).post(questions_url(scene), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["text"]
    assert ResearchQuestion.objects.count() == 0


def test_status_is_agreed_only_when_every_accepted_party_agrees():
    scene = build_partnership_scene()
    question = propose(scene)["id"]

    first = answer(scene, scene.grantee_member, question, "agree")
    assert (first.status_code, first.json()["status"]) == (201, "proposed")
    assert answer(scene, scene.lp_member, question, "agree").json()["status"] == "proposed"
    last = answer(scene, scene.funder_member, question, "agree")

    assert last.json()["status"] == "agreed"
    assert last.json()["waiting_for"] == []
    assert {(r["party"]["id"], r["decision"]) for r in last.json()["responses"]} == {
        (scene.grantee_party.pk, "agree"),
        (scene.lp_party.pk, "agree"),
        (scene.funder_party.pk, "agree"),
    }


def test_one_objection_makes_it_contested_and_the_tension_stays_visible():
    scene = build_partnership_scene()
    question = propose(scene)["id"]
    answer(scene, scene.grantee_member, question, "agree")
    answer(scene, scene.lp_member, question, "agree")

    objection = answer(
        scene, scene.funder_member, question, "object", "We cannot measure this yet."
    )

    assert objection.json()["status"] == "contested"
    funder_answer = next(
        r for r in objection.json()["responses"] if r["party"]["id"] == scene.funder_party.pk
    )
    assert (funder_answer["decision"], funder_answer["comment"]) == (
        "object",
        "We cannot measure this yet.",
    )
    assert funder_answer["responded_by"] == scene.funder_member.display_name


def test_a_new_answer_replaces_the_partys_last_one():
    scene = build_partnership_scene()
    question = propose(scene)["id"]
    answer(scene, scene.funder_member, question, "object", "Too broad.")
    answer(scene, scene.grantee_member, question, "agree")
    answer(scene, scene.lp_member, question, "agree")

    changed = answer(scene, scene.funder_admin, question, "agree", "Fine after the change.")

    assert changed.status_code == 200
    assert changed.json()["status"] == "agreed"
    assert QuestionResponse.objects.filter(party=scene.funder_party).count() == 1
    assert QuestionResponse.objects.get(party=scene.funder_party).comment == (
        "Fine after the change."
    )


def test_a_new_party_joining_returns_an_agreed_question_to_proposed_until_it_answers():
    scene = build_partnership_scene()
    question = propose(scene)["id"]
    for user in (scene.grantee_member, scene.lp_member, scene.funder_member):
        answer(scene, user, question, "agree")
    newcomer = add_party(scene.partnership, OrganisationFactory.create(kind="grantee"))

    listed = client_for(scene.grantee_member).get(questions_url(scene)).json()["results"][0]

    assert listed["status"] == "proposed"
    assert [p["id"] for p in listed["waiting_for"]] == [newcomer.pk]
    agreed = answer(scene, admin_of(newcomer.organisation), question, "agree")
    assert agreed.json()["status"] == "agreed"


def test_an_objecting_party_that_leaves_no_longer_blocks_the_question():
    scene = build_partnership_scene()
    question = propose(scene)["id"]
    answer(scene, scene.grantee_member, question, "object", "Not for us.")
    answer(scene, scene.lp_member, question, "agree")
    answer(scene, scene.funder_member, question, "agree")
    client_for(scene.grantee_admin).post(
        reverse(
            "api:partnership-party-leave",
            kwargs={"pk": scene.partnership.pk, "party_pk": scene.grantee_party.pk},
        )
    )

    listed = client_for(scene.lp_member).get(questions_url(scene)).json()["results"][0]

    assert listed["status"] == "agreed"
    assert scene.grantee_party.pk not in [r["party"]["id"] for r in listed["responses"]]
    assert QuestionResponse.objects.filter(party=scene.grantee_party).exists()  # kept on record


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "agree", "party": "x"}, "party"),
    ],
)
def test_a_bad_answer_is_a_400_and_records_nothing(body, field):
    scene = build_partnership_scene()
    question = propose(scene)["id"]

    response = client_for(scene.lp_member).post(responses_url(scene, question), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert QuestionResponse.objects.count() == 0


def test_a_person_in_two_parties_says_which_one_answers():
    scene = build_partnership_scene()
    person = scene.grantee_member
    add_member(scene.lp_party.organisation, person)
    question = propose(scene, scene.lp_member)["id"]
    client = client_for(person)

    ambiguous = client.post(responses_url(scene, question), {"decision": "agree"}, format="json")
    as_lp = client.post(
        responses_url(scene, question),
        {"decision": "object", "comment": "Unclear.", "party": scene.lp_party.pk},
        format="json",
    )

    assert ambiguous.status_code == 400
    assert list(ambiguous.json()) == ["party"]
    assert as_lp.status_code == 201
    assert [r["party"]["id"] for r in as_lp.json()["responses"]] == [scene.lp_party.pk]


def test_question_of_another_partnership_is_a_404():
    scene = build_partnership_scene()
    other = build_partnership_scene()
    foreign = propose(other)["id"]

    response = answer(scene, scene.grantee_member, foreign, "agree")

    assert response.status_code == 404
    assert QuestionResponse.objects.count() == 0


def test_question_detail_shows_status_and_every_answer():
    scene = build_partnership_scene()
    question = propose(scene)["id"]
    answer(scene, scene.lp_member, question, "object", "Needs a timeframe.")

    response = client_for(scene.funder_member).get(
        reverse(
            "api:partnership-question-detail",
            kwargs={"pk": scene.partnership.pk, "question_pk": question},
        )
    )

    assert response.status_code == 200
    assert response.json()["status"] == "contested"
    assert response.json()["responses"][0]["comment"] == "Needs a timeframe."


@pytest.mark.parametrize("rows", [5, 50])
def test_question_list_costs_a_fixed_number_of_queries(rows, django_assert_max_num_queries):
    scene = build_partnership_scene()
    parties = [
        (scene.funder_party, scene.funder_member),
        (scene.lp_party, scene.lp_member),
        (scene.grantee_party, scene.grantee_member),
    ]
    for n in range(rows):
        question = question_propose(
            partnership=scene.partnership,
            party=scene.grantee_party,
            text=f"Question {n}?",
            by=scene.grantee_member,
        )
        for party, user in parties:
            question_respond(
                question=question,
                party=party,
                decision="object" if n % 3 == 0 else "agree",
                comment=f"Answer {n}",
                by=user,
            )
    client = client_for(scene.lp_member)

    with django_assert_max_num_queries(6):
        response = client.get(questions_url(scene), {"page_size": 100})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == rows
    assert all(len(q["responses"]) == 3 for q in results)
    assert [q["status"] for q in results[:3]] == ["contested", "agreed", "agreed"]
