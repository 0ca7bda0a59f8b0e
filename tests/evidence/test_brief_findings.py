"""Findings: each section of a brief opens with a few plain sentences of what was learned,
each citing the evidence it rests on. The expectations below are written by hand from the
small data sets each test builds (``sections[].findings`` in shared/API.md)."""

import datetime

import pytest
from django.db import reset_queries

from evidence.models import Evidence, InsightBrief
from tests.consent.helpers import decide
from tests.evidence.briefs_scene import (
    SEPTEMBER,
    add_evidence,
    api,
    brief_scene,
    client_for,
    drafted,
    statistic,
)
from tests.evidence.test_brief_pages import browser, page, text_of

pytestmark = pytest.mark.django_db

WORKING, NOT_WORKING, MIXED = (
    Evidence.Valence.WORKING,
    Evidence.Valence.NOT_WORKING,
    Evidence.Valence.MIXED,
)


def _sections(scene, brief):  # type: ignore[no-untyped-def]
    body = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()
    return body, {section["question"]: section for section in body["sections"]}


def _story(party, body, valence, questions, **fields):  # type: ignore[no-untyped-def]
    return add_evidence(
        party,
        kind=Evidence.Kind.STORY,
        title="A story",
        body=body,
        valence=valence,
        questions=questions,
        **fields,
    )


def test_a_question_with_evidence_working_and_not_gets_findings_of_both_kinds():
    scene = brief_scene()
    good = _story(
        scene.grantee_party,
        "Text reminders brought people back to the advice desk.",
        WORKING,
        [scene.q1],
    )
    bad = _story(
        scene.grantee2_party,
        "The Thursday bus was cut, so fewer families could reach us.",
        NOT_WORKING,
        [scene.q1],
    )
    unsure = _story(
        scene.grantee_party,
        "Some parents liked the new room and some found it too busy.",
        MIXED,
        [scene.q1],
    )

    _, sections = _sections(scene, drafted(scene))

    assert sections[scene.q1.pk]["findings"] == [
        {
            "text": "What works: “Text reminders brought people back to the advice desk.”",
            "kind": "working",
            "evidence": [good.pk],
        },
        {
            "text": "What is not working: “The Thursday bus was cut, so fewer families could "
            "reach us.”",
            "kind": "not_working",
            "evidence": [bad.pk],
        },
        {
            "text": "Mixed results: “Some parents liked the new room and some found it too busy.”",
            "kind": "mixed",
            "evidence": [unsure.pk],
        },
    ]


def test_the_sentence_quoted_is_the_one_that_stands_for_the_rest_not_the_newest():
    scene = brief_scene()
    central = _story(
        scene.grantee_party,
        "Text reminders brought people back to the advice desk.",
        WORKING,
        [scene.q1],
        occurred_on=datetime.date(2026, 10, 2),
    )
    close = _story(
        scene.grantee2_party,
        "Text reminders helped people remember the advice desk.",
        WORKING,
        [scene.q1],
        occurred_on=datetime.date(2026, 10, 5),
    )
    newest = _story(
        scene.grantee_party,
        "The kettle in the hall is popular with volunteers.",
        WORKING,
        [scene.q1],
        occurred_on=datetime.date(2026, 10, 30),
    )

    _, sections = _sections(scene, drafted(scene))

    # By hand: the first shares five of its six words with the others, the second five of
    # seven, the newest none.
    working = sections[scene.q1.pk]["findings"][0]
    assert working == {
        "text": "What works: “Text reminders brought people back to the advice desk.” All 3 "
        "pieces of evidence here say something is working.",
        "kind": "working",
        "evidence": [central.pk, close.pk, newest.pk],
    }


def test_figures_say_the_direction_and_size_of_the_change_in_words():
    scene = brief_scene()
    households = statistic(
        scene.grantee_party,
        "Households back for a second parcel",
        "23",
        "% of households",
        baseline="31",
        questions=[scene.q1],
        valence=WORKING,
    )
    september = statistic(
        scene.grantee2_party,
        "Young people attending",
        "40",
        "people",
        occurred_on=datetime.date(2026, 9, 20),
        questions=[scene.q2],
    )
    october = statistic(
        scene.grantee2_party,
        "Young people attending",
        "55",
        "people",
        occurred_on=datetime.date(2026, 10, 20),
        questions=[scene.q2],
    )

    _, sections = _sections(scene, drafted(scene))

    assert sections[scene.q1.pk]["findings"][0] == {
        "text": "Households back for a second parcel fell from 31% to 23% of households, "
        "compared with the baseline.",
        "kind": "figure",
        "evidence": [households.pk],
    }
    assert sections[scene.q2.pk]["findings"][0] == {
        "text": "Young people attending rose from 40 to 55 people since the last period.",
        "kind": "figure",
        "evidence": [september.pk, october.pk],
    }


def test_gaps_say_when_nothing_is_not_working_or_the_evidence_is_thin():
    scene = brief_scene()
    items = [
        _story(
            scene.grantee_party,
            f"Families enjoyed the cooking club in week {n}.",
            WORKING,
            [scene.q1],
        )
        for n in (1, 2, 3)
    ]
    lonely = _story(
        scene.grantee2_party,
        "One family asked about bus fares.",
        Evidence.Valence.UNCLEAR,
        [scene.q2],
    )

    _, sections = _sections(scene, drafted(scene))

    assert sections[scene.q1.pk]["findings"][-1] == {
        "text": "Nothing here says what is not working yet. Ask about it next period.",
        "kind": "gap",
        "evidence": sorted(item.pk for item in items),
    }
    assert sections[scene.q2.pk]["findings"] == [
        {
            "text": "Only 1 piece of evidence so far, so this is an early view.",
            "kind": "gap",
            "evidence": [lonely.pk],
        }
    ]


def test_findings_say_whose_words_they_rest_on_by_role_never_by_organisation():
    scene = brief_scene()
    _story(
        scene.grantee_party,
        "The advice desk sorted out my benefits on the day.",
        WORKING,
        [scene.q1],
        speaker="service_user",
    )
    _story(
        scene.grantee2_party,
        "Families leave with their benefits sorted on the day.",
        WORKING,
        [scene.q1],
        speaker="volunteer",
    )
    _story(
        scene.grantee2_party,
        "The advice desk helps people with benefits the same day.",
        WORKING,
        [scene.q1],
        speaker="service_user",
    )

    _, sections = _sections(scene, drafted(scene))

    text = sections[scene.q1.pk]["findings"][0]["text"]
    assert text.endswith("They include the words of service users and volunteers.")
    for party in (scene.grantee_party, scene.grantee2_party):
        assert party.organisation.name not in text


def test_the_whole_partnership_summarises_the_questions_instead_of_repeating_them():
    scene = brief_scene()
    a = _story(scene.grantee_party, "Text reminders brought people back.", WORKING, [scene.q1])
    b = _story(
        scene.grantee2_party, "Young people keep coming to the Tuesday club.", WORKING, [scene.q1]
    )
    c = _story(scene.grantee_party, "The cooking club is full every week.", WORKING, [scene.q1])
    d = _story(
        scene.grantee2_party, "Families felt ashamed to ask for help.", NOT_WORKING, [scene.q2]
    )
    statistic(
        scene.grantee_party,
        "Families helped",
        "12",
        "families",
        baseline="8",
        questions=[scene.q2],
        valence=Evidence.Valence.UNCLEAR,
    )

    body, sections = _sections(scene, drafted(scene))
    whole = sections[None]

    assert [f["text"] for f in whole["findings"]] == [
        "Across 2 research questions, 3 pieces of evidence say something is working and 1 "
        "says something is not.",
        "On “Which activities keep young people coming back?”, all 3 pieces of evidence say it "
        "is working.",
        "On “What stops families asking for help?”, there is little evidence yet (2 pieces of "
        "evidence).",
    ]
    assert whole["findings"][0]["evidence"] == sorted([a.pk, b.pk, c.pk, d.pk])
    # Figures, quotes and stories appear once, under their question.
    assert (whole["statistics"], whole["stories"], whole["quotes"]) == ([], [], [])
    assert [s["measure"] for s in sections[scene.q2.pk]["statistics"]] == ["Families helped"]
    assert whole["counts"]["total"] == 5


def test_every_finding_cites_evidence_the_brief_cites_and_a_withdrawal_takes_it_out():
    scene = brief_scene()
    kept = _story(scene.grantee_party, "Text reminders brought people back.", WORKING, [scene.q1])
    gone = _story(
        scene.grantee2_party, "Nobody answered the phone on Fridays.", NOT_WORKING, [scene.q1]
    )
    brief = drafted(scene)
    body, sections = _sections(scene, brief)
    assert {kind for f in sections[scene.q1.pk]["findings"] for kind in [f["kind"]]} >= {
        "working",
        "not_working",
    }

    decide(scene.grantee2_party, "participate", "withdraw")

    body, sections = _sections(scene, brief)
    cited = set(body["sections"][0]["counts"]["evidence"])
    for section in body["sections"]:
        for finding in section["findings"]:
            assert finding["evidence"], finding
            assert set(finding["evidence"]) <= cited
            assert gone.pk not in finding["evidence"]
            assert "Fridays" not in finding["text"]
    assert set(body["cited_evidence"]) == {kept.pk}


def test_the_page_opens_each_section_with_what_we_found():
    scene = brief_scene()
    item = _story(scene.grantee_party, "Text reminders brought people back.", WORKING, [scene.q1])
    brief = drafted(scene)

    text = text_of(browser(scene.lp_member).get(page("brief-detail", brief.pk)))

    assert "What we found" in text
    assert f"What works: “Text reminders brought people back.” (evidence {item.pk} )" in text
    # The old list of item titles is gone: findings say what is working.
    assert "What is working" not in text


def test_the_same_evidence_gives_the_same_findings():
    scene = brief_scene()
    for n, valence in enumerate((WORKING, NOT_WORKING, WORKING, MIXED)):
        _story(
            scene.grantee_party,
            f"Week {n}: families came to the club and stayed for tea.",
            valence,
            [scene.q1],
        )
    brief = drafted(scene)
    first = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()["sections"]

    client_for(scene.lp_member).post(api("brief-redraft", pk=brief.pk))
    again = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()["sections"]

    assert [s["findings"] for s in again] == [s["findings"] for s in first]
    assert all(section["findings"] for section in first[:2])


def _stored_before_findings(brief):  # type: ignore[no-untyped-def]
    """``brief`` as the engine stored it before sections had findings."""
    sections = [{k: v for k, v in s.items() if k != "findings"} for s in brief.sections]
    InsightBrief.objects.filter(pk=brief.pk).update(sections=sections)


def _list_queries(scene, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    client = client_for(scene.lp_member)
    reset_queries()
    with django_assert_max_num_queries(200) as captured:
        body = client.get(api("partnership-briefs", pk=scene.partnership.pk)).json()
    return len(captured), body


def test_briefs_stored_before_findings_are_read_with_them_at_a_fixed_cost(
    django_assert_max_num_queries,
):
    scene = brief_scene()
    _story(scene.grantee_party, "Text reminders brought people back.", WORKING, [scene.q1])
    first = drafted(scene)
    _stored_before_findings(first)
    one, body = _list_queries(scene, django_assert_max_num_queries)
    assert body["results"][0]["sections"][1]["findings"][0]["kind"] == "working"

    for period in ((datetime.date(2026, 8, 1), datetime.date(2026, 8, 31)), SEPTEMBER):
        _stored_before_findings(drafted(scene, period))
    three, body = _list_queries(scene, django_assert_max_num_queries)

    assert body["count"] == 3
    assert all("findings" in s for brief in body["results"] for s in brief["sections"])
    assert three == one
    # Reading does not store: the briefs stay as they were until drafted again.
    assert all("findings" not in s for b in InsightBrief.objects.all() for s in b.sections)
