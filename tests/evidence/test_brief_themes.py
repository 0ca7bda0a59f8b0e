"""Themes in a brief are named by phrases people used, each with the words of one item.

Read as the learning partner reads a draft: through the API, the page and the Markdown
export. The expected labels, groups and quotes are worked out by hand from the texts.
"""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import synthesis
from evidence.models import Evidence
from tests.evidence.briefs_scene import (
    add_evidence,
    api,
    brief_scene,
    client_for,
    drafted,
    statistic,
)

pytestmark = pytest.mark.django_db

QUOTE, STORY, STATISTIC = Evidence.Kind.QUOTE, Evidence.Kind.STORY, Evidence.Kind.STATISTIC

# Three things people talked about: feeling judged, text reminders and bus fares.
JUDGED = [
    (QUOTE, "Feeling welcome", "I don't feel judged when I come here."),
    (QUOTE, "At the food bank", "Nobody made me feel judged at the food bank."),
    (STORY, "Listening", "Staff never make you feel judged, they just listen to you."),
]
REMINDERS = [
    (QUOTE, "Forgot my appointment", "The text reminders stopped and I forgot my appointment."),
    (STORY, "Remembering", "Text reminders the day before help me remember."),
    (QUOTE, "Coming back", "Text reminders from the advice desk made it easy to come back."),
]
FARES = [
    (STORY, "Getting here", "Bus fares went up in September."),
    (QUOTE, "Too dear", "I walk now because bus fares cost too much."),
]


#: Two other themes beside the one a test looks at (so the factorisation has something to
#: tell apart).
BUS_AND_LUNCH = [
    (STORY, "June", "The bus timetable changed in June."),
    (STORY, "Late", "A new bus timetable made us late."),
    (STORY, "Lunch", "Volunteers cooked a hot lunch."),
    (STORY, "Families", "The hot lunch brought families in."),
]


def _add(scene, texts, **fields):
    return [
        add_evidence(scene.grantee_party, kind=kind, title=title, body=body, **fields)
        for kind, title, body in texts
    ]


def _themes(scene, brief) -> list[dict]:
    body = client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()
    return body["sections"][0]["themes"]  # the partnership as a whole


def _ids(items) -> list[int]:
    return sorted(item.pk for item in items)


def test_themes_are_named_by_the_phrases_people_used():
    scene = brief_scene()
    judged, reminders, fares = _add(scene, JUDGED), _add(scene, REMINDERS), _add(scene, FARES)

    themes = _themes(scene, drafted(scene))

    assert [(theme["label"], theme["evidence"]) for theme in themes] == [
        ("feel judged", _ids(judged)),
        ("text reminders", _ids(reminders)),
        ("bus fares", _ids(fares)),
    ]
    for theme in themes:
        assert set(theme) == {"label", "evidence", "quote"}
        assert set(theme["quote"]) == {"text", "evidence"}
        assert theme["quote"]["evidence"] in theme["evidence"]


def test_a_shortened_word_never_becomes_part_of_a_label():
    scene = brief_scene()
    judged = _add(
        scene,
        [
            (QUOTE, "Welcome", "I don’t feel judged here and I don't feel rushed."),
            (QUOTE, "Kindness", "Staff didn't ask why. We don't feel judged at all."),
            (QUOTE, "Respect", "You can't be made to wait, and you won't feel judged."),
        ],
    )
    session = _add(
        scene,
        [
            (QUOTE, "Tuesday", "The volunteers at the Tuesday session don't feel like strangers."),
            (QUOTE, "Evenings", "We met at the Tuesday session after work."),
            (STORY, "Half-term", "Over half-term the Tuesday session was full."),
        ],
    )
    fares = _add(scene, FARES)

    themes = _themes(scene, drafted(scene))

    # "Tuesday" keeps its capital: it is a name, written so in the middle of sentences.
    assert [(theme["label"], theme["evidence"]) for theme in themes] == [
        ("Tuesday session", _ids(session)),
        ("feel judged", _ids(judged)),
        ("bus fares", _ids(fares)),
    ]
    words = {word for theme in themes for word in theme["label"].lower().split()}
    assert not words & {"don", "didn", "can", "won", "don’t", "don't"}


def test_the_quote_is_the_item_closest_to_the_centre_of_its_theme():
    scene = brief_scene()
    # Each of the first three shares one word with the fourth, which has them all.
    room = _add(
        scene,
        [
            (QUOTE, "Cold", "The waiting room was cold."),
            (QUOTE, "Crowded", "The waiting room was crowded."),
            (QUOTE, "Noisy", "The waiting room was noisy."),
            (QUOTE, "All of it", "The waiting room was cold, crowded and noisy."),
        ],
    )
    _add(scene, BUS_AND_LUNCH)

    themes = _themes(scene, drafted(scene))

    waiting = next(theme for theme in themes if theme["label"] == "waiting room")
    assert waiting["evidence"] == _ids(room)
    assert waiting["quote"] == {
        "text": "The waiting room was cold, crowded and noisy.",
        "evidence": room[3].pk,
    }


def test_peoples_own_words_are_quoted_before_a_figures_explanation():
    scene = brief_scene()
    said = _add(
        scene,
        [
            (QUOTE, "Cold", "The waiting room was cold and crowded."),
            (QUOTE, "Crowded", "The waiting room was crowded and noisy."),
            (QUOTE, "Noisy", "In the waiting room it was noisy and cold."),
        ],
    )
    # Closest to the centre of all: it has every word the others have.
    figure = add_evidence(
        scene.grantee_party,
        kind=STATISTIC,
        title="Complaints",
        body="Complaints about the waiting room: cold, crowded and noisy.",
        value=Decimal(12),
        unit="complaints",
    )
    _add(scene, BUS_AND_LUNCH)

    themes = _themes(scene, drafted(scene))

    waiting = next(theme for theme in themes if theme["label"] == "waiting room")
    assert figure.pk in waiting["evidence"]
    assert waiting["quote"]["evidence"] in _ids(said)


def test_a_long_item_is_quoted_from_the_sentence_that_names_the_theme():
    scene = brief_scene()
    opening = "We run the pantry on Mondays and Thursdays from the church hall on Mill Lane. "
    long_story = (
        opening + "Since the text reminders started, far fewer people miss their slot, "
        "and the volunteers say the mornings feel calmer and better planned than before. "
        "We want to keep it going."
    )
    reminders = _add(scene, [(STORY, "Reminders", long_story)]) + [
        statistic(scene.grantee_party, title, str(n), "people")
        for n, title in ((40, "Text reminders sent"), (3, "Slots missed after text reminders"))
    ]
    _add(scene, JUDGED + FARES)

    themes = _themes(scene, drafted(scene))

    theme = next(theme for theme in themes if theme["label"] == "text reminders")
    assert theme["evidence"] == _ids(reminders)
    # Only the story has words to quote: its quote starts at the sentence that uses the
    # label and stops at a word, within 200 characters.
    assert theme["quote"]["evidence"] == reminders[0].pk
    assert theme["quote"]["text"].startswith("Since the text reminders started, far fewer people")
    assert len(theme["quote"]["text"]) <= 200


def test_the_page_and_the_markdown_show_each_theme_with_its_quote():
    scene = brief_scene()
    _add(scene, JUDGED + REMINDERS + FARES)
    brief = drafted(scene)
    quote = "Text reminders the day before help me remember."

    browser = Client()
    browser.force_login(scene.lp_member)
    page = browser.get(reverse("evidence:brief-detail", args=[brief.pk]))
    markdown = client_for(scene.lp_member).get(api("brief-export", pk=brief.pk) + "?format=md")

    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert "<strong>Feel judged</strong>" in text
    assert "<strong>Text reminders</strong>" in text
    assert f"“{quote}”" in text
    assert "**Text reminders**" in markdown.content.decode()
    assert f"“{quote}”" in markdown.content.decode()


# --- Any text: a label is always a phrase of its items, a quote their words ----------------

WORDS = [
    *("feel", "judged", "don't", "don’t", "didn’t", "can't", "we'll", "carer's", "Tuesday"),
    *("session", "text", "reminders", "half-term", "holidays", "same-day", "advice", "the"),
    *("a", "of", "and", "people", "day", "week", "kids", "bus", "fares", "42", "NHS"),
]
PUNCTUATION = ["", "", "", ".", ",", ";", " —", "!"]

texts = st.lists(
    st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from(PUNCTUATION)).map("".join),
        min_size=1,
        max_size=14,
    ).map(" ".join),
    min_size=4,
    max_size=12,
)


def _whole(phrase: str, text: str) -> bool:
    """Whether ``phrase`` is in ``text`` as whole words, ignoring case and hyphens: not
    next to a letter, a digit, a hyphen or an apostrophe inside a word."""
    folded, wanted = text.lower().replace("-", " "), phrase.lower().replace("-", " ")
    for match in re.finditer(re.escape(wanted), folded):
        start, end = match.start(), match.end()
        before, after = text[start - 1 : start], text[end : end + 2]
        if before and (before.isalnum() or before in "-_'’"):
            continue
        if after[:1] and (after[0].isalnum() or after[0] in "-_"):
            continue
        if after[:1] in ("'", "’") and after[1:2].isalpha():
            continue
        return True
    return False


@settings(max_examples=200, deadline=None)
@given(texts=texts)
def test_every_label_is_a_phrase_of_its_items_and_every_quote_their_words(texts):
    items = [
        synthesis.Item(
            id=number,
            party_id=1,
            kind="quote",
            title="",
            body=text,
            valence="unclear",
            occurred_on=datetime.date(2026, 10, 1),
        )
        for number, text in enumerate(texts, start=1)
    ]
    bodies = {item.id: item.body for item in items}

    found = synthesis.themes(items)

    assert len(found) <= synthesis.MAX_THEMES
    for theme in found:
        label = theme["label"]
        assert label
        assert ", " not in label
        assert any(_whole(label, bodies[pk]) for pk in theme["evidence"])
        assert 1 <= len(label.split()) <= 3
        assert not re.search(r"\d", label)
        quote = theme["quote"]
        assert quote is not None
        assert quote["evidence"] in theme["evidence"]
        assert quote["text"].rstrip("…") in " ".join(bodies[quote["evidence"]].split())
