"""When a partnership codes its evidence, a brief's themes are its codes: each named by
the code, with counts by kind of party, its strongest excerpt as the quote and the
code's memo as the note. Read through the API and the exports, as people read a brief."""

import datetime
from typing import Any

import pytest

from evidence import synthesis
from evidence.coded_themes import CodedExcerpt, CodeRef
from evidence.models import Code, Evidence
from evidence.services.coding import code_create, excerpt_create
from tests.consent.helpers import decide, grant
from tests.evidence.briefs_scene import add_evidence, api, brief_scene, client_for, drafted

pytestmark = pytest.mark.django_db

A_TEXT = "The warm room made the difference. The bus was late."
B_TEXT = "We waited for the bus. It never came."
LP_TEXT = "Buses are the thread in every visit we made."


def _code(scene: Any, evidence: Evidence, words: str, codes: list[Code]) -> None:
    start = evidence.body.index(words)
    excerpt_create(
        evidence=evidence,
        start=start,
        end=start + len(words),
        code_ids=[c.pk for c in codes],
        by=scene.lp_member,
    )


def _coded_scene() -> tuple[Any, dict[str, Evidence], dict[str, Code]]:
    scene = brief_scene()
    grant(scene.lp_party, "participate", "publish")
    items = {
        "a": add_evidence(scene.grantee_party, title="Warm room", body=A_TEXT),
        "b": add_evidence(scene.grantee2_party, title="Waiting", body=B_TEXT),
        "lp": add_evidence(scene.lp_party, title="Visits", body=LP_TEXT),
    }
    make = scene.lp_member
    codes = {
        "transport": code_create(partnership=scene.partnership, name="Transport", by=make),
        "welcome": code_create(
            partnership=scene.partnership, name="Welcome", memo="People feel known.", by=make
        ),
    }
    _code(scene, items["a"], "The bus was late.", [codes["transport"]])
    _code(scene, items["b"], "We waited for the bus.", [codes["transport"]])
    _code(scene, items["lp"], "Buses are the thread in every visit we made.", [codes["transport"]])
    _code(scene, items["a"], "The warm room made the difference.", [codes["welcome"]])
    return scene, items, codes


def _themes(user: Any, brief_id: int) -> list[dict[str, Any]]:
    response = client_for(user).get(api("brief-detail", pk=brief_id))
    assert response.status_code == 200
    return response.json()["sections"][0]["themes"]


def test_the_briefs_themes_are_the_codes_with_counts_quote_and_note() -> None:
    scene, items, codes = _coded_scene()

    brief = drafted(scene)

    assert _themes(scene.lp_member, brief.pk) == [
        {
            "label": "Transport",
            "evidence": sorted([items["a"].pk, items["b"].pk, items["lp"].pk]),
            "quote": {"text": LP_TEXT, "evidence": items["lp"].pk},
            "code": codes["transport"].pk,
            "counts": {
                "excerpts": 3,
                "by_party_kind": [
                    {"kind": "grantee", "label": "Grantees", "count": 2},
                    {"kind": "learning_partner", "label": "Learning partners", "count": 1},
                ],
            },
        },
        {
            "label": "Welcome",
            "evidence": [items["a"].pk],
            "quote": {"text": "The warm room made the difference.", "evidence": items["a"].pk},
            "code": codes["welcome"].pk,
            "counts": {
                "excerpts": 1,
                "by_party_kind": [{"kind": "grantee", "label": "Grantees", "count": 1}],
            },
            "note": "People feel known.",
        },
    ]


def test_the_exports_show_the_codes_counts_and_note() -> None:
    scene, _, _ = _coded_scene()
    brief = drafted(scene)
    client = client_for(scene.lp_member)

    markdown = client.get(api("brief-export", pk=brief.pk), {"format": "md"}).content.decode()
    page = client.get(api("brief-export", pk=brief.pk), {"format": "html"}).content.decode()

    assert "**Transport**" in markdown
    assert "3 excerpts: Grantees 2, Learning partners 1" in markdown
    assert "Note: People feel known." in markdown
    assert "(3 excerpts: Grantees 2, Learning partners 1)" in page
    assert "People feel known." in page


def test_a_withdrawal_after_drafting_removes_the_partys_excerpts_from_the_themes() -> None:
    scene, items, _ = _coded_scene()
    brief = drafted(scene)

    decide(scene.grantee_party, "participate", "withdraw")

    themes = _themes(scene.lp_member, brief.pk)
    assert [t["label"] for t in themes] == ["Transport"]
    assert themes[0]["evidence"] == sorted([items["b"].pk, items["lp"].pk])
    assert themes[0]["counts"]["by_party_kind"] == [
        {"kind": "grantee", "label": "Grantees", "count": 1},
        {"kind": "learning_partner", "label": "Learning partners", "count": 1},
    ]
    markdown = (
        client_for(scene.lp_member)
        .get(api("brief-export", pk=brief.pk), {"format": "md"})
        .content.decode()
    )
    assert "People feel known." not in markdown
    assert "The warm room made the difference." not in markdown


def test_a_reader_of_a_draft_sees_only_the_excerpts_of_evidence_they_may_see() -> None:
    scene, items, _ = _coded_scene()
    brief = drafted(scene)

    themes = _themes(scene.grantee2_admin, brief.pk)

    assert [(t["label"], t["evidence"]) for t in themes] == [("Transport", [items["b"].pk])]
    assert themes[0]["quote"] == {"text": "We waited for the bus.", "evidence": items["b"].pk}


def test_an_excerpt_whose_text_changed_is_left_out_of_the_themes() -> None:
    scene, items, _ = _coded_scene()
    Evidence.objects.filter(pk=items["a"].pk).update(body="Rewritten entirely by its author.")

    brief = drafted(scene)

    themes = _themes(scene.lp_member, brief.pk)
    assert [t["label"] for t in themes] == ["Transport"]
    assert themes[0]["counts"]["excerpts"] == 2


def _item(pk: int, text: str, role: str = "grantee") -> synthesis.Item:
    return synthesis.Item(
        id=pk,
        party_id=1,
        kind="story",
        title="",
        body=text,
        valence="working",
        occurred_on=datetime.date(2026, 10, 1),
        party_role=role,
    )


TEXTS = [
    "I don't feel judged when I come here.",
    "Nobody made me feel judged at the food bank.",
    "Staff never make you feel judged, they just listen to you.",
    "The text reminders stopped and I forgot my appointment.",
    "Text reminders the day before help me remember.",
    "Text reminders from the advice desk made it easy to come back.",
]


def test_automatic_themes_only_where_nothing_is_coded() -> None:
    items = [_item(n + 1, text) for n, text in enumerate(TEXTS)]
    reminders = CodeRef(id=9, name="Reminders", memo="")
    coded = [CodedExcerpt(id=1, evidence=5, text="Text reminders", codes=(reminders,))]

    uncoded = synthesis.synthesise(questions=[], parties=[], current=items, previous=[])
    with_codes = synthesis.synthesise(
        questions=[], parties=[], current=items, previous=[], coded=coded
    )
    elsewhere = synthesis.synthesise(
        questions=[],
        parties=[],
        current=items,
        previous=[],
        coded=[CodedExcerpt(id=2, evidence=99, text="Not here", codes=(reminders,))],
    )

    automatic = [t["label"] for t in uncoded.sections[0]["themes"]]
    assert automatic
    assert "Reminders" not in automatic
    assert [t["label"] for t in with_codes.sections[0]["themes"]] == ["Reminders"]
    assert [t["label"] for t in elsewhere.sections[0]["themes"]] == automatic
