"""Searching grants data and a partnership's similar work: ranking, reasons, who may
ask, bounds and query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from grants.models import Grant
from partnerships.models import Party
from partnerships.services import (
    Complexity,
    discovery_brief_update,
    question_propose,
    question_respond,
)
from tests.grants.helpers import csv_bytes, grant_row
from tests.partnerships.factories import (
    PartnershipScene,
    UserFactory,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/grants/"


def _grant(n: int, title: str, description: str = "A grant.", **fields: object) -> Grant:
    values: dict[str, object] = {
        "identifier": f"360G-S-{n:05d}",
        "title": title,
        "description": description,
        "currency": "GBP",
        "amount_awarded": Decimal("10000"),
        "award_date": datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 300),
        "recipient_identifier": f"GB-CHC-{n}",
        "recipient_name": f"Recipient {n}",
        "funder_identifier": "GB-CHC-1",
        "funder_name": "Test Foundation",
    }
    values.update(fields)
    return Grant.objects.create(**values)


def _client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def _similar_url(scene: PartnershipScene, query: str = "") -> str:
    return f"/api/v1/partnerships/{scene.partnership.pk}/similar-grants/{query}"


@pytest.fixture
def scene() -> PartnershipScene:
    return build_partnership_scene(
        description="Respite breaks for young carers in Leeds, and time for young carers to rest."
    )


def test_any_signed_in_person_searches_and_a_title_match_ranks_first():
    _grant(1, "Community garden", description="Volunteers help young carers grow food.")
    _grant(2, "Respite for young carers", description="Short breaks.")
    _grant(3, "Football coaching", description="Weekly sessions.")

    response = _client(UserFactory.create()).get(SEARCH, {"search": "young carers"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [r["identifier"] for r in body["results"]] == ["360G-S-00002", "360G-S-00001"]
    first = body["results"][0]
    assert first["title"] == "Respite for young carers"
    assert first["recipient"] == "Recipient 2"
    assert first["funder"] == "Test Foundation"
    assert first["amount_awarded"] == "10000.00"
    assert first["currency"] == "GBP"
    assert first["award_date"] == "2025-01-03"
    assert first["reason"] == "Shares: young carers"
    assert first["score"] > body["results"][1]["score"] > 0


def test_signed_out_people_cannot_search():
    assert APIClient().get(SEARCH, {"search": "carers"}).status_code == 401


def test_similar_grants_are_best_first_with_the_terms_they_share(scene):
    _grant(1, "Respite breaks for young carers in Leeds", description="Days out and rest.")
    _grant(2, "Young carers school support", description="Help in schools in York.")
    _grant(3, "Community football", description="Coaching for young people.")
    _grant(4, "Creative arts for older people", description="Painting groups.")

    response = _client(scene.grantee_member).get(_similar_url(scene))

    assert response.status_code == 200
    results = response.json()
    assert [r["identifier"] for r in results] == ["360G-S-00001", "360G-S-00002", "360G-S-00003"]
    assert [r["reason"] for r in results] == [
        "Shares: young carers, Respite breaks, Leeds, rest",
        "Shares: young carers",
        "Shares: young",
    ]
    assert results[0]["score"] > results[1]["score"] > results[2]["score"]


def test_similar_grants_read_the_discovery_brief_and_agreed_questions(scene):
    _grant(1, "Mentoring for care leavers", description="Mentors for care leavers.")
    _grant(2, "Bereavement counselling", description="Counselling for families.")
    discovery_brief_update(
        partnership=scene.partnership,
        audience="The funder",
        desired_impact="Care leavers feel less alone.",
        scope="All of it",
        open_questions="",
        complexity=Complexity(
            duration_years=1,
            partner_count=3,
            workstream_count=1,
            differing_aims=False,
            power_imbalance=False,
        ),
        by=scene.lp_admin,
        party=scene.lp_party,
    )
    question = question_propose(
        partnership=scene.partnership,
        party=scene.lp_party,
        text="Does bereavement counselling help?",
        by=scene.lp_admin,
    )

    before = [r["identifier"] for r in _client(scene.lp_admin).get(_similar_url(scene)).json()]
    for party, person in [
        (scene.funder_party, scene.funder_admin),
        (scene.lp_party, scene.lp_admin),
        (scene.grantee_party, scene.grantee_admin),
    ]:
        question_respond(question=question, party=party, decision="agree", by=person)
    after = [r["identifier"] for r in _client(scene.lp_admin).get(_similar_url(scene)).json()]

    assert before == ["360G-S-00001"]
    assert after == ["360G-S-00001", "360G-S-00002"]


def test_q_keeps_only_grants_that_also_mention_it(scene):
    _grant(1, "Respite for young carers", description="In Leeds.")
    _grant(2, "Respite for young carers", description="In York.")

    results = _client(scene.funder_admin).get(_similar_url(scene, "?q=york")).json()

    assert [r["identifier"] for r in results] == ["360G-S-00002"]


def test_outsiders_and_invited_parties_get_404_and_signed_out_401(scene):
    _grant(1, "Respite for young carers")
    invited = add_party(scene.partnership, role=Party.Role.GRANTEE, accepted=False)
    assert _client(scene.outsider).get(_similar_url(scene)).status_code == 404
    assert _client(admin_of(invited.organisation)).get(_similar_url(scene)).status_code == 404
    assert APIClient().get(_similar_url(scene)).status_code == 401
    assert (
        _client(scene.outsider).get("/api/v1/partnerships/999999/similar-grants/").status_code
        == 404
    )


@pytest.mark.parametrize(
    "query",
    ["?limit=0", "?limit=51", "?limit=ten", "?limit=99999999999999999999", "?q=" + "a" * 201],
)
def test_similar_grants_bounds(scene, query):
    response = _client(scene.funder_admin).get(_similar_url(scene, query))

    assert response.status_code == 400


def test_limit_caps_how_many(scene):
    for n in range(1, 8):
        _grant(n, f"Young carers respite {n}")

    response = _client(scene.funder_admin).get(_similar_url(scene, "?limit=3"))

    assert len(response.json()) == 3


def test_a_search_too_long_is_refused():
    response = _client(UserFactory.create()).get(SEARCH, {"search": "a" * 201})

    assert response.status_code == 400
    assert response.json() == {"search": ["Ensure this field has no more than 200 characters."]}


@pytest.mark.parametrize("size", [3, 30])
def test_search_and_similar_cost_a_fixed_number_of_queries(
    scene, size, django_assert_max_num_queries
):
    for n in range(size):
        _grant(n, f"Respite for young carers {n}", description="Short breaks in Leeds.")
    client = _client(scene.grantee_member)
    client.force_login(scene.grantee_member)

    with django_assert_max_num_queries(4):
        assert client.get(SEARCH, {"search": "carers"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(_similar_url(scene, "?limit=50")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/grants/", {"search": "carers"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/partnerships/{scene.partnership.pk}/similar-work/").status_code == 200


def test_similar_work_asked_again_comes_from_the_cache_without_ranking_again(
    scene, django_assert_num_queries
):
    _grant(1, "Respite breaks for young carers in Leeds", description="Days out and rest.")
    _grant(2, "Young carers school support", description="Help in schools in York.")
    client = _client(scene.grantee_member)
    first = client.get(_similar_url(scene)).json()

    with CaptureQueriesContext(connection) as again:
        second = client.get(_similar_url(scene)).json()

    assert second == first
    assert [r["identifier"] for r in first] == ["360G-S-00001", "360G-S-00002"]
    ranking = [q["sql"] for q in again.captured_queries if "ORDER BY" in q["sql"]]
    assert not [sql for sql in ranking if "grants_grant" in sql and "score" in sql]


def test_a_grant_added_or_an_import_finishing_shows_in_similar_work_at_once(
    scene, django_capture_on_commit_callbacks
):
    _grant(1, "Respite breaks for young carers in Leeds", description="Days out and rest.")
    client = _client(scene.grantee_member)
    assert [r["identifier"] for r in client.get(_similar_url(scene)).json()] == ["360G-S-00001"]

    _grant(2, "Young carers school support", description="Help in schools in York.")
    assert [r["identifier"] for r in client.get(_similar_url(scene)).json()] == [
        "360G-S-00001",
        "360G-S-00002",
    ]

    # An import rewriting a grant it brought before adds no row, yet shows at once.
    funder = _client(admin_of(scene.funder_party.organisation))
    for title, description, similar in [
        ("Respite breaks for young carers", "Rest for young carers in Leeds.", True),
        ("Football coaching", "Weekly matches.", False),
    ]:
        row = grant_row(1, Title=title, Description=description)
        row["Recipient Org:Name"] = "Town Football Club"
        with django_capture_on_commit_callbacks(execute=True):
            response = funder.post(
                "/api/v1/grants/imports/",
                {"file": SimpleUploadedFile("g.csv", csv_bytes([row]))},
                format="multipart",
            )
        assert response.status_code == 202, response.content
        found = [r["identifier"] for r in client.get(_similar_url(scene)).json()]
        assert ("360G-TEST-0001" in found) is similar, (title, found)
