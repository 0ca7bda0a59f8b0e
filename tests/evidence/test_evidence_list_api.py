"""The evidence list: filters, text search, pagination, and a fixed number of queries
whatever the page size and however many partnerships the person belongs to."""

import datetime

import pytest
from django.db import connection

from evidence.models import Evidence
from evidence.selectors.items import evidence_matching
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    PARTICIPATE,
    SHARE_WITH_PARTIES,
    after_action_review,
    agree_question,
    api,
    api_client,
    build_evidence_scene,
    grant,
    page,
    pdf_bytes,
    statistic,
    story,
    upload,
    web_client,
)
from tests.partnerships.factories import PartnershipFactory, UserFactory, add_member, add_party

pytestmark = pytest.mark.django_db


def ids(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def listing(scene, user=None, **params):  # type: ignore[no-untyped-def]
    return api_client(user or scene.grantee_member).get(
        api("partnership-evidence", pk=scene.partnership.pk), params
    )


def test_newest_first_and_paginated():
    scene = build_evidence_scene()
    items = [
        EvidenceFactory.create(party=scene.grantee_party, occurred_on=datetime.date(2025, 1, day))
        for day in (3, 1, 2)
    ]

    first = listing(scene, page_size=2)
    second = listing(scene, page_size=2, page=2)

    assert first.json()["count"] == 3
    assert ids(first) == [items[0].pk, items[2].pk]
    assert ids(second) == [items[1].pk]
    assert first.json()["next"] is not None
    assert second.json()["next"] is None


def test_filters_narrow_the_list():
    scene = build_evidence_scene()
    grant(scene.other_grantee_party, PARTICIPATE, SHARE_WITH_PARTIES)
    other_question = agree_question(scene.partnership, "Does the bus matter?")
    story = EvidenceFactory.create(party=scene.grantee_party, questions=[scene.question])
    statistic = EvidenceFactory.create(
        party=scene.grantee_party,
        kind="statistic",
        value=12,
        unit="families",
        valence="not_working",
        questions=[other_question],
    )
    theirs = EvidenceFactory.create(party=scene.other_grantee_party, valence="not_working")

    assert ids(listing(scene, kind="statistic")) == [statistic.pk]
    assert set(ids(listing(scene, valence="not_working"))) == {statistic.pk, theirs.pk}
    assert ids(listing(scene, question=scene.question.pk)) == [story.pk]
    assert ids(listing(scene, party=scene.other_grantee_party.pk)) == [theirs.pk]
    assert ids(listing(scene, party=scene.grantee_party.pk, valence="not_working")) == [
        statistic.pk
    ]


@pytest.mark.parametrize(
    "params",
    [{"kind": "poem"}, {"valence": "great"}, {"question": "abc"}, {"party": "-1"}],
)
def test_bad_filters_are_400(params):
    scene = build_evidence_scene()

    response = listing(scene, **params)

    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_search_finds_words_in_the_title_the_text_and_prompt_answers():
    scene = build_evidence_scene()
    client = api_client(scene.grantee_member)
    url = api("partnership-evidence", pk=scene.partnership.pk)
    in_title = client.post(
        url,
        {
            "kind": "story",
            "title": "Allotment gardening",
            "body": "Families grew food.",
            "valence": "working",
            "occurred_on": "2025-01-01",
        },
        format="json",
    ).json()["id"]
    in_prompt = client.post(
        url,
        {
            "kind": "learning_log",
            "title": "Week two",
            "valence": "unclear",
            "occurred_on": "2025-01-02",
            "prompts": {"learned": "The allotment keeps volunteers coming."},
        },
        format="json",
    ).json()["id"]
    client.post(
        url,
        {
            "kind": "story",
            "title": "Bus routes",
            "body": "The bus was late.",
            "valence": "not_working",
            "occurred_on": "2025-01-03",
        },
        format="json",
    )

    assert set(ids(listing(scene, search="allotment"))) == {in_title, in_prompt}
    assert ids(listing(scene, search="allotment gardening")) == [in_title]
    assert ids(listing(scene, search="   ")) != []
    assert ids(listing(scene, search="zebra")) == []


@pytest.mark.needs_postgres
def test_on_postgresql_search_is_full_text_with_stemming_and_uses_the_index():
    scene = build_evidence_scene()
    garden = EvidenceFactory.create(
        party=scene.grantee_party, title="Gardens", body="Volunteers were gardening daily."
    )
    EvidenceFactory.create(party=scene.grantee_party, title="Buses", body="Late again.")

    # "garden" matches "gardening" and "Gardens" through English stemming.
    assert ids(listing(scene, search="garden")) == [garden.pk]
    assert ids(listing(scene, search='"gardening daily"')) == [garden.pk]
    assert ids(listing(scene, search="garden -volunteers")) == []

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'evidence_search_gin'")
        [(definition,)] = cursor.fetchall()
        assert "gin" in definition.lower()
        assert "to_tsvector" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = evidence_matching(Evidence.objects.all(), "garden").explain()
    assert "evidence_search_gin" in plan, plan


def _many_partnerships_member(n: int):  # type: ignore[no-untyped-def]
    """A grantee member in ``n`` partnerships, each with a shared item."""
    scene = build_evidence_scene()
    person = scene.grantee_member
    for _ in range(n - 1):
        other = PartnershipFactory.create()
        party = add_party(other, scene.grantee_party.organisation)
        grant(party, PARTICIPATE)
        EvidenceFactory.create(party=party)
    add_member(scene.other_grantee_party.organisation, person)
    return scene, person


def _fill(scene, count):  # type: ignore[no-untyped-def]
    grant(scene.other_grantee_party, PARTICIPATE, SHARE_WITH_PARTIES)
    for n in range(count):
        party = scene.grantee_party if n % 2 else scene.other_grantee_party
        EvidenceFactory.create(party=party, questions=[scene.question])


@pytest.mark.parametrize("page_size", [2, 40])
def test_the_list_costs_the_same_queries_whatever_the_page_size(
    page_size, django_assert_max_num_queries
):
    scene = build_evidence_scene()
    _fill(scene, 40)
    client = api_client(scene.grantee_member)

    # partnership, visible parties (and who sees each item), count, page, questions, files
    # (issue 7: at most 6)
    with django_assert_max_num_queries(6):
        response = client.get(
            api("partnership-evidence", pk=scene.partnership.pk), {"page_size": page_size}
        )

    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("partnerships", [1, 12])
def test_the_list_costs_the_same_queries_however_many_partnerships(
    partnerships, django_assert_max_num_queries
):
    scene, person = _many_partnerships_member(partnerships)
    _fill(scene, 10)
    client = api_client(person)

    with django_assert_max_num_queries(6):
        response = client.get(api("partnership-evidence", pk=scene.partnership.pk))

    assert response.json()["count"] == 10


@pytest.mark.parametrize(("items", "partnerships"), [(3, 1), (30, 12)])
def test_the_list_page_costs_the_same_queries_at_any_size(
    items, partnerships, django_assert_max_num_queries
):
    scene, person = _many_partnerships_member(partnerships)
    _fill(scene, items)
    client = web_client(person)
    client.get(page("evidence-list", partnership_pk=scene.partnership.pk))  # warm the session

    with django_assert_max_num_queries(13):
        response = client.get(page("evidence-list", partnership_pk=scene.partnership.pk))

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(items, 25)


@pytest.mark.parametrize("items", [2, 30])
def test_the_coverage_map_and_export_cost_fixed_queries(items, django_assert_max_num_queries):
    scene = build_evidence_scene()
    _fill(scene, items)
    client = api_client(scene.grantee_member)

    with django_assert_max_num_queries(7):
        coverage = client.get(api("partnership-evidence-coverage", pk=scene.partnership.pk))
    with django_assert_max_num_queries(7):
        export = client.get(api("partnership-evidence-export", pk=scene.partnership.pk))
        body = export.getvalue()

    assert coverage.status_code == 200
    assert body.count(b"\n") == 1 + items // 2


@pytest.mark.usefixtures("media_root")
def test_each_listed_item_is_what_its_own_endpoint_answers():
    """The list writes items out itself (``listed_evidence``); it must say exactly what
    the item's own endpoint (``EvidenceSerializer``) says, to whoever asks."""
    scene = build_evidence_scene()
    grant(scene.other_grantee_party, PARTICIPATE, SHARE_WITH_PARTIES)
    second = agree_question(scene.partnership, "Does the bus matter?")
    mine, theirs = api_client(scene.grantee_member), api_client(scene.other_grantee_member)
    url = api("partnership-evidence", pk=scene.partnership.pk)
    created = [
        mine.post(url, story(questions=[second.pk, scene.question.pk]), format="json"),
        mine.post(url, after_action_review(attribution="named"), format="json"),
        mine.post(url, statistic(value="42.5", baseline=30), format="json"),
        mine.post(
            url, {**story(), "attachment": upload("notes.pdf", pdf_bytes())}, format="multipart"
        ),
        theirs.post(url, story(title="From the other grantee"), format="json"),
    ]
    assert [response.status_code for response in created] == [201] * 5, created[-1].json()
    nameless = UserFactory.create(name="")
    add_member(scene.grantee_party.organisation, nameless)
    by_nameless = api_client(nameless).post(url, story(title="No name"), format="json")
    assert by_nameless.status_code == 201, by_nameless.json()
    EvidenceFactory.create(party=scene.grantee_party, submitted_by=None)

    for viewer in (scene.grantee_member, scene.other_grantee_member, scene.lp_member):
        client = api_client(viewer)
        listed = client.get(url, {"page_size": 100}).json()["results"]
        assert listed, viewer
        for item in listed:
            alone = client.get(api("evidence-detail", pk=item["id"]))
            assert alone.status_code == 200
            assert item == alone.json()
    everything = api_client(scene.grantee_member).get(url, {"page_size": 100}).json()["results"]
    assert len(everything) == 7
    by_title = {item["title"]: item for item in everything}
    assert by_title["A family came back every week"]["questions"] in (
        [scene.question.pk, second.pk],
        [second.pk, scene.question.pk],
    )
    assert by_title["No name"]["submitted_by"]["name"] == nameless.email
    assert by_title["From the other grantee"]["submitted_by"] is None
    assert any(item["attachments"] for item in everything)
    assert any(item["value"] == 42.5 for item in everything)
