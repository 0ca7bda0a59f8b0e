"""The codebook and excerpts through the API, as the learning partner and the other
parties use them (API.md, "Codebook")."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count

from evidence.models import Code, Evidence, Excerpt
from partnerships.models import Partnership
from tests.evidence.coding_helpers import (
    WARM_ROOM,
    build_coding_scene,
    code,
    excerpt,
)
from tests.evidence.items_helpers import SHARE_WITH_FUNDER, api, api_client, grant, withdraw

pytestmark = pytest.mark.django_db


# --- The codebook -------------------------------------------------------------------------


def test_the_learning_partner_adds_a_code_and_every_party_reads_the_codebook() -> None:
    scene = build_coding_scene()

    response = api_client(scene.lp_member).post(
        api("partnership-codes", pk=scene.partnership.pk),
        {"name": "  Feeling   welcome ", "description": "People say they belong."},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    keys = ("name", "description", "memo", "parent", "excerpts", "excerpt_count")
    assert {k: body[k] for k in keys} == {
        "name": "Feeling welcome",
        "description": "People say they belong.",
        "memo": "",
        "parent": None,
        "excerpts": [],
        "excerpt_count": 0,
    }
    for reader in (scene.funder_member, scene.grantee_member, scene.other_member):
        listed = api_client(reader).get(api("partnership-codes", pk=scene.partnership.pk))
        assert listed.status_code == 200
        assert [c["name"] for c in listed.json()["results"]] == ["Feeling welcome"]


def test_in_learning_for_mode_a_grantee_may_not_change_the_codebook() -> None:
    scene = build_coding_scene()
    kept = code(scene, "Transport")

    refused = [
        api_client(scene.grantee_admin).post(
            api("partnership-codes", pk=scene.partnership.pk), {"name": "Mine"}, format="json"
        ),
        api_client(scene.funder_admin).patch(
            api("code-detail", pk=kept.pk), {"name": "Buses"}, format="json"
        ),
        api_client(scene.grantee_member).delete(api("code-detail", pk=kept.pk)),
    ]

    assert [r.status_code for r in refused] == [403, 403, 403]
    assert "learning partner" in refused[0].json()["detail"]
    assert list(Code.objects.values_list("name", flat=True)) == ["Transport"]


def test_in_learning_with_mode_every_accepted_party_codes() -> None:
    scene = build_coding_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)

    made = api_client(scene.grantee_member).post(
        api("partnership-codes", pk=scene.partnership.pk), {"name": "Our view"}, format="json"
    )
    coded = api_client(scene.grantee_member).post(
        api("evidence-excerpts", pk=scene.warm_room.pk),
        {"start": 0, "end": 8, "codes": [made.json()["id"]]},
        format="json",
    )

    assert made.status_code == 201
    assert coded.status_code == 201


def test_outsiders_and_invited_parties_learn_nothing_of_the_codebook() -> None:
    scene = build_coding_scene()
    kept = code(scene, "Transport")

    client = api_client(scene.outsider)
    answers = [
        client.get(api("partnership-codes", pk=scene.partnership.pk)),
        client.get(api("code-detail", pk=kept.pk)),
        client.post(api("code-merge", pk=kept.pk), {"into": kept.pk}, format="json"),
        client.get(api("partnership-code-matrix", pk=scene.partnership.pk)),
        client.get(api("partnership-excerpts", pk=scene.partnership.pk)),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404, 404]


def test_a_codebook_has_two_levels_and_unique_names() -> None:
    scene = build_coding_scene()
    people = code(scene, "People")
    staff = code(scene, "Staff", parent_id=people.pk)
    client = api_client(scene.lp_member)
    url = api("partnership-codes", pk=scene.partnership.pk)

    too_deep = client.post(url, {"name": "Names", "parent": staff.pk}, format="json")
    same_name = client.post(url, {"name": "people"}, format="json")
    parent_under_child = client.patch(
        api("code-detail", pk=people.pk), {"parent": staff.pk}, format="json"
    )

    assert too_deep.status_code == 400
    assert "two levels" in too_deep.json()["parent"][0]
    assert same_name.status_code == 400
    assert "already has a code called" in same_name.json()["name"][0]
    assert parent_under_child.status_code == 400
    assert Code.objects.count() == 2


def test_renaming_a_code_keeps_its_excerpts() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    made = excerpt(scene, scene.warm_room, "The bus was late.", [bus])

    response = api_client(scene.lp_member).patch(
        api("code-detail", pk=bus.pk), {"name": "Transport"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["excerpts"]) == ("Transport", [made.pk])


def test_merging_moves_every_excerpt_and_the_sub_codes_to_the_target() -> None:
    scene = build_coding_scene()
    waiting = code(scene, "Waiting", memo="Long waits.")
    delays = code(scene, "Delays", memo="Late buses.")
    queue = code(scene, "Queue", parent_id=waiting.pk)
    only_waiting = excerpt(scene, scene.waiting, "We waited two hours.", [waiting])
    both = excerpt(scene, scene.warm_room, "The bus was late.", [waiting, delays])

    response = api_client(scene.lp_member).post(
        api("code-merge", pk=waiting.pk), {"into": delays.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["id"] == delays.pk
    assert response.json()["excerpts"] == sorted([only_waiting.pk, both.pk])
    assert response.json()["excerpt_count"] == 2
    assert response.json()["memo"] == "Late buses.\n\nLong waits."
    assert not Code.objects.filter(pk=waiting.pk).exists()
    assert set(Excerpt.objects.values_list("pk", flat=True)) == {only_waiting.pk, both.pk}
    assert [c.pk for c in only_waiting.codes.all()] == [delays.pk]
    assert [c.pk for c in both.codes.all()] == [delays.pk]
    queue.refresh_from_db()
    assert queue.parent_id == delays.pk


def test_merging_into_a_code_of_another_partnership_or_itself_is_refused() -> None:
    scene = build_coding_scene()
    other = build_coding_scene()
    mine = code(scene, "Mine")
    theirs = code(other, "Theirs")
    client = api_client(scene.lp_member)

    answers = [
        client.post(api("code-merge", pk=mine.pk), {"into": theirs.pk}, format="json"),
        client.post(api("code-merge", pk=mine.pk), {"into": mine.pk}, format="json"),
        client.post(api("code-merge", pk=mine.pk), {"into": "x"}, format="json"),
        client.post(api("code-merge", pk=mine.pk), {"into": 2**80}, format="json"),
    ]

    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    assert Code.objects.count() == 2


def test_deleting_a_code_keeps_excerpts_that_have_other_codes() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    names = code(scene, "Names")
    gone = excerpt(scene, scene.warm_room, "The bus was late.", [bus])
    kept = excerpt(scene, scene.warm_room, "Staff knew our names.", [bus, names])

    response = api_client(scene.lp_member).delete(api("code-detail", pk=bus.pk))

    assert response.status_code == 204
    assert list(Excerpt.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Excerpt.objects.filter(pk=gone.pk).exists()


# --- Excerpts -------------------------------------------------------------------------------


def test_coding_an_excerpt_answers_with_its_words() -> None:
    scene = build_coding_scene()
    names = code(scene, "Names")
    start = WARM_ROOM.index("Staff knew")

    response = api_client(scene.lp_member).post(
        api("evidence-excerpts", pk=scene.warm_room.pk),
        {
            "start": start,
            "end": start + 21,
            "codes": [names.pk],
            "questions": [scene.welcome.pk],
            "memo": "Being known matters.",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in body if k not in ("id", "author", "created_at")} == {
        "evidence": scene.warm_room.pk,
        "attachment": None,
        "start": start,
        "end": start + 21,
        "text": "Staff knew our names.",
        "codes": [names.pk],
        "questions": [scene.welcome.pk],
        "memo": "Being known matters.",
        "stale": False,
    }


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (0, len(WARM_ROOM) + 1, "end"),
        (len(WARM_ROOM), len(WARM_ROOM) + 2, "start"),
        (10, 10, "end"),
        (12, 3, "end"),
        (-1, 4, "start"),
        (0, 2**63, "end"),
        ("one", 4, "start"),
        ({"a": [1]}, 4, "start"),
        (None, 4, "start"),
    ],
)
def test_offsets_outside_the_text_are_refused(start: Any, end: Any, field: str) -> None:
    scene = build_coding_scene()
    names = code(scene, "Names")

    response = api_client(scene.lp_member).post(
        api("evidence-excerpts", pk=scene.warm_room.pk),
        {"start": start, "end": end, "codes": [names.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert field in response.json()
    assert Excerpt.objects.count() == 0


def test_codes_and_questions_must_be_of_the_same_partnership() -> None:
    scene = build_coding_scene()
    other = build_coding_scene()
    mine = code(scene, "Mine")
    theirs = code(other, "Theirs")
    client = api_client(scene.lp_member)
    url = api("evidence-excerpts", pk=scene.warm_room.pk)

    answers = [
        client.post(url, {"start": 0, "end": 5, "codes": [theirs.pk]}, format="json"),
        client.post(
            url,
            {"start": 0, "end": 5, "codes": [mine.pk], "questions": [other.welcome.pk]},
            format="json",
        ),
        client.post(url, {"start": 0, "end": 5, "codes": []}, format="json"),
        client.post(
            url, {"start": 0, "end": 5, "codes": [mine.pk], "colour": "red"}, format="json"
        ),
    ]

    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    assert list(answers[0].json()) == ["codes"]
    assert list(answers[1].json()) == ["questions"]
    assert Excerpt.objects.count() == 0


def test_nobody_codes_evidence_they_may_not_see() -> None:
    scene = build_coding_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    mine = code(scene, "Mine")

    response = api_client(scene.funder_member).post(
        api("evidence-excerpts", pk=scene.warm_room.pk),
        {"start": 0, "end": 5, "codes": [mine.pk]},
        format="json",
    )

    assert response.status_code == 404
    assert Excerpt.objects.count() == 0


def test_an_excerpt_whose_text_changed_is_flagged_stale_never_moved() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    opening = excerpt(scene, scene.warm_room, "The warm room", [bus])
    ending = excerpt(scene, scene.warm_room, "The bus was late.", [bus])
    new_body = WARM_ROOM.replace("The bus was late.", "The bus came on time.")

    edited = api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=scene.warm_room.pk), {"body": new_body}, format="json"
    )
    listed = api_client(scene.lp_member).get(api("partnership-excerpts", pk=scene.partnership.pk))

    assert edited.status_code == 200
    rows = {row["id"]: row for row in listed.json()["results"]}
    assert (rows[opening.pk]["stale"], rows[ending.pk]["stale"]) == (False, True)
    assert (rows[ending.pk]["start"], rows[ending.pk]["text"]) == (
        ending.start,
        "The bus was late.",
    )


def test_placing_a_stale_excerpt_again_reads_its_words_afresh() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    ending = excerpt(scene, scene.warm_room, "The bus was late.", [bus])
    new_body = "Short now. " + WARM_ROOM
    api_client(scene.grantee_member).patch(
        api("evidence-detail", pk=scene.warm_room.pk), {"body": new_body}, format="json"
    )
    start = new_body.index("The bus")

    response = api_client(scene.lp_member).patch(
        api("excerpt-detail", pk=ending.pk), {"start": start, "end": start + 17}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["text"], response.json()["stale"]) == ("The bus was late.", False)


def test_an_excerpt_is_changed_by_its_author_or_the_codebook_editors_only() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    made = excerpt(scene, scene.warm_room, "The bus was late.", [bus])

    by_grantee = api_client(scene.grantee_member).patch(
        api("excerpt-detail", pk=made.pk), {"memo": "Mine now"}, format="json"
    )
    by_colleague = api_client(scene.lp_admin).patch(
        api("excerpt-detail", pk=made.pk), {"memo": "Checked."}, format="json"
    )
    deleted_by_grantee = api_client(scene.grantee_member).delete(api("excerpt-detail", pk=made.pk))

    assert by_grantee.status_code == 403
    assert deleted_by_grantee.status_code == 403
    assert by_colleague.status_code == 200
    made.refresh_from_db()
    assert made.memo == "Checked."


# --- Who sees which excerpts -----------------------------------------------------------------


def test_the_excerpt_list_shows_only_excerpts_of_evidence_the_reader_may_see() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    waits = code(scene, "Waits")
    mine = excerpt(scene, scene.warm_room, "The bus was late.", [bus])
    theirs = excerpt(scene, scene.waiting, "We waited two hours.", [waits, bus])
    url = api("partnership-excerpts", pk=scene.partnership.pk)

    def ids(user: Any, **query: Any) -> list[int]:
        response = api_client(user).get(url, query)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(scene.lp_member) == [mine.pk, theirs.pk]
    assert ids(scene.lp_member, code=waits.pk) == [theirs.pk]
    assert ids(scene.grantee_member) == [mine.pk]
    assert ids(scene.other_member) == [theirs.pk]
    assert ids(scene.funder_member) == []
    grant(scene.grantee_party, SHARE_WITH_FUNDER)
    assert ids(scene.funder_member) == [mine.pk]


def test_a_withdrawal_hides_the_partys_excerpts_at_once_everywhere_in_the_api() -> None:
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    mine = excerpt(scene, scene.warm_room, "The bus was late.", [bus], (scene.transport,))
    theirs = excerpt(scene, scene.waiting, "We waited two hours.", [bus], (scene.transport,))
    client = api_client(scene.lp_member)

    withdraw(scene.grantee_party, "participate")

    listed = client.get(api("partnership-excerpts", pk=scene.partnership.pk)).json()
    codes = client.get(api("partnership-codes", pk=scene.partnership.pk)).json()
    matrix = client.get(api("partnership-code-matrix", pk=scene.partnership.pk), {"by": "question"})
    assert mine.pk not in [row["id"] for row in listed["results"]]
    assert codes["results"][0]["excerpts"] == [theirs.pk]
    assert codes["results"][0]["excerpt_count"] == 1
    assert matrix.json()["counts"] == [[1, 0]]
    assert client.get(api("excerpt-detail", pk=mine.pk)).status_code == 404


def test_the_code_matrix_counts_match_a_hand_count() -> None:
    """Hand-counted: Bus has the grantee's "The bus was late." (transport) and the
    other grantee's "We waited two hours." (transport, welcome); Names the grantee's
    "Staff knew our names." (welcome) and "The warm room" (welcome), and the other's
    "Nobody told us why." (no question)."""
    scene = build_coding_scene()
    bus = code(scene, "Bus")
    names = code(scene, "Names")
    excerpt(scene, scene.warm_room, "The bus was late.", [bus], (scene.transport,))
    excerpt(scene, scene.waiting, "We waited two hours.", [bus], (scene.transport, scene.welcome))
    excerpt(scene, scene.warm_room, "Staff knew our names.", [names], (scene.welcome,))
    excerpt(scene, scene.warm_room, "The warm room", [names], (scene.welcome,))
    excerpt(scene, scene.waiting, "Nobody told us why.", [names])
    client = api_client(scene.lp_member)

    by_party = client.get(api("partnership-code-matrix", pk=scene.partnership.pk), {"by": "party"})
    by_question = client.get(
        api("partnership-code-matrix", pk=scene.partnership.pk), {"by": "question"}
    )

    assert by_party.status_code == 200
    body = by_party.json()
    assert [c["name"] for c in body["codes"]] == ["Bus", "Names"]
    columns = [c["id"] for c in body["columns"]]
    grantee, other = columns.index(scene.grantee_party.pk), columns.index(scene.other_party.pk)
    assert [row[grantee] for row in body["counts"]] == [1, 2]
    assert [row[other] for row in body["counts"]] == [1, 1]
    assert sum(map(sum, body["counts"])) == 5
    assert [c["label"] for c in by_question.json()["columns"]] == [
        "How do families get here?",
        "What makes people feel welcome?",
    ]
    assert by_question.json()["counts"] == [[2, 1], [0, 2]]


@pytest.mark.parametrize("by", ["people", "party,question", "1", "x" * 300])
def test_a_matrix_by_anything_else_is_a_400(by: str) -> None:
    scene = build_coding_scene()

    response = api_client(scene.lp_member).get(
        api("partnership-code-matrix", pk=scene.partnership.pk), {"by": by}
    )

    assert response.status_code == 400


@pytest.mark.parametrize("size", [2, 6])
def test_the_excerpt_list_costs_the_same_queries_at_any_size(
    size: int, django_assert_max_num_queries: Any
) -> None:
    scene = build_coding_scene()
    codes = [code(scene, f"Code {n}") for n in range(size)]
    for n in range(size):
        excerpt(scene, scene.warm_room, "The bus was late.", codes[: n + 1], (scene.transport,))
    client = api_client(scene.lp_member)

    with django_assert_max_num_queries(14):
        response = client.get(api("partnership-excerpts", pk=scene.partnership.pk))
    with django_assert_max_num_queries(14):
        codebook = client.get(api("partnership-codes", pk=scene.partnership.pk))

    assert response.json()["count"] == size
    assert sum(c["excerpt_count"] for c in codebook.json()["results"]) == sum(
        Code.objects.annotate(n=Count("excerpts")).values_list("n", flat=True)
    )


def test_evidence_with_no_text_cannot_be_coded() -> None:
    scene = build_coding_scene()
    names = code(scene, "Names")
    Evidence.objects.filter(pk=scene.warm_room.pk).update(body="")

    response = api_client(scene.lp_member).post(
        api("evidence-excerpts", pk=scene.warm_room.pk),
        {"start": 0, "end": 1, "codes": [names.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"start": ["This evidence has no text to code."]}


def test_a_name_taken_at_the_same_moment_is_a_400_not_a_500() -> None:
    scene = build_coding_scene()
    code(scene, "Transport")

    with pytest.raises(ValidationError) as refused:
        code_create_racing(scene)

    assert "already has a code called" in str(refused.value)
    assert Code.objects.count() == 1


def code_create_racing(scene: Any) -> None:
    """Save a code whose name another request took after the name was checked: the check
    is passed by looking up names before the other code exists."""
    from unittest import mock

    from evidence.services import coding

    with mock.patch.object(coding, "_clean_name", lambda partnership, name, code=None: name):
        coding.code_create(partnership=scene.partnership, name="transport", by=scene.lp_member)
