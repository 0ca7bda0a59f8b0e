"""Questions across a funder's partnerships: the research questions of every partnership
a funder organisation commissions or funds, similar ones grouped, with the published
briefs that answer them (``GET /api/v1/questions/recurring/`` and its page)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import reset_queries
from django.test import Client
from django.urls import reverse

from accounts.models import User
from evidence.library import AskedQuestion, question_groups, shared_words
from evidence.models import InsightBrief
from evidence.services.briefs import brief_publish
from partnerships.models import Organisation, Partnership, ResearchQuestion
from partnerships.services import question_propose
from tests.consent.helpers import agreed_question
from tests.evidence.briefs_scene import (
    BriefScene,
    add_evidence,
    brief_scene,
    client_for,
    drafted,
    written,
)
from tests.partnerships.factories import PartnershipFactory, add_member, add_party, admin_of

pytestmark = pytest.mark.django_db

API = reverse("api:questions-recurring")
PAGE = reverse("evidence:library-questions")


# --- Grouping, as plain functions ---------------------------------------------------------------

QUESTIONS = [
    "Which activities keep young people coming back?",
    "What stops families asking for help?",
    "How do volunteers feel about their training?",
    "What keeps young people coming back to youth clubs?",
    "Why do families not ask for help sooner?",
    "Which activities help young people stay in education?",
    "Does the food bank reach older people living alone?",
]


def test_similar_questions_are_grouped_exactly():
    asked = [
        AskedQuestion(id=number, text=text, status="agreed", partnership_id=number)
        for number, text in enumerate(QUESTIONS)
    ]

    groups = question_groups(asked)

    assert [[q.id for q in group] for group in groups] == [[0, 3], [1, 4], [2], [5], [6]]
    assert [shared_words(group) for group in groups] == [
        ["young", "people", "coming"],
        ["families", "asking", "help"],
        ["volunteers", "feel", "training"],
        ["activities", "help", "young", "people", "stay", "education"],
        ["does", "food", "bank", "reach", "older", "people"],
    ]


def test_questions_of_one_partnership_count_once_and_come_after_recurring_ones():
    asked = [
        AskedQuestion(id=1, text="What stops families asking for help?", status="agreed",
                      partnership_id=7),
        AskedQuestion(id=2, text="Why do families not ask for help?", status="proposed",
                      partnership_id=7),
        AskedQuestion(id=3, text="Which activities keep young people coming back?",
                      status="agreed", partnership_id=7),
        AskedQuestion(id=4, text="What keeps young people coming back?", status="agreed",
                      partnership_id=8),
    ]  # fmt: skip

    assert [[q.id for q in group] for group in question_groups(asked)] == [[3, 4], [1, 2]]


def test_no_questions_and_wordless_questions():
    assert question_groups([]) == []
    asked = [
        AskedQuestion(id=1, text="Why?", status="agreed", partnership_id=1),
        AskedQuestion(id=2, text="How?", status="agreed", partnership_id=2),
    ]
    assert [[q.id for q in group] for group in question_groups(asked)] == [[1], [2]]


# --- A funder's portfolio -------------------------------------------------------------------


def _partnership_of(funder: Organisation, *texts: str) -> Partnership:
    partnership = PartnershipFactory.create(funder=funder)
    add_party(partnership)
    for text in texts:
        agreed_question(partnership, text)
    return partnership


@pytest.fixture
def portfolio() -> dict[str, Any]:
    """A funder commissions two partnerships and co-funds a third; another funder's
    partnership asks a question it asks too, and stays out."""
    first: BriefScene = brief_scene()  # asks QUESTIONS[0] and QUESTIONS[1], agreed
    funder = first.funder_party.organisation
    proposed = question_propose(
        partnership=first.partnership,
        party=first.grantee_party,
        text=QUESTIONS[2],
        by=first.grantee_admin,
    )
    add_evidence(first.grantee_party, kind="quote", body="We come for the coach.",
                 questions=[first.q1])  # fmt: skip
    brief = brief_publish(brief=written(first, drafted(first)), by=first.lp_member)
    second = _partnership_of(funder, QUESTIONS[3])
    other_funder = PartnershipFactory.create().funder
    third = _partnership_of(other_funder, QUESTIONS[4])
    add_party(third, organisation=funder, role="funder")
    outside = _partnership_of(other_funder, QUESTIONS[0])
    return {
        "first": first,
        "funder": funder,
        "proposed": proposed,
        "brief": brief,
        "second": second,
        "third": third,
        "outside": outside,
        "member": add_member(funder),
    }


def _recurring(user: User, **query: Any) -> Any:
    response = client_for(user).get(API, query)
    assert response.status_code == 200, response.content
    return response.json()


def _question(partnership: Partnership, status: str) -> dict[str, Any]:
    question = ResearchQuestion.objects.filter(partnership=partnership).order_by("id").first()
    assert question is not None
    return {
        "id": question.pk,
        "text": question.text,
        "status": status,
        "partnership": {"id": partnership.pk, "title": partnership.title},
        "url": f"http://testserver/partnerships/{partnership.pk}/questions/",
    }


def test_a_funder_sees_her_portfolios_questions_grouped(portfolio):
    p = portfolio
    first: BriefScene = p["first"]
    brief: InsightBrief = p["brief"]

    body = _recurring(p["member"])

    assert body["count"] == 3
    one, two, three = body["results"]
    first_q1 = {**_question(first.partnership, "agreed"), "text": QUESTIONS[0]}
    assert one["partnerships"] == 2
    assert one["words"] == ["young", "people", "coming"]
    assert one["questions"] == [first_q1, _question(p["second"], "agreed")]
    assert [row["id"] for row in one["briefs"]] == [brief.pk]
    assert one["briefs"][0]["url"] == f"http://testserver/briefs/{brief.pk}/"
    assert two["partnerships"] == 2
    assert [q["id"] for q in two["questions"]] == [first.q2.pk, _question(p["third"], "")["id"]]
    assert two["briefs"] == []  # the brief has no evidence about these questions
    assert three["partnerships"] == 1
    assert three["questions"] == [
        {
            "id": p["proposed"].pk,
            "text": QUESTIONS[2],
            "status": "proposed",
            "partnership": {"id": first.partnership.pk, "title": first.partnership.title},
            "url": f"http://testserver/partnerships/{first.partnership.pk}/questions/",
        }
    ]
    asked = {q["id"] for group in body["results"] for q in group["questions"]}
    assert _question(p["outside"], "")["id"] not in asked


def test_the_page_shows_the_groups_with_their_links(portfolio):
    p = portfolio
    page = Client()
    page.force_login(admin_of(p["funder"]))

    response = page.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="question-group"') == 3
    assert "Asked in 2 partnerships" in html
    assert "Words they share: young, people, coming" in html
    assert f'href="/partnerships/{p["second"].pk}/questions/"' in html
    assert f'href="/briefs/{p["brief"].pk}/"' in html
    assert "Proposed" in html
    assert QUESTIONS[0] in html
    assert p["outside"].title not in html


def test_a_funder_in_two_organisations_chooses_one(portfolio):
    p = portfolio
    member = p["member"]
    other = PartnershipFactory.create()
    add_member(other.funder, member)
    agreed_question(other, "Where do carers find out about respite?")

    [group] = _recurring(member, organisation=other.funder.pk)["results"]
    assert [q["text"] for q in group["questions"]] == ["Where do carers find out about respite?"]
    response = client_for(member).get(
        API, {"organisation": p["first"].grantee_party.organisation.pk}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["grantee_member", "lp_member", "outsider"])
def test_only_a_funder_organisations_people_see_it(portfolio, who):
    person = getattr(portfolio["first"], who)

    response = client_for(person).get(API)
    assert response.status_code == 403
    assert "This page is for funders" in response.json()["detail"]
    page = Client()
    page.force_login(person)
    refused = page.get(PAGE)
    assert refused.status_code == 403
    assert "This page is for funders" in refused.content.decode()


def test_the_library_offers_the_page_to_funders_only(portfolio):
    p = portfolio
    link = f'href="{PAGE}"'
    funder = Client()
    funder.force_login(p["member"])
    assert link in funder.get(reverse("evidence:library")).content.decode()
    grantee = Client()
    grantee.force_login(p["first"].grantee_member)
    assert link not in grantee.get(reverse("evidence:library")).content.decode()


def test_a_funder_with_no_partnerships_sees_no_questions():
    funder = PartnershipFactory.create().funder
    person = add_member(funder)
    Partnership.objects.all().delete()
    assert _recurring(person)["count"] == 0


def test_it_costs_the_same_queries_for_a_bigger_portfolio(portfolio, django_assert_max_num_queries):
    p = portfolio
    client = client_for(p["member"])
    reset_queries()  # the connection's query log is capped: start it empty
    with django_assert_max_num_queries(25) as small:
        assert client.get(API).status_code == 200
    few = len(small)
    for text in QUESTIONS[3:]:
        partnership = _partnership_of(p["funder"], text)
        agreed_question(partnership, "What do parents say about the holiday club?")
    more = brief_scene()
    add_party(more.partnership, organisation=p["funder"], role="funder")
    add_evidence(more.grantee_party, kind="quote", body="Coach again.", questions=[more.q1])
    brief_publish(brief=written(more, drafted(more)), by=more.lp_member)

    reset_queries()
    with django_assert_max_num_queries(few):
        response = client.get(API)
    assert response.json()["results"][0]["partnerships"] == 4
