"""The glossary: one page, open to everyone, that explains each word LearnHub uses in
plain English, and that pages link their terms to."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from consent.models import ConsentRecord
from evidence.models import Evidence
from evidence.synthesis import reading_ease
from learnhub.glossary import BY_SLUG, TERMS
from partnerships.models import Partnership
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import build_evidence_scene
from tests.partnerships.factories import UserFactory, build_partnership_scene

pytestmark = pytest.mark.django_db

#: The words issue 18 asks to explain, each with its entry.
EXPECTED = [
    "learning-for",
    "learning-with",
    "learning-partner",
    "commissioning-funder",
    "co-funder",
    "grantee",
    "discovery-brief",
    "research-question",
    "permission-to-challenge",
    "insight-brief",
    "draft",
    "published",
    "evidence",
    "valence",
    "learning-action",
    "pre-publication-notice",
    "share-link",
    *(f"consent-{purpose.replace('_', '-')}" for purpose in ConsentRecord.Purpose.values),
]


def _entry(text: str, slug: str) -> str:
    """The glossary page's entry for ``slug``: its heading to the next entry's."""
    return text.split(f'id="{slug}"', 1)[1].split('class="glossary__entry"', 1)[0]


def test_the_page_is_open_to_everyone_with_an_anchored_entry_for_each_term():
    response = Client().get("/glossary/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Words we use – LearnHub</title>" in text
    assert "<h1>Words we use</h1>" in text
    for term in TERMS:
        assert f'<h2 id="{term.slug}" tabindex="-1">{term.name}</h2>' in text
        assert f'<a href="#{term.slug}">{term.name}</a>' in text
    assert set(EXPECTED) <= set(BY_SLUG)
    assert "Every party has said yes." in _entry(text, "research-question")
    assert "At least one party does not agree" in _entry(text, "research-question")
    assert "An after action review" in _entry(text, "evidence")
    assert "Not working" in _entry(text, "valence")


@pytest.mark.parametrize("term", TERMS, ids=[term.slug for term in TERMS])
def test_every_definition_is_plain_english(term):
    for words in (term.definition, *(meaning for _name, meaning in term.details)):
        score = reading_ease(words)
        assert score is not None
        assert score >= 60, (term.slug, score, words)


def test_every_page_links_to_it_from_its_footer_next_to_help():
    client = Client()
    client.force_login(UserFactory.create())

    for url in ("/", "/help/", "/glossary/"):
        text = client.get(url, follow=True).content.decode()
        footer = text.split('<footer class="site-footer">')[1]
        assert re.search(
            r'<a href="/help/">Help</a></li>\s*<li><a href="/glossary/">Words we use</a>', footer
        ), url


@pytest.mark.parametrize("mode", Partnership.LearningMode.values)
def test_a_partnership_page_links_its_learning_mode_to_the_entry(mode):
    scene = build_partnership_scene(learning_mode=mode)
    client = Client()
    client.force_login(scene.grantee_member)
    slug = mode.replace("_", "-")
    label = Partnership.LearningMode(mode).label

    overview = client.get(reverse("partnerships:partnership-detail", args=[scene.partnership.pk]))
    learning_mode = client.get(
        reverse("consent:learning-mode", kwargs={"partnership_pk": scene.partnership.pk})
    )

    assert f'<a href="/glossary/#{slug}">{label}</a>' in overview.content.decode()
    assert f'<a href="/glossary/#{slug}">{label}</a>' in learning_mode.content.decode()


def test_the_partnership_forms_link_the_learning_modes():
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    client = Client()
    client.force_login(scene.funder_admin)

    start = client.get(reverse("partnerships:partnership-create")).content.decode()
    edit = client.get(
        reverse("partnerships:partnership-edit", args=[scene.partnership.pk])
    ).content.decode()

    assert '<a href="/glossary/#learning-for">learning for</a>' in start
    assert '<a href="/glossary/#learning-with">learning with</a>' in start
    # Once other parties have joined, the mode is shown, not chosen, and still explained.
    assert 'How you learn: <a href="/glossary/#learning-with">Learning with</a>' in edit


def test_the_consent_page_links_each_purpose_to_its_entry():
    scene = build_partnership_scene()
    client = Client()
    client.force_login(scene.grantee_admin)

    text = client.get(
        reverse("consent:consent-overview", kwargs={"partnership_pk": scene.partnership.pk})
    ).content.decode()

    for purpose in ConsentRecord.Purpose.values:
        assert f'href="/glossary/#consent-{purpose.replace("_", "-")}"' in text, purpose
    assert 'href="/glossary/#permission-to-challenge"' in text


def test_a_term_with_no_entry_fails_the_template_not_the_reader():
    with pytest.raises(TemplateSyntaxError, match="No glossary entry 'jargon'"):
        Template('{% load glossary %}{% term "jargon" %}x{% endterm %}')
    with pytest.raises(TemplateSyntaxError):
        Template("{% load glossary %}{% term %}x{% endterm %}")
    variable = Template("{% load glossary %}{% term mode %}x{% endterm %}")
    assert variable.render(Context({"mode": "learning_with"})) == (
        '<a href="/glossary/#learning-with">x</a>'
    )
    # A value with no entry shows its words without a link, never an error page.
    assert variable.render(Context({"mode": "learning_sideways"})) == "x"


def test_the_evidence_pages_explain_kinds_questions_and_valence():
    scene = build_evidence_scene()
    client = Client()
    client.force_login(scene.grantee_member)
    add = reverse("evidence:evidence-create", kwargs={"partnership_pk": scene.partnership.pk})
    item = EvidenceFactory.create(party=scene.grantee_party, kind=Evidence.Kind.STORY)
    item.questions.add(scene.question)

    kinds = client.get(add).content.decode()
    form = client.get(add, {"kind": "after_action_review"}).content.decode()
    listing = client.get(
        reverse("evidence:evidence-list", kwargs={"partnership_pk": scene.partnership.pk})
    ).content.decode()

    assert '<a href="/glossary/#evidence">Each kind of evidence, explained</a>' in kinds
    assert '<a href="/glossary/#research-question">What a research question is</a>' in form
    assert 'href="/glossary/#valence">What working, not working, mixed and unclear mean' in form
    assert 'href="/glossary/#consent-attribute">When a brief may name your organisation' in form
    # Each piece in the list names its question by its words, not "Question 12"
    assert '<a href="/glossary/#research-question">Research question</a>: “' in listing
    assert f"· Question {scene.question.pk}<" not in listing
    assert f"{scene.question.text}”" in listing


def test_every_choice_a_page_links_by_its_value_has_an_entry():
    """The pages link learning modes and consent purposes by their stored values; an
    entry missing would show the words unlinked, so each must be there."""
    from consent.models import ConsentRecord
    from learnhub.templatetags.glossary import glossary_slug
    from partnerships.models import Partnership

    for mode in Partnership.LearningMode.values:
        assert glossary_slug(mode) == mode.replace("_", "-")
    for purpose in ConsentRecord.Purpose.values:
        assert glossary_slug(f"consent-{purpose}") == f"consent-{purpose.replace('_', '-')}"
