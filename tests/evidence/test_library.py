"""The library of published learning: every published brief of the partnerships a person
takes part in, searchable, as the brief's own page reads it (``GET /api/v1/briefs/`` and
the Library page)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import reset_queries
from django.test import Client
from django.urls import reverse

from accounts.models import User
from evidence.models import InsightBrief
from evidence.services.briefs import brief_publish
from partnerships.services import party_leave
from tests.consent.helpers import agreed_question, decide
from tests.evidence.briefs_scene import (
    OCTOBER,
    SEPTEMBER,
    BriefScene,
    add_evidence,
    brief_scene,
    client_for,
    drafted,
    written,
)
from tests.partnerships.factories import add_party

pytestmark = pytest.mark.django_db

LIBRARY = reverse("api:brief-library")
PAGE = reverse("evidence:library")
AUGUST = (datetime.date(2026, 8, 1), datetime.date(2026, 8, 31))
DECEMBER_2025 = (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))


def published(
    scene: BriefScene, period: tuple[datetime.date, datetime.date] = OCTOBER
) -> InsightBrief:
    brief = written(scene, drafted(scene, period))
    return brief_publish(brief=brief, by=scene.lp_member)


def library(user: User, **query: Any) -> dict[str, Any]:
    response = client_for(user).get(LIBRARY, query)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [row["id"] for row in body["results"]]


def brief_detail(user: User, brief: InsightBrief) -> dict[str, Any]:
    body: dict[str, Any] = client_for(user).get(f"/api/v1/briefs/{brief.pk}/").json()
    return body


# --- Who sees which brief ----------------------------------------------------------------------


def test_a_member_sees_the_published_briefs_of_her_partnerships_only():
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", body="The Tuesday club feels like home.")
    october = published(scene)
    drafted(scene, SEPTEMBER)  # a draft: every party reads it (learning with), but not here
    other = brief_scene()
    add_evidence(other.grantee_party, kind="quote", body="Elsewhere entirely.")
    published(other)

    body = library(scene.grantee_member)

    assert october.published_at is not None
    assert body["count"] == 1
    [row] = body["results"]
    assert row == {
        "id": october.pk,
        "title": "Insight brief: 1 to 31 October 2026",
        "partnership": {"id": scene.partnership.pk, "title": scene.partnership.title},
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "published_at": october.published_at.isoformat(),
        "summary": brief_detail(scene.grantee_member, october)["sections"][0]["findings"][0][
            "text"
        ],
        "url": f"http://testserver/briefs/{october.pk}/",
    }


def test_every_party_of_the_partnership_sees_it_and_an_outsider_sees_nothing():
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", body="Warm words.")
    october = published(scene)

    for reader in (scene.funder_member, scene.lp_member, scene.grantee2_admin):
        assert ids(library(reader)) == [october.pk]
    assert library(scene.outsider) == {"count": 0, "next": None, "previous": None, "results": []}
    page = Client()
    page.force_login(scene.outsider)
    response = page.get(PAGE)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert "There are no published briefs from your partnerships yet." in response.content.decode()


def test_briefs_of_a_partnership_her_organisation_left_are_gone():
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", body="Warm words.")
    october = published(scene)
    assert ids(library(scene.grantee_member)) == [october.pk]

    party_leave(party=scene.grantee_party, by=scene.grantee_admin)

    assert library(scene.grantee_member)["count"] == 0
    assert ids(library(scene.funder_member)) == [october.pk]


def test_a_withdrawal_changes_what_search_and_summary_find_at_once():
    scene = brief_scene()
    add_evidence(
        scene.grantee2_party,
        kind="quote",
        body="The zebra crossing outside made parents feel safe.",
        valence="working",
    )
    add_evidence(scene.grantee_party, kind="quote", body="Homework club helps.", valence="mixed")
    october = published(scene)
    before = library(scene.funder_member, search="zebra")
    assert ids(before) == [october.pk]
    summary_before = before["results"][0]["summary"]

    # Tests never commit, so the re-render queued after commit has not run: the stored
    # brief still holds the words, and the library must not find them.
    decide(scene.grantee2_party, "publish", "withdraw")

    assert library(scene.funder_member, search="zebra")["count"] == 0
    [row] = library(scene.funder_member)["results"]
    read_now = brief_detail(scene.funder_member, october)
    assert row["summary"] == read_now["sections"][0]["findings"][0]["text"]
    assert row["summary"] != summary_before
    assert ids(library(scene.funder_member, search="homework")) == [october.pk]


# --- Search and filters -----------------------------------------------------------------------


@pytest.fixture
def two_partnerships() -> dict[str, Any]:
    """Briefs in two partnerships with the same funder member: October and August 2026 in
    the first, December 2025 in the second."""
    first = brief_scene()
    add_evidence(first.grantee_party, kind="quote", body="Football on Fridays keeps them.")
    october = published(first)
    add_evidence(
        first.grantee_party,
        kind="quote",
        body="Cooking together builds trust.",
        occurred_on=datetime.date(2026, 8, 5),
    )
    august = published(first, AUGUST)
    second = brief_scene()
    agreed_question(second.partnership, "Does housing advice reach older people?")
    add_evidence(
        second.grantee_party,
        kind="story",
        title="Winter coats",
        body="Families asked for warm coats before the cold.",
        occurred_on=datetime.date(2025, 12, 5),
    )
    december = published(second, DECEMBER_2025)
    funder = second.funder_admin
    add_party(first.partnership, organisation=second.funder_party.organisation, role="funder")
    return {
        "first": first,
        "second": second,
        "reader": funder,
        "october": october,
        "august": august,
        "december": december,
    }


def test_the_library_lists_newest_publication_first(two_partnerships):
    s = two_partnerships
    assert ids(library(s["reader"])) == [s["december"].pk, s["august"].pk, s["october"].pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"search": "football"}, ["october"]),
        ({"search": "FRIDAYS football"}, ["october"]),
        ({"search": "football cooking"}, []),
        ({"search": "coats"}, ["december"]),
        ({"search": "August"}, ["august"]),  # the title
        ({"year": 2025}, ["december"]),
        ({"year": 2026}, ["august", "october"]),
        ({"question": "families asking"}, ["december", "august", "october"]),
        ({"question": "young people coming"}, ["december", "august", "october"]),
        ({"question": "housing"}, ["december"]),
        ({"question": "tenancy"}, []),
        ({"search": "trust", "year": 2026}, ["august"]),
    ],
)
def test_search_and_filters(two_partnerships, query, expected):
    s = two_partnerships
    assert ids(library(s["reader"], **query)) == [s[name].pk for name in expected]


def test_the_partnership_filter(two_partnerships):
    s = two_partnerships
    first = s["first"].partnership.pk
    assert ids(library(s["reader"], partnership=first)) == [s["august"].pk, s["october"].pk]
    elsewhere = brief_scene()
    assert library(s["reader"], partnership=elsewhere.partnership.pk)["count"] == 0


@pytest.mark.parametrize(
    "query",
    [{"year": "1999"}, {"year": "twenty"}, {"partnership": "0"}, {"partnership": "x"}],
)
def test_bad_filters_are_a_400(query):
    scene = brief_scene()
    response = client_for(scene.funder_member).get(LIBRARY, query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_the_library_is_paginated(two_partnerships):
    s = two_partnerships
    first = library(s["reader"], page_size=2)
    assert first["count"] == 3
    assert ids(first) == [s["december"].pk, s["august"].pk]
    second = library(s["reader"], page_size=2, page=2, search="")
    assert ids(second) == [s["october"].pk]
    searched = library(s["reader"], page_size=1, page=2, question="young people")
    assert searched["count"] == 3
    assert ids(searched) == [s["august"].pk]


# --- The page ---------------------------------------------------------------------------------


def test_the_page_searches_and_links_each_brief(two_partnerships):
    s = two_partnerships
    page = Client()
    page.force_login(s["reader"])

    response = page.get(PAGE, {"search": "coats"})

    assert response.status_code == 200
    rows = list(response.context["page_obj"].object_list)
    assert [row.brief.pk for row in rows] == [s["december"].pk]
    html = response.content.decode()
    assert "1 brief found" in html
    assert f'href="/briefs/{s["december"].pk}/"' in html
    assert s["second"].partnership.title in html
    assert rows[0].summary in html


def test_the_page_ignores_a_bad_filter_and_says_so(two_partnerships):
    s = two_partnerships
    page = Client()
    page.force_login(s["reader"])

    response = page.get(PAGE, {"year": "1999", "search": "football"})

    assert response.status_code == 200
    assert [row.brief.pk for row in response.context["page_obj"].object_list] == [s["october"].pk]
    assert response.context["form"].errors["year"]


# --- Cost --------------------------------------------------------------------------------------


def _withdrawn_after_publishing(scene: BriefScene, periods: list[Any]) -> None:
    """A brief for each of ``periods`` citing both grantees, then the second grantee
    withdraws its consent to publish: every brief must be read again (composed)."""
    for period in periods:
        for party in (scene.grantee_party, scene.grantee2_party):
            add_evidence(party, kind="quote", body="Some words here.", occurred_on=period[0])
        published(scene, period)
    decide(scene.grantee2_party, "publish", "withdraw")


@pytest.mark.parametrize("query", [{}, {"search": "words"}])
def test_the_library_costs_the_same_queries_for_more_briefs_and_partnerships(
    django_assert_max_num_queries, query
):
    scene = brief_scene()
    _withdrawn_after_publishing(scene, [OCTOBER])
    client = client_for(scene.funder_member)
    reset_queries()  # the connection's query log is capped: start it empty
    with django_assert_max_num_queries(20) as small:
        assert client.get(LIBRARY, query).status_code == 200
    few = len(small)
    for _ in range(2):
        other = brief_scene()
        add_party(other.partnership, organisation=scene.funder_party.organisation, role="funder")
        _withdrawn_after_publishing(other, [AUGUST, SEPTEMBER, OCTOBER])

    reset_queries()
    with django_assert_max_num_queries(few):
        response = client.get(LIBRARY, query)
    assert response.json()["count"] == 7


@pytest.mark.parametrize("query", [{}, {"search": "words"}])
def test_the_library_page_costs_the_same_queries_for_more_briefs(
    django_assert_max_num_queries, query
):
    scene = brief_scene()
    _withdrawn_after_publishing(scene, [OCTOBER])
    page = Client()
    page.force_login(scene.funder_member)
    page.get(PAGE)  # the session is read once signed in
    reset_queries()
    with django_assert_max_num_queries(30) as small:
        assert page.get(PAGE, query).status_code == 200
    few = len(small)
    for _ in range(2):
        other = brief_scene()
        add_party(other.partnership, organisation=scene.funder_party.organisation, role="funder")
        _withdrawn_after_publishing(other, [AUGUST, SEPTEMBER, OCTOBER])

    reset_queries()
    with django_assert_max_num_queries(few):
        response = page.get(PAGE, query)
    assert response.context["page_obj"].paginator.count == 7
