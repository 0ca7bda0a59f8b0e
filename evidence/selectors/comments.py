"""Reads of comments on draft briefs.

Who may read a brief's comments is decided by the gateway (``evidence.access.comments``):
the people who read the partnership's drafts. These reads take the brief it let through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from evidence.models import BriefComment, InsightBrief
from partnerships.models import Partnership, Party


def comments_of(*, brief: InsightBrief) -> QuerySet[BriefComment]:
    """Every comment on ``brief``, oldest first, with what the pages and API show."""
    return (
        BriefComment.objects.filter(brief=brief)
        .select_related("author", "party__organisation", "resolved_by")
        .order_by("created_at", "id")
    )


def open_comments_of(*, brief: InsightBrief) -> QuerySet[BriefComment]:
    """``brief``'s comments the learning partner has not resolved yet."""
    return comments_of(brief=brief).filter(resolved_at__isnull=True)


@dataclass
class CommentsOnBrief:
    """A brief's comments as its page shows them: on the whole brief, and per section
    (by index). A comment goes with the section of its heading (drafting again may have
    moved it); one whose section the brief no longer has goes with the whole brief."""

    whole: list[BriefComment] = field(default_factory=list)
    by_section: dict[int, list[BriefComment]] = field(default_factory=dict)
    open_count: int = 0


def comments_on_brief(*, brief: InsightBrief, headings: Sequence[str]) -> CommentsOnBrief:
    """``brief``'s comments grouped for its page (one query); ``headings`` are the
    headings of the sections of the reader's composition of the brief, in order."""
    grouped = CommentsOnBrief()
    for comment in comments_of(brief=brief):
        if comment.resolved_at is None:
            grouped.open_count += 1
        section = section_now(comment, headings)
        if section is None:
            grouped.whole.append(comment)
        else:
            grouped.by_section.setdefault(section, []).append(comment)
    return grouped


def section_now(comment: BriefComment, headings: Sequence[str]) -> int | None:
    """The index of the section ``comment`` is about among ``headings`` today: its own
    index while the heading there is unchanged (or unknown), else the section with its
    heading; None for the whole brief or a section the brief no longer has."""
    if comment.section is None:
        return None
    heading = comment.section_heading
    if comment.section < len(headings) and (not heading or headings[comment.section] == heading):
        return comment.section
    if heading and heading in headings:
        return headings.index(heading)
    return None


def comment_audience(*, brief: InsightBrief) -> QuerySet[Party]:
    """The parties told about a new comment on ``brief``: its learning partner, and the
    commissioning funder when it reads drafts (the partnership learns with its parties)."""
    partnership = brief.partnership
    told = Q(role=Party.Role.LEARNING_PARTNER)
    if partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH:
        told |= Q(is_commissioner=True)
    return Party.objects.filter(told, partnership=partnership, status=Party.Status.ACCEPTED)


def comments_waiting_for(*, user: User) -> QuerySet[InsightBrief]:
    """Draft briefs with comments not yet resolved, for ``user``'s dashboard: those of
    partnerships where ``user`` is in the learning partner (``answers`` true: they
    resolve them), or in the commissioning funder of a partnership that learns with its
    parties (they read the drafts and are told of comments). Each brief carries
    ``open_comments``; one query, oldest period first."""

    def member_of(**party: object) -> Exists:
        return Exists(
            Party.objects.filter(
                partnership=OuterRef("partnership"),
                status=Party.Status.ACCEPTED,
                organisation__memberships__user=user,
                **party,
            )
        )

    answers = member_of(role=Party.Role.LEARNING_PARTNER)
    funds = member_of(is_commissioner=True)
    return (
        InsightBrief.objects.filter(status=InsightBrief.Status.DRAFT)
        .annotate(answers=answers)
        .filter(
            Q(answers=True)
            | Q(funds, partnership__learning_mode=Partnership.LearningMode.LEARNING_WITH)
        )
        .annotate(open_comments=Count("comments", filter=Q(comments__resolved_at__isnull=True)))
        .filter(open_comments__gt=0)
        .select_related("partnership")
        .order_by("period_end", "id")
    )
