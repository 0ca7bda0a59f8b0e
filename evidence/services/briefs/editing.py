"""Editing a draft: the learning partner's so-what, recommendations and challenges."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from evidence.models import InsightBrief
from evidence.sections import Challenge
from learnhub.errors import Conflict
from learnhub.inputs import as_id
from partnerships.models import Partnership, Party, ResearchQuestion
from partnerships.selectors import accepted_parties_of
from partnerships.services import activity_record

from .drafting import plain_language_of
from .shared import (
    ALL_AREAS,
    Status,
    acting_organisation,
    locked,
    not_a_draft,
    period_words,
    who,
)

SO_WHAT_MAX = 10_000
RECOMMENDATIONS_MAX = 10_000
CHALLENGE_TEXT_MAX = 2_000
CHALLENGES_MAX = 20


def clean_challenges(*, partnership: Partnership, challenges: object) -> list[Challenge]:
    """Challenges as stored: ``[{"party": id, "area": question id or "*", "text"}]``.

    Each names an accepted party of the partnership other than a learning partner (the
    learning partner is the one challenging) and an area that is one of the
    partnership's research questions, or "*" for the party's work as a whole.
    """
    if not isinstance(challenges, list):
        raise ValidationError({"challenges": ["Send a list of challenges."]})
    if len(challenges) > CHALLENGES_MAX:
        raise ValidationError(
            {"challenges": [f"A brief can have at most {CHALLENGES_MAX} challenges."]}
        )
    parties = {
        p.pk: p
        for p in accepted_parties_of(partnership=partnership).exclude(
            role=Party.Role.LEARNING_PARTNER
        )
    }
    questions = set(
        ResearchQuestion.objects.filter(partnership=partnership).values_list("pk", flat=True)
    )
    cleaned: list[Challenge] = []
    messages: list[str] = []
    for number, raw in enumerate(challenges, start=1):
        if not isinstance(raw, dict):
            messages.append(f"Challenge {number}: give a party, an area and the text.")
            continue
        party = as_id(raw.get("party"))
        area_raw = raw.get("area", ALL_AREAS)
        area: int | str | None = ALL_AREAS if area_raw in (ALL_AREAS, None, "") else as_id(area_raw)
        text = raw.get("text")
        text = " ".join(text.split()) if isinstance(text, str) else ""
        problems = []
        if party not in parties:
            problems.append("choose a party of this partnership (not the learning partner)")
        if area != ALL_AREAS and area not in questions:
            problems.append("choose one of this partnership’s research questions, or “*”")
        if not text:
            problems.append("write what the challenge is")
        elif len(text) > CHALLENGE_TEXT_MAX:
            problems.append(f"keep the text to {CHALLENGE_TEXT_MAX:,} characters")
        if problems:
            messages.append(f"Challenge {number}: " + "; ".join(problems) + ".")
            continue
        # Both were checked above: party is one of ``parties``, area "*" or a question.
        cleaned.append({"party": cast(int, party), "area": cast(int | str, area), "text": text})
    if messages:
        raise ValidationError({"challenges": messages})
    return cleaned


@transaction.atomic
def brief_update(
    *,
    brief: InsightBrief,
    by: User,
    so_what: str | None = None,
    recommendations: str | None = None,
    challenges: object = None,
) -> InsightBrief:
    """Change the learning partner's parts of a draft: the so-what, recommendations and
    challenges. Only drafts change; the plain-language report is worked out again."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    if so_what is not None:
        if not isinstance(so_what, str):
            errors["so_what"] = ["Write the “so what?” as text."]
        elif len(so_what) > SO_WHAT_MAX:
            errors["so_what"] = [f"Keep the “so what?” to {SO_WHAT_MAX:,} characters."]
        else:
            fields["so_what"] = so_what.strip()
    if recommendations is not None:
        if not isinstance(recommendations, str):
            errors["recommendations"] = ["Write the recommendations as text."]
        elif len(recommendations) > RECOMMENDATIONS_MAX:
            errors["recommendations"] = [
                f"Keep the recommendations to {RECOMMENDATIONS_MAX:,} characters."
            ]
        else:
            fields["recommendations"] = recommendations.strip()
    if errors:
        raise ValidationError(errors)
    brief = locked(brief)
    if challenges is not None:
        fields["challenges"] = clean_challenges(
            partnership=brief.partnership, challenges=challenges
        )
    if brief.status != Status.DRAFT:
        raise Conflict(not_a_draft(brief))
    changed = [name for name, value in fields.items() if getattr(brief, name) != value]
    if not changed:
        return brief
    for name in changed:
        setattr(brief, name, fields[name])
    brief.plain_language = plain_language_of(brief, brief.sections or [])
    brief.save(update_fields=[*changed, "plain_language", "updated_at"])
    labels = {
        "so_what": "the “so what?”",
        "recommendations": "the recommendations",
        "challenges": "the challenges",
    }
    activity_record(
        partnership=brief.partnership,
        actor=by,
        organisation=acting_organisation(by, brief.partnership),
        verb="brief_edited",
        summary=(
            f"{who(by, brief.partnership)} changed "
            + " and ".join(labels[name] for name in changed)
            + f" of the draft brief for {period_words(brief)}."
        ),
    )
    return brief
