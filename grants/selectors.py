"""Reading grants: a search anyone signed in may make (360Giving data is public), the
grants most like a partnership's work, and a person's own imports.

On PostgreSQL the match and the rank use the trigger-kept ``search_vector`` (GIN index
``grants_grant_search_gin``) and ``ts_rank``, the title weighing more than the
description. On SQLite (the local run) a simpler fallback: each word is looked for with
LIKE, and the score counts the words found, three for the title and one for the
description.
"""

from __future__ import annotations

import hashlib
import json
import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connections
from django.db.models import Case, F, FloatField, Max, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable

from accounts.models import User
from grants.models import Grant, GrantImport
from grants.similarity import Term, key_terms, query_words, reason, shared_terms
from partnerships.models import DiscoveryBrief, Partnership, ResearchQuestion
from partnerships.selectors import questions_with_status

SEARCH_CONFIG = "english"
#: The longest text a search or ``q`` may be.
MAX_QUERY_CHARS = 200
#: The most grants ``grants_similar_to`` returns, and how many by default.
MAX_LIMIT = 50
DEFAULT_LIMIT = 10
#: How long a partnership's similar work is kept in the cache. An import finishing or a
#: grant added changes the key at once; the partnership's words changing do too.
SIMILAR_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class GrantMatch:
    """A grant found, how well it matched, and the words it shares, in plain words."""

    grant: Grant
    score: float
    reason: str


def _on_postgres() -> bool:
    return connections["default"].vendor == "postgresql"


def _grants() -> QuerySet[Grant]:
    return Grant.objects.defer("search_vector", "source")


def _like_score(words: list[str]) -> Combinable:
    parts: list[Combinable] = []
    for word in words:
        parts.append(Case(When(title__icontains=word, then=Value(3.0)), default=Value(0.0)))
        parts.append(Case(When(description__icontains=word, then=Value(1.0)), default=Value(0.0)))
    return reduce(operator.add, parts)


def _matching_all(queryset: QuerySet[Grant], text: str) -> QuerySet[Grant]:
    """``queryset`` narrowed to grants holding every word of ``text``."""
    if _on_postgres():
        return queryset.filter(
            search_vector=SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        )
    for word in text.split():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(recipient_name__icontains=word)
            | Q(funder_name__icontains=word)
        )
    return queryset


def grants_search(*, text: str) -> QuerySet[Grant]:
    """Grants holding every word of ``text``, best first (each with ``score``); every
    grant, newest award first, when ``text`` is blank."""
    text = text.strip()
    if not text.split():
        return (
            _grants()
            .annotate(score=Value(0.0, output_field=FloatField()))
            .order_by("-award_date", "identifier")
        )
    matching = _matching_all(_grants(), text)
    if _on_postgres():
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        score: Combinable = SearchRank(F("search_vector"), query)
    else:
        score = _like_score(text.split())
    return matching.annotate(score=score).order_by("-score", "-award_date", "identifier")


def with_reasons(grants: list[Grant], *, text: str) -> list[GrantMatch]:
    """``grants`` (annotated with ``score``) with the words each shares with ``text``."""
    return _explained(grants, key_terms([text]))


def _explained(grants: list[Grant], terms: list[Term]) -> list[GrantMatch]:
    return [
        GrantMatch(
            grant=grant,
            score=round(float(getattr(grant, "score", 0.0)), 4),
            reason=reason(shared_terms(terms, f"{grant.title}\n{grant.description}")),
        )
        for grant in grants
    ]


def partnership_texts(*, partnership: Partnership) -> list[str]:
    """What a partnership is about: its description, its discovery brief and its agreed
    research questions (two queries)."""
    texts = [partnership.title, partnership.description]
    brief = (
        DiscoveryBrief.objects.filter(partnership=partnership)
        .values_list("audience", "desired_impact", "scope", "open_questions")
        .first()
    )
    if brief is not None:
        texts.extend(brief)
    texts.extend(
        questions_with_status(partnership=partnership)
        .select_related(None)
        .prefetch_related(None)
        # ``status`` is the selector's annotation, which django-stubs cannot see.
        .filter(status=ResearchQuestion.Status.AGREED)  # type: ignore[misc]
        .values_list("text", flat=True)
    )
    return [text for text in texts if text]


def grants_similar_to(
    *, partnership: Partnership, q: str = "", limit: int = DEFAULT_LIMIT
) -> list[GrantMatch]:
    """The ``limit`` grants most like the partnership's work, best first, each with the
    terms it shares; with ``q``, only grants that also hold every word of ``q``. At most
    six queries whatever the sizes (two for the partnership's words, two for the grants'
    version, then the ranking, or the cached grants)."""
    return grants_like(texts=partnership_texts(partnership=partnership), q=q, limit=limit)


def grants_like(*, texts: list[str], q: str = "", limit: int = DEFAULT_LIMIT) -> list[GrantMatch]:
    """The ``limit`` grants most like ``texts`` (see ``grants_similar_to``).

    Ranking reads every grant holding one of the words (a third of 100,000 grants, over
    100 ms), so the ranked grants are kept in the cache under the words, ``q``, ``limit``
    and the grants' version (``_grants_version``); a cached answer is two small queries.
    """
    key = _similar_key(texts=texts, q=q, limit=limit)
    kept = cache.get(key)
    if kept is not None:
        return _from_cache(kept)
    found = _rank_like(texts=texts, q=q, limit=limit)
    cache.set(
        key,
        [(match.grant.pk, match.score, match.reason) for match in found],
        SIMILAR_CACHE_SECONDS,
    )
    return found


def _grants_version() -> list[object]:
    """What changes whenever the grants do: the newest grant's id (an index's end) and
    when the last import finished (an import may rewrite grants it had before)."""
    newest = Grant.objects.aggregate(newest=Max("pk"))["newest"]
    finished = GrantImport.objects.aggregate(last=Max("finished_at"))["last"]
    return [newest, finished.isoformat() if finished else None]


def _similar_key(*, texts: list[str], q: str, limit: int) -> str:
    asked = json.dumps([texts, q.strip(), limit, _grants_version()], sort_keys=True)
    return "grants:similar:" + hashlib.sha256(asked.encode()).hexdigest()


def _from_cache(kept: list[tuple[int, float, str]]) -> list[GrantMatch]:
    grants = _grants().in_bulk([pk for pk, _, _ in kept])
    return [
        GrantMatch(grant=grants[pk], score=score, reason=why)
        for pk, score, why in kept
        if pk in grants
    ]


def _rank_like(*, texts: list[str], q: str, limit: int) -> list[GrantMatch]:
    """The ranking itself: one query."""
    terms = key_terms(texts)
    words = query_words(terms)
    if not words:
        return []
    if _on_postgres():
        query = reduce(
            operator.or_,
            (SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in words),
        )
        found = _grants().filter(search_vector=query)
        score: Combinable = SearchRank(F("search_vector"), query)
    else:
        found = _grants().filter(
            reduce(
                operator.or_,
                (Q(title__icontains=w) | Q(description__icontains=w) for w in words),
            )
        )
        score = _like_score(words)
    if q.strip():
        found = _matching_all(found, q)
    ranked = found.annotate(score=score).order_by("-score", "-award_date", "identifier")
    return _explained(list(ranked[:limit]), terms)


def grant_imports_of(*, user: User) -> QuerySet[GrantImport]:
    """The imports ``user`` uploaded, newest first."""
    return GrantImport.objects.defer("data").filter(uploaded_by=user).order_by("-created_at", "-id")
