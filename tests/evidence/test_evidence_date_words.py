"""Each kind names its date in its own words (a number is measured, a quote is said, a
review is held), from one table shared by the form, the evidence page and the CSV help;
the number's fields are asked only of the kinds that take a number."""

import html
import re

import pytest

from evidence.kinds import DATE_WORDS
from evidence.models import Evidence
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import build_evidence_scene, page, web_client

pytestmark = pytest.mark.django_db

Kind = Evidence.Kind
NUMBER_FIELDS = ('name="value"', 'name="unit"', 'name="baseline"')


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def _date_field(text: str) -> str:
    """The label and hint of the form's date field."""
    found = re.search(r'<label class="label" for="id_occurred_on">.*?</p>', text, re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize(
    ("kind", "label", "hint"),
    [
        ("statistic", "When was it measured?", "The day it was measured or counted"),
        ("survey_result", "When was it measured?", "for a survey, the day it closed"),
        ("story", "When did it happen?", "The day it happened"),
        ("quote", "When was it said?", "The day they said or wrote it"),
        ("learning_log", "When did you write it?", "The day of this log"),
        ("interview_note", "When was the interview?", "The day of the conversation"),
        ("after_action_review", "When did you hold the review?", "looked back at the work"),
        ("reflection", "When did you meet to reflect?", "The day of the reflection session"),
        ("document", "What date is the document from?", "The day it was written or published"),
    ],
)
def test_the_form_names_the_date_in_the_kinds_words(kind, label, hint):
    scene = build_evidence_scene()
    url = page("evidence-create", partnership_pk=scene.partnership.pk) + f"?kind={kind}"

    field = _date_field(_text(web_client(scene.grantee_member).get(url)))

    assert label in field
    assert hint in field
    if kind not in ("statistic", "survey_result"):
        assert "measured" not in field


@pytest.mark.parametrize("kind", Kind.values)
def test_the_numbers_fields_are_asked_only_of_kinds_that_take_a_number(kind):
    scene = build_evidence_scene()
    url = page("evidence-create", partnership_pk=scene.partnership.pk) + f"?kind={kind}"

    text = _text(web_client(scene.grantee_member).get(url))

    takes_number = kind in ("statistic", "survey_result")
    assert [field in text for field in NUMBER_FIELDS] == [takes_number] * 3
    assert ("About the number" in text) is takes_number


def test_an_empty_date_is_asked_for_in_the_kinds_words():
    scene = build_evidence_scene()
    url = page("evidence-create", partnership_pk=scene.partnership.pk) + "?kind=quote"

    response = web_client(scene.grantee_member).post(
        url,
        {"title": "A parent", "body": "It felt like home.", "occurred_on": ""}
        | {"valence": "working", "attribution": "anonymous"},
    )

    assert response.status_code == 400
    assert '<a href="#id_occurred_on">Enter the day it was said.</a>' in _text(response)


@pytest.mark.parametrize(
    ("kind", "key"),
    [("statistic", "Measured on"), ("story", "Happened on"), ("quote", "Said on")],
)
def test_the_evidence_page_names_the_date_in_the_kinds_words(kind, key):
    scene = build_evidence_scene()
    evidence = EvidenceFactory.create(
        partnership=scene.partnership,
        party=scene.grantee_party,
        submitted_by=scene.grantee_member,
        kind=kind,
    )

    text = _text(web_client(scene.grantee_member).get(evidence.get_absolute_url()))

    assert f'<dt class="summary-list__key">{key}</dt>' in text
    assert "When it happened" not in text


def test_the_spreadsheet_help_names_each_kinds_date():
    scene = build_evidence_scene()

    text = _text(
        web_client(scene.grantee_member).get(
            page("evidence-import", partnership_pk=scene.partnership.pk)
        )
    )

    assert "for a number, the day it was measured;" in text
    assert "for a quote, the day it was said;" in text
    assert "for an after action review, the day the review was held;" in text


def test_every_kind_has_its_date_words():
    assert set(DATE_WORDS) == set(Kind.values)
    assert all(words.question.endswith("?") for words in DATE_WORDS.values())
