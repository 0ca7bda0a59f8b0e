"""Learning logs, after action reviews and reflection sessions in a brief: their prompt
answers appear under plain labels ("What we would do differently: …") in each section's
``reflections``, a few of them, newest first, from more than one organisation, with a
link to the evidence; never as a story that runs the answers together."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import Evidence, InsightBrief
from tests.evidence.briefs_scene import (
    add_evidence,
    api,
    brief_scene,
    client_for,
    decide,
    drafted,
)

pytestmark = pytest.mark.django_db

REVIEW = {
    "planned": "Move the advice desk to the church hall with no gap in sessions.",
    "happened": "We cancelled a Saturday because the keys were not ready.",
    "why_different": "Nobody owned the handover of the keys.",
    "do_differently": "Write down who does what, and text everyone booked a week ahead.",
}
LOG = {
    "learned": "People tell us more when we sit down with them.",
    "patterns": "Energy bills and school uniform come up every week.",
}


def _review(scene, **fields) -> Evidence:
    fields.setdefault("questions", [scene.q1])
    return add_evidence(
        scene.grantee_party,
        kind=Evidence.Kind.AFTER_ACTION_REVIEW,
        title="Moving to the church hall",
        body="",
        valence="not_working",
        prompts=REVIEW,
        occurred_on=datetime.date(2026, 10, 20),
        **fields,
    )


def _log(scene, party=None, **fields) -> Evidence:
    fields.setdefault("prompts", LOG)
    fields.setdefault("occurred_on", datetime.date(2026, 10, 15))
    return add_evidence(
        party or scene.grantee2_party,
        kind=Evidence.Kind.LEARNING_LOG,
        title="At the advice desk",
        body="",
        valence="unclear",
        **fields,
    )


def _body(scene, brief) -> dict:
    response = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk))
    assert response.status_code == 200
    return response.json()


def _shown(section: dict) -> list[tuple[int, str, str, str]]:
    return [(r["evidence"], r["prompt"], r["label"], r["text"]) for r in section["reflections"]]


def test_each_section_shows_the_answers_under_their_labels():
    scene = brief_scene()
    review = _review(scene)
    log = _log(scene, questions=[scene.q2])
    add_evidence(scene.grantee_party, kind="story", body="A story, not a reflection.")
    brief = drafted(scene)

    whole, q1, q2 = _body(scene, brief)["sections"]

    # The whole partnership does not repeat its questions' evidence.
    assert _shown(whole) == []
    assert _shown(q1) == [
        (review.pk, "do_differently", "What we would do differently", REVIEW["do_differently"]),
        (review.pk, "why_different", "Why it was different", REVIEW["why_different"]),
        (review.pk, "happened", "What actually happened", REVIEW["happened"]),
        (review.pk, "planned", "What we planned", REVIEW["planned"]),
    ]
    assert _shown(q2) == [
        (log.pk, "learned", "What we learnt", LOG["learned"]),
        (log.pk, "patterns", "Patterns we have seen", LOG["patterns"]),
    ]


def test_evidence_no_question_covers_is_reflected_on_for_the_whole_partnership():
    scene = brief_scene()
    review = _review(scene, questions=[])
    log = _log(scene)
    brief = drafted(scene)

    [whole, *_] = _body(scene, brief)["sections"]

    # Each item's most telling answer first, then a second one each: newest item first.
    assert _shown(whole) == [
        (review.pk, "do_differently", "What we would do differently", REVIEW["do_differently"]),
        (review.pk, "why_different", "Why it was different", REVIEW["why_different"]),
        (log.pk, "learned", "What we learnt", LOG["learned"]),
        (log.pk, "patterns", "Patterns we have seen", LOG["patterns"]),
    ]


def test_a_reflection_session_says_what_it_means_first():
    scene = brief_scene()
    session = add_evidence(
        scene.grantee_party,
        kind=Evidence.Kind.REFLECTION,
        body="",
        prompts={
            "what_we_did": "Offered advice on the first visit.",
            "what_happened": "Most people took it up.",
            "what_it_means": "The first conversation works.",
        },
    )
    brief = drafted(scene)

    [whole, *_] = _body(scene, brief)["sections"]

    assert _shown(whole) == [
        (session.pk, "what_it_means", "What it means", "The first conversation works."),
        (session.pk, "what_happened", "What happened", "Most people took it up."),
        (session.pk, "what_we_did", "What we did", "Offered advice on the first visit."),
    ]


def test_at_most_four_newest_first_and_every_organisation_heard():
    scene = brief_scene()
    newer = [
        _log(
            scene,
            party=scene.grantee_party,
            prompts={"learned": f"Lesson {day}."},
            occurred_on=datetime.date(2026, 10, day),
        )
        for day in (21, 22, 23, 24, 25)
    ]
    older = _log(scene, prompts={"learned": "The other grantee's lesson."})
    brief = drafted(scene)

    [whole, *_] = _body(scene, brief)["sections"]

    # The other grantee's older log is heard before the first grantee's third newest.
    assert [r["evidence"] for r in whole["reflections"]] == [
        newer[4].pk,
        newer[3].pk,
        newer[2].pk,
        older.pk,
    ]
    assert [r["text"] for r in whole["reflections"]] == [
        "Lesson 25.",
        "Lesson 24.",
        "Lesson 23.",
        "The other grantee's lesson.",
    ]


def test_a_long_answer_is_cut_at_a_word_with_an_ellipsis():
    scene = brief_scene()
    _log(scene, prompts={"learned": " ".join(["alpha"] * 60)})
    brief = drafted(scene)

    [reflection] = _body(scene, brief)["sections"][0]["reflections"]

    assert reflection["text"] == " ".join(["alpha"] * 50) + "…"


def test_prompt_kinds_are_not_stories_so_no_answer_is_shown_twice():
    scene = brief_scene()
    _review(scene)
    story = add_evidence(scene.grantee2_party, kind="story", body="A real story.")
    brief = drafted(scene)

    body = _body(scene, brief)
    html = Client()
    html.force_login(scene.lp_member)
    page = html.get(reverse("evidence:brief-detail", args=[brief.pk])).content.decode()

    assert [s["evidence"] for s in body["sections"][0]["stories"]] == [story.pk]
    assert body["sections"][1]["stories"] == []
    # Only the first question's section shows it, once, as a reflection.
    assert page.count(REVIEW["do_differently"]) == 1


def test_the_page_and_every_export_show_label_text_and_evidence():
    scene = brief_scene()
    review = _review(scene)
    brief = drafted(scene)
    client = client_for(scene.lp_member)
    browser = Client()
    browser.force_login(scene.lp_member)

    page = browser.get(reverse("evidence:brief-detail", args=[brief.pk])).content.decode()
    markdown = client.get(api("brief-export", pk=brief.pk) + "?format=md").content.decode()
    html = client.get(api("brief-export", pk=brief.pk) + "?format=html").content.decode()

    for text in (page, html):
        assert "<h3>Reflections</h3>" in text
        assert re.search(
            r"<strong>What we would do differently:</strong> "
            + re.escape(REVIEW["do_differently"])
            + rf'\s*<a class="brief-ref" href="[^"]*/evidence/{review.pk}/">',
            text,
        )
    assert "### Reflections" in markdown
    assert (
        f"- **What we would do differently:** {REVIEW['do_differently']} "
        f"([evidence {review.pk}](http"
    ) in markdown


def test_a_withdrawn_partys_reflections_are_gone():
    scene = brief_scene()
    review = _review(scene)
    _log(scene, prompts={"learned": "withdrawn-lesson"})
    brief = drafted(scene)

    decide(scene.grantee2_party, "participate", "withdraw")
    body = _body(scene, brief)
    markdown = (
        client_for(scene.lp_member)
        .get(api("brief-export", pk=brief.pk) + "?format=md")
        .content.decode()
    )

    for section in body["sections"]:
        assert {r["evidence"] for r in section["reflections"]} <= {review.pk}
    assert [r["prompt"] for r in body["sections"][1]["reflections"]] == [
        "do_differently",
        "why_different",
        "happened",
        "planned",
    ]
    assert "withdrawn-lesson" not in markdown


def test_a_brief_stored_before_reflections_shows_them_when_read():
    scene = brief_scene()
    review = _review(scene)
    brief = drafted(scene)
    older = [
        {key: value for key, value in section.items() if key != "reflections"}
        for section in brief.sections
    ]
    InsightBrief.objects.filter(pk=brief.pk).update(sections=older)

    body = _body(scene, brief)

    [first, *_] = body["sections"][1]["reflections"]
    assert (first["evidence"], first["label"]) == (review.pk, "What we would do differently")
