"""Every problem of an evidence form shows in one round: the fields that do not parse and
what the one validator finds (prompts unanswered, a figure without its unit) together,
in one error summary linking to each field, for every kind with prompts and on the
change form."""

import re

import pytest

from evidence.kinds import DATE_WORDS, PROMPTS
from evidence.models import Evidence
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import build_evidence_scene, page, web_client

pytestmark = pytest.mark.django_db


def summary_links(html: str) -> list[tuple[str, str]]:
    """The error summary's (link target, message) pairs, in order."""
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def blank_answers(kind: str) -> dict[str, str]:
    return {f"prompt_{prompt.key}": "" for prompt in PROMPTS[kind]}


@pytest.mark.parametrize("kind", list(PROMPTS))
def test_every_problem_of_a_kind_with_prompts_shows_in_one_round(kind):
    scene = build_evidence_scene()
    url = page("evidence-create", partnership_pk=scene.partnership.pk) + f"?kind={kind}"

    response = web_client(scene.grantee_member).post(
        url,
        {"title": "", "occurred_on": "31/02/2025", "valence": "", "attribution": "anonymous"}
        | blank_answers(kind),
    )

    first_prompt = f"id_prompt_{PROMPTS[kind][0].key}"
    assert response.status_code == 400
    assert summary_links(response.content.decode()) == [
        ("id_title", "Give it a short title, so people can find it in a list."),
        (first_prompt, "Answer at least one of the questions."),
        ("id_occurred_on", "Enter a real date, like 2025-03-31."),
        ("id_valence_0", "Say whether it shows something working, not working, mixed or unclear."),
    ]
    assert not Evidence.objects.exists()


def test_an_answer_too_long_is_said_on_its_own_question_with_the_rest():
    scene = build_evidence_scene()
    url = page("evidence-create", partnership_pk=scene.partnership.pk)

    response = web_client(scene.grantee_member).post(
        url + "?kind=after_action_review",
        {"title": "", "occurred_on": "2025-02-01", "valence": "mixed", "attribution": "anonymous"}
        | blank_answers("after_action_review")
        | {"prompt_happened": "x" * 10_001},
    )

    assert summary_links(response.content.decode()) == [
        ("id_title", "Give it a short title, so people can find it in a list."),
        ("id_prompt_happened", "This answer must be 10,000 characters or fewer."),
    ]


def test_a_figure_written_wrongly_and_its_missing_unit_show_together():
    scene = build_evidence_scene()
    url = page("evidence-create", partnership_pk=scene.partnership.pk)

    response = web_client(scene.grantee_member).post(
        url + "?kind=survey_result",
        {
            "title": "Survey",
            "body": "Most families felt welcome.",
            "value": "lots",
            "unit": "",
            "occurred_on": "2025-02-01",
            "valence": "working",
            "attribution": "anonymous",
        },
    )

    assert summary_links(response.content.decode()) == [
        ("id_value", "Enter a number, like 42 or 3.5."),
        ("id_unit", "Say what the number counts, for example “families”, “%” or “visits”."),
    ]


@pytest.mark.parametrize("kind", list(PROMPTS))
def test_the_change_form_shows_every_problem_in_one_round(kind):
    scene = build_evidence_scene()
    evidence = EvidenceFactory.create(
        partnership=scene.partnership,
        party=scene.grantee_party,
        submitted_by=scene.grantee_member,
        kind=kind,
        body="",
        prompts={PROMPTS[kind][0].key: "Something we learnt."},
    )

    response = web_client(scene.grantee_member).post(
        page("evidence-update", pk=evidence.pk),
        {"title": "", "occurred_on": "", "valence": "working", "attribution": "anonymous"}
        | blank_answers(kind),
    )

    assert response.status_code == 400
    assert summary_links(response.content.decode()) == [
        ("id_title", "Give it a short title, so people can find it in a list."),
        (f"id_prompt_{PROMPTS[kind][0].key}", "Answer at least one of the questions."),
        ("id_occurred_on", DATE_WORDS[kind].missing),
    ]
    evidence.refresh_from_db()
    assert evidence.prompts == {PROMPTS[kind][0].key: "Something we learnt."}
