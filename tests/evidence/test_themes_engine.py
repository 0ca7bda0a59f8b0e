"""The theme engine's arithmetic is scikit-learn's: LearnHub computes the TF-IDF matrix
and the factorisation's starting point itself because it is quicker on a period's few
dozen texts, and these tests hold it to the library's own results."""

import datetime
import random
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer

from evidence import synthesis

LINES = (
    "families waited outside cold queue food parcels young people said youth club",
    "volunteers listened them the and of a to in staff rota changed helped more less",
    "transport bus late early school holidays winter summer funding report numbers",
)
WORDS = [word for line in LINES for word in line.split()]

texts_strategy = st.lists(
    st.lists(
        st.one_of(st.sampled_from(WORDS), st.sampled_from(["42", "it's", "—", "x", "Ünïcode"])),
        max_size=30,
    ).map(" ".join),
    min_size=1,
    max_size=12,
)


def _scikit_learn_tfidf(texts: list[str], max_features: int) -> tuple[np.ndarray, list[str]]:
    vectoriser = TfidfVectorizer(
        analyzer=synthesis._analyser(), sublinear_tf=True, max_features=max_features
    )
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # no terms at all
        return np.zeros((len(texts), 0)), []
    return matrix.toarray(), [str(term) for term in vectoriser.get_feature_names_out()]


@settings(max_examples=150, deadline=None)
@given(texts=texts_strategy)
def test_tfidf_is_scikit_learns(texts):
    matrix, terms = synthesis.tfidf(texts)
    expected, expected_terms = _scikit_learn_tfidf(texts, synthesis.MAX_TERMS)

    assert terms == expected_terms
    np.testing.assert_allclose(matrix, expected, rtol=0, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(texts=texts_strategy, limit=st.integers(min_value=1, max_value=12))
def test_tfidf_keeps_the_same_most_frequent_terms_as_scikit_learn(texts, limit):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(synthesis, "MAX_TERMS", limit)
        matrix, terms = synthesis.tfidf(texts)
    expected, expected_terms = _scikit_learn_tfidf(texts, limit)

    assert terms == expected_terms
    assert len(terms) <= limit
    np.testing.assert_allclose(matrix, expected, rtol=0, atol=1e-12)


TOPICS = (
    ["families", "waited", "outside", "cold", "queue", "food", "parcels", "winter"],
    ["young", "people", "youth", "club", "volunteers", "listened", "school", "holidays"],
    ["staff", "rota", "transport", "bus", "late", "early", "funding", "report"],
)
NOISE = ["helped", "more", "less", "changed", "numbers", "said", "week", "month"]


def _corpus(seed: int, topics: int | None = None, least: int = 8) -> list[str]:
    """Texts about two or three things, with some words common to all, as a period's
    evidence is: each text mostly about one topic (in turn), and starting with one of
    its words."""
    rng = random.Random(seed)
    about = TOPICS[: topics or rng.randint(2, 3)]
    size = rng.randint(least, 40)
    texts = []
    for number in range(size):
        topic = about[number % len(about)]
        words = rng.choices(topic, k=rng.randint(4, 15)) + rng.choices(NOISE, k=rng.randint(0, 4))
        rng.shuffle(words)
        texts.append(" ".join([rng.choice(topic), *words]))
    return texts


@pytest.mark.parametrize("seed", range(40))
def test_the_factorisation_is_scikit_learns_nmf_from_nndsvda(seed):
    # Up to 13 texts: there scikit-learn's randomized SVD (3 components and 10 more
    # samples) is exact too, so the exact start is the library's and both factorisations
    # of the same matrix must come out the same.
    texts = _corpus(seed)[:13]
    matrix, _ = synthesis.tfidf(texts)
    components = min(synthesis.MAX_THEMES, len(texts) // 2)

    found = synthesis.factorise(texts)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = NMF(n_components=components, init="nndsvda", random_state=0, max_iter=400)
        expected = model.fit_transform(matrix)
    assert found is not None
    weights, topics, _ = found
    np.testing.assert_allclose(weights, expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(topics, model.components_, rtol=0, atol=1e-9)


LEADING = 3  # a theme's leading terms, among which its label is chosen first


@pytest.mark.parametrize("seed", range(40))
def test_texts_fall_in_the_same_themes_as_with_scikit_learn_alone(seed):
    texts = _corpus(seed, topics=3)

    found = synthesis.factorise(texts)

    matrix, _ = _scikit_learn_tfidf(texts, synthesis.MAX_TERMS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = NMF(n_components=3, init="nndsvda", random_state=0, max_iter=400)
        expected = model.fit_transform(matrix)
    assert found is not None
    weights, topics, _ = found
    assert list(weights.argmax(axis=1)) == list(expected.argmax(axis=1))
    for topic, expected_topic in zip(topics, model.components_, strict=True):
        leading = set(expected_topic.argsort()[::-1][:LEADING])
        assert set(topic.argsort()[::-1][:LEADING]) == leading


@pytest.mark.parametrize("seed", range(40))
def test_themes_find_what_the_texts_are_about(seed):
    # Enough texts for a pattern: with a dozen or fewer, NMF can settle on a split of
    # the texts that mixes topics (scikit-learn's own pipeline as much as this one).
    texts = _corpus(seed, topics=3, least=15)
    items = [
        synthesis.Item(
            id=number,
            party_id=1,
            kind="story",
            title="",
            body=text,
            valence="unclear",
            occurred_on=datetime.date(2026, 10, 1),
            questions=frozenset(),
        )
        for number, text in enumerate(texts, start=1)
    ]

    found = synthesis.themes(items)

    planted = {
        frozenset(n for n, text in enumerate(texts, start=1) if text.split()[0] in topic)
        for topic in TOPICS
    }
    assert {frozenset(theme["evidence"]) for theme in found} == planted
    for theme in found:
        topic = next(t for t in TOPICS if texts[theme["evidence"][0] - 1].split()[0] in t)
        others = {word for t in TOPICS if t is not topic for word in t}
        assert not others & set(theme["label"].split())


def test_no_theme_from_stop_words_alone():
    assert synthesis.factorise(["the and of", "to in a", "the of", "and the"]) is None
