"""What a drafted brief contains: computed from the period's consented evidence, never typed."""

import datetime
from decimal import Decimal

import pytest
from django.db import reset_queries
from django.urls import reverse

from evidence import plain_words, synthesis
from evidence.models import Evidence, InsightBrief, LearningAction
from evidence.services.briefs import brief_draft, brief_request
from evidence.services.learning_actions import learning_action_create
from notifications.models import Notification
from tests.evidence.briefs_scene import (
    OCTOBER,
    add_evidence,
    brief_scene,
    drafted,
    grant,
    statistic,
)

pytestmark = pytest.mark.django_db


def _section(brief: InsightBrief, question=None) -> dict:
    return next(s for s in brief.sections if s["question"] == (question.pk if question else None))


def test_counts_by_kind_and_valence_with_the_change_from_the_previous_period():
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="story", valence="working", questions=[scene.q1])
    add_evidence(scene.grantee_party, kind="story", valence="not_working", questions=[scene.q1])
    add_evidence(scene.grantee2_party, kind="quote", valence="not_working", questions=[scene.q2])
    add_evidence(
        scene.grantee2_party,
        kind="story",
        valence="working",
        questions=[scene.q1],
        occurred_on=datetime.date(2026, 9, 20),
    )

    brief = drafted(scene)

    overall = _section(brief)["counts"]
    assert (overall["total"], overall["previous_total"], overall["change"]) == (3, 1, 2)
    assert overall["by_kind"] == [
        {"kind": "story", "label": "Stories", "count": 2, "previous": 1, "change": 1},
        {"kind": "quote", "label": "Quotes", "count": 1, "previous": 0, "change": 1},
    ]
    assert [(v["valence"], v["count"], v["previous"]) for v in overall["by_valence"]] == [
        ("working", 1, 1),
        ("not_working", 2, 0),
        ("mixed", 0, 0),
        ("unclear", 0, 0),
    ]
    q1 = _section(brief, scene.q1)["counts"]
    assert (q1["total"], q1["previous_total"]) == (2, 1)
    assert _section(brief, scene.q2)["counts"]["total"] == 1


def test_statistics_give_the_latest_value_per_measure_with_baseline_and_change():
    scene = brief_scene()
    early = statistic(
        scene.grantee_party,
        "Young people attending",
        "48",
        "people",
        baseline="40",
        occurred_on=datetime.date(2026, 10, 3),
        questions=[scene.q1],
    )
    latest = statistic(
        scene.grantee_party,
        "Young people  attending",
        "55",
        "people",
        baseline="40",
        occurred_on=datetime.date(2026, 10, 24),
        questions=[scene.q1],
    )
    before = statistic(
        scene.grantee_party,
        "Young people attending",
        "45",
        "people",
        occurred_on=datetime.date(2026, 9, 24),
        questions=[scene.q1],
    )
    statistic(scene.grantee2_party, "Food parcels", "120", "parcels", questions=[scene.q2])

    brief = drafted(scene)

    stats = _section(brief, scene.q1)["statistics"]
    assert len(stats) == 1
    stat = stats[0]
    assert stat["measure"] == "Young people attending"
    assert (stat["value"], stat["unit"], stat["baseline"], stat["change"]) == (
        "55",
        "people",
        "40",
        "+15",
    )
    assert (stat["previous_value"], stat["change_from_previous"]) == ("45", "+10")
    assert stat["evidence"] == latest.pk
    assert stat["previous_evidence"] == before.pk
    assert [p["evidence"] for p in stat["points"]] == [latest.pk, before.pk, early.pk, latest.pk]
    assert [p["label"] for p in stat["points"]][:2] == ["Baseline", "Previous period (24 Sep 2026)"]
    # The whole partnership does not repeat the questions' figures: it summarises them.
    assert _section(brief)["statistics"] == []
    assert [s["measure"] for s in _section(brief, scene.q2)["statistics"]] == ["Food parcels"]


def test_quotes_come_from_different_parties_and_show_what_is_not_working_too():
    scene = brief_scene()
    for day in range(1, 6):
        add_evidence(
            scene.grantee_party,
            kind="quote",
            valence="working",
            body=f"Good {day}",
            occurred_on=datetime.date(2026, 10, day),
        )
    bad = add_evidence(
        scene.grantee2_party,
        kind="quote",
        valence="not_working",
        body="The bus never comes.",
        occurred_on=datetime.date(2026, 10, 2),
    )

    brief = drafted(scene)

    quotes = _section(brief)["quotes"]
    assert len(quotes) == synthesis.MAX_QUOTES
    assert quotes[0]["text"] == "Good 5"  # the newest working quote
    assert quotes[1]["evidence"] == bad.pk  # then what is not working, another party
    assert {q["valence"] for q in quotes} == {"working", "not_working"}


def test_quotes_are_anonymous_unless_named_and_attribution_is_consented():
    scene = brief_scene()
    named_with_consent = add_evidence(
        scene.grantee_party, kind="quote", attribution="named", body="We were heard."
    )
    named_without_consent = add_evidence(
        scene.grantee2_party, kind="quote", attribution="named", body="Nobody called back."
    )
    grant(scene.grantee_party, "attribute")

    brief = drafted(scene)

    attribution = {q["evidence"]: q["attribution"] for q in _section(brief)["quotes"]}
    assert attribution == {
        named_with_consent.pk: scene.grantee_party.organisation.name,
        named_without_consent.pk: "a grantee",
    }


def test_themes_list_the_evidence_behind_them():
    scene = brief_scene()
    queue_words = "Families waited outside in the cold queue for food parcels."
    club_words = "Young people said the youth club volunteers listened to them."
    queue = [
        add_evidence(scene.grantee2_party, title=f"Queue {n}", body=queue_words) for n in range(3)
    ]
    club = [add_evidence(scene.grantee_party, title=f"Club {n}", body=club_words) for n in range(3)]

    brief = drafted(scene)

    themes = _section(brief)["themes"]
    groups = {frozenset(theme["evidence"]) for theme in themes}
    assert frozenset(e.pk for e in queue) in groups
    assert frozenset(e.pk for e in club) in groups
    queue_theme = next(t for t in themes if set(t["evidence"]) == {e.pk for e in queue})
    club_theme = next(t for t in themes if set(t["evidence"]) == {e.pk for e in club})
    # Each named by a phrase of its own group's words.
    assert f" {queue_theme['label']} " in f" {queue_words.lower().rstrip('.')} "
    assert f" {club_theme['label']} " in f" {club_words.lower().rstrip('.')} "


def test_gaps_name_thin_questions_and_parties_that_added_nothing():
    scene = brief_scene()
    add_evidence(scene.grantee_party, questions=[scene.q1], valence="working")

    brief = drafted(scene)

    overall_gaps = [gap["text"] for gap in _section(brief)["gaps"]]
    assert f"Only 1 piece of evidence about “{scene.q1.text}” this period." in overall_gaps
    assert f"No evidence about “{scene.q2.text}” this period." in overall_gaps
    assert f"{scene.grantee2_party.organisation.name} has not added evidence this period." in (
        overall_gaps
    )
    # Parties without consent to take part are never singled out (that would reveal who
    # withdrew); the commissioning funder gave none, so it is not named either.
    assert not any(scene.funder_party.organisation.name in gap for gap in overall_gaps)
    q1_gaps = [gap["text"] for gap in _section(brief, scene.q1)["gaps"]]
    assert f"Nothing recorded about what is not working on “{scene.q1.text}”." in q1_gaps


def test_what_changed_lists_learning_actions_done_since_the_last_brief():
    scene = brief_scene()
    drafted(scene, (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)))
    done = learning_action_create(
        partnership=scene.partnership,
        party=scene.grantee_party,
        by=scene.grantee_admin,
        description="Open on Saturdays",
        status="done",
        outcome="Twice as many came.",
    )
    LearningAction.objects.filter(pk=done.pk).update(
        done_at=datetime.datetime(2026, 10, 12, 10, tzinfo=datetime.UTC)
    )
    older = learning_action_create(
        partnership=scene.partnership,
        party=scene.grantee_party,
        by=scene.grantee_admin,
        description="Reported in September already",
        status="done",
    )
    LearningAction.objects.filter(pk=older.pk).update(
        done_at=datetime.datetime(2026, 9, 12, 10, tzinfo=datetime.UTC)
    )
    learning_action_create(
        partnership=scene.partnership,
        party=scene.grantee_party,
        by=scene.grantee_admin,
        description="Still planned",
        status="planned",
    )

    brief = drafted(scene)

    assert brief.what_changed == [
        {
            "action": done.pk,
            "description": "Open on Saturdays",
            "outcome": "Twice as many came.",
            "party": scene.grantee_party.organisation.name,
            "done_on": "2026-10-12",
        }
    ]


def test_every_quote_figure_and_theme_links_to_cited_evidence():
    scene = brief_scene()
    for n in range(4):
        add_evidence(scene.grantee_party, kind="quote", body=f"Quote about the club {n}")
        statistic(scene.grantee2_party, f"Measure {n}", str(n), "people")

    brief = drafted(scene)

    cited = set(brief.cited_evidence.values_list("pk", flat=True))
    assert len(cited) == 8
    assert synthesis.evidence_ids_in(brief.sections) == cited


def test_drafting_tells_the_learning_partner_the_draft_is_ready():
    scene = brief_scene()

    brief = drafted(scene)

    told = set(
        Notification.objects.filter(kind="brief_draft_ready").values_list("recipient_id", flat=True)
    )
    assert told == {scene.lp_admin.pk, scene.lp_member.pk}
    assert brief.drafted_at is not None


def test_drafting_twice_changes_nothing_the_second_time():
    scene = brief_scene()
    add_evidence(scene.grantee_party)
    brief = drafted(scene)
    add_evidence(scene.grantee2_party)  # arrives after drafting
    before = InsightBrief.objects.get(pk=brief.pk)

    brief_draft(brief_id=brief.pk)

    after = InsightBrief.objects.get(pk=brief.pk)
    assert after.sections == before.sections
    assert after.drafted_at == before.drafted_at
    assert after.updated_at == before.updated_at
    assert Notification.objects.filter(kind="brief_draft_ready").count() == 2  # one per LP person


def test_a_half_drafted_brief_is_drafted_again_completely():
    scene = brief_scene()
    item = add_evidence(scene.grantee_party)
    brief, _ = brief_request(
        partnership=scene.partnership,
        period_start=OCTOBER[0],
        period_end=OCTOBER[1],
        by=scene.lp_member,
    )
    # What a worker killed mid-draft could leave behind at worst: still "drafting".
    InsightBrief.objects.filter(pk=brief.pk).update(sections=[{"junk": True}])

    brief_draft(brief_id=brief.pk)

    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT
    assert "junk" not in brief.sections[0]
    assert _section(brief)["counts"]["evidence"] == [item.pk]


def test_drafting_a_brief_that_no_longer_exists_does_nothing():
    assert brief_draft(brief_id=987654) is None


def test_the_plain_language_report_reads_the_learning_partners_words():
    report = synthesis.plain_language_report(
        so_what=(
            "Going forward we will leverage the KPIs of the outcomes framework in order to "
            "facilitate holistic capacity building across the ecosystem of stakeholders, "
            "which in the view of the steering group represents a robust way to empower "
            "the cohort."
        ),
        recommendations=(
            "Utilise the NHS and the Youth Action Network (YAN) to operationalise the methodology."
        ),
        challenge_texts=[],
        sections=[
            {  # type: ignore[typeddict-item] # only what the report reads
                "heading": "Numbers only",
                "statistics": [{"value": "1"}],
                "quotes": [],
                "stories": [],
            },
            {"heading": "Stories only", "statistics": [], "quotes": [{"text": "x"}], "stories": []},  # type: ignore[typeddict-item]
        ],
    )

    assert report["reading_ease"] < 50  # type: ignore[operator] # None would fail too
    assert report["reading_ease_label"] in ("Hard to read", "Very hard to read")
    assert report["long_sentences"][0]["words"] > plain_words.LONG_SENTENCE_WORDS
    assert [a["term"] for a in report["acronyms"]] == ["KPI"]  # NHS is known, YAN explained
    jargon = {j["term"] for j in report["jargon"]}
    assert {"going forward", "leverage", "in order to", "facilitate", "stakeholders"} <= jargon
    assert "“Numbers only” has numbers but no story or quote to explain them." in report["warnings"]
    assert (
        "“Stories only” has stories but no number to show how common they are."
        in (report["warnings"])
    )
    assert not any("so what" in w for w in report["warnings"])


def test_plain_words_score_as_plain_english():
    report = synthesis.plain_language_report(
        so_what="Young people come back when their friends come too. Ask them what they like.",
        recommendations="Open on Saturdays.",
        challenge_texts=["Tell us sooner when the money will stop."],
        sections=[],
    )

    assert report["reading_ease"] >= 60  # type: ignore[operator] # None would fail too
    assert report["reading_ease_label"] == "Plain English: most people can read it easily"
    assert report["long_sentences"] == report["acronyms"] == report["jargon"] == []
    assert report["warnings"] == []


def test_a_brief_without_a_so_what_is_warned_about():
    report = synthesis.plain_language_report(
        so_what="", recommendations="", challenge_texts=[], sections=[]
    )

    assert report["reading_ease"] is None
    assert report["warnings"] == [
        "There is no “so what?” yet: say what this evidence means for the partnership."
    ]


def _fill(scene, count: int) -> None:
    parties = [scene.grantee_party, scene.grantee2_party]
    kinds = ["quote", "story", "statistic", "learning_log"]
    for n in range(count):
        kind = kinds[n % 4]
        add_evidence(
            parties[n % 2],
            kind=kind,
            title=f"Item {n} about the youth club and food parcels",
            body=f"Families and young people told us about week {n}.",
            valence=["working", "not_working", "mixed"][n % 3],
            questions=[scene.q1] if n % 2 else [scene.q1, scene.q2],
            value=Decimal(n) if kind == "statistic" else None,
            unit="people" if kind == "statistic" else "",
            occurred_on=datetime.date(2026, 9 + n % 2, 1 + n % 28),
        )


def _draft_queries(scene, django_assert_max_num_queries, limit: int):
    brief, _ = brief_request(
        partnership=scene.partnership,
        period_start=OCTOBER[0],
        period_end=OCTOBER[1],
        by=scene.lp_member,
    )
    reset_queries()  # the connection's query log is capped: start it empty
    with django_assert_max_num_queries(limit) as captured:
        brief_draft(brief_id=brief.pk)
    return len(captured)


def test_drafting_costs_the_same_queries_for_a_few_or_many_items(django_assert_max_num_queries):
    small = brief_scene()
    _fill(small, 4)
    few = _draft_queries(small, django_assert_max_num_queries, 40)
    large = brief_scene()
    _fill(large, 120)

    many = _draft_queries(large, django_assert_max_num_queries, few)

    assert many == few
    assert Evidence.objects.filter(partnership=large.partnership).count() == 120


# --- Drafting in batches (the schedule's way) -------------------------------------------------


def _requested(scene, period=OCTOBER) -> InsightBrief:
    brief, _ = brief_request(
        partnership=scene.partnership,
        period_start=period[0],
        period_end=period[1],
        by=scene.lp_member,
    )
    return brief


def _drafted_state(brief_ids):
    briefs = InsightBrief.objects.filter(pk__in=brief_ids).order_by("pk")
    return {
        brief.pk: (
            brief.status,
            brief.sections,
            brief.what_changed,
            brief.plain_language,
            sorted(brief.cited_evidence.values_list("pk", flat=True)),
            sorted(brief.compared_evidence.values_list("pk", flat=True)),
            sorted(
                Notification.objects.filter(
                    kind="brief_draft_ready",
                    url=reverse("evidence:brief-detail", args=[brief.pk]),
                ).values_list("recipient_id", flat=True)
            ),
        )
        for brief in briefs
    }


def _undraft(brief_ids):
    InsightBrief.objects.filter(pk__in=brief_ids).update(status=InsightBrief.Status.DRAFTING)
    Notification.objects.filter(kind="brief_draft_ready").delete()


def _done(scene, description: str, day: datetime.date) -> LearningAction:
    action = learning_action_create(
        partnership=scene.partnership,
        party=scene.grantee_party,
        by=scene.grantee_admin,
        description=description,
        status="done",
    )
    LearningAction.objects.filter(pk=action.pk).update(
        done_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)
    )
    return action


def test_a_batch_drafts_every_brief_as_drafting_it_alone_would():
    one, two = brief_scene(), brief_scene()
    _fill(one, 9)
    _fill(two, 5)
    grant(two.grantee_party, "attribute")
    add_evidence(two.grantee_party, kind="quote", attribution="named", body="Named words here.")
    in_september = _done(one, "Open on Saturdays", datetime.date(2026, 9, 12))
    in_october = _done(one, "Add a Sunday session", datetime.date(2026, 10, 12))
    elsewhere = _done(two, "Meet the families first", datetime.date(2026, 10, 5))
    september = _requested(one, (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)))
    ids = [_requested(one).pk, september.pk, _requested(two).pk]
    for brief_id in ids:
        brief_draft(brief_id=brief_id)
    alone = _drafted_state(ids)
    _undraft(ids)

    from evidence.services.briefs import briefs_draft

    drafted_together = briefs_draft(brief_ids=[ids[2], ids[0], ids[1], ids[0]])

    assert [brief.pk for brief in drafted_together] == sorted(ids)
    assert _drafted_state(ids) == alone
    assert all(state[0] == InsightBrief.Status.DRAFT for state in alone.values())
    assert all(state[4] for state in alone.values())  # each cites evidence
    assert len(alone[ids[0]][6]) == 2  # the learning partner's two people, told once each
    # Each brief lists what its own partnership did since its last brief, batch or not.
    actions = {pk: [change["action"] for change in state[2]] for pk, state in alone.items()}
    assert actions == {
        ids[0]: [in_october.pk],
        ids[1]: [in_september.pk],
        ids[2]: [elsewhere.pk],
    }


def test_a_batch_leaves_briefs_no_longer_drafting_alone():
    scene, other = brief_scene(), brief_scene()
    add_evidence(scene.grantee_party)
    done = drafted(scene)
    waiting = _requested(other)
    before = InsightBrief.objects.get(pk=done.pk)

    from evidence.services.briefs import briefs_draft

    result = briefs_draft(brief_ids=[done.pk, waiting.pk, 987654])

    assert [brief.pk for brief in result] == sorted([done.pk, waiting.pk])
    after = InsightBrief.objects.get(pk=done.pk)
    assert (after.sections, after.updated_at) == (before.sections, before.updated_at)
    assert InsightBrief.objects.get(pk=waiting.pk).status == InsightBrief.Status.DRAFT
    told = Notification.objects.filter(kind="brief_draft_ready", partnership=scene.partnership)
    assert told.count() == 2  # from drafting it the first time, none from the batch


def test_a_batch_costs_the_queries_of_one_brief(django_assert_max_num_queries):
    from evidence.services.briefs import briefs_draft

    scenes = [brief_scene() for _ in range(4)]
    for n, scene in enumerate(scenes):
        _fill(scene, 3 + 20 * n)
    first = _requested(scenes[0]).pk
    reset_queries()
    with django_assert_max_num_queries(40) as captured:
        briefs_draft(brief_ids=[first])
    alone = len(captured)
    rest = [_requested(scene).pk for scene in scenes[1:]]
    reset_queries()

    with django_assert_max_num_queries(alone) as captured:
        briefs_draft(brief_ids=rest)

    assert len(captured) == alone
    assert (
        InsightBrief.objects.filter(pk__in=[first, *rest], status=InsightBrief.Status.DRAFT).count()
        == 4
    )


def test_a_batch_that_fails_is_drafted_brief_by_brief(
    monkeypatch, django_capture_on_commit_callbacks
):
    """One brief that cannot be drafted (here: its composition fails) holds up no other."""
    from evidence import tasks
    from evidence.selectors import briefs as selectors

    good, bad = brief_scene(), brief_scene()
    add_evidence(good.grantee_party)
    add_evidence(bad.grantee_party)
    ids = [_requested(good).pk, _requested(bad).pk]
    compose = selectors.briefs_compose

    def failing_for_bad(briefs, **kwargs):
        if any(brief.partnership_id == bad.partnership.pk for brief in briefs):
            raise ValueError("cannot draft this one")
        return compose(briefs, **kwargs)

    monkeypatch.setattr("evidence.services.briefs.drafting.briefs_compose", failing_for_bad)

    # The batch fails, so each brief gets a task of its own: tests run tasks at once, so
    # the bad brief's own task fails here, as a worker would report it, after the good
    # brief's task has drafted it.
    with (
        pytest.raises(ValueError, match="cannot draft this one"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.draft_briefs.apply(args=(ids,), throw=True)

    statuses = dict(InsightBrief.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {ids[0]: InsightBrief.Status.DRAFT, ids[1]: InsightBrief.Status.DRAFTING}
