"""Comments on draft briefs: a reader of the draft comments on a section or on the whole
brief; the learning partner resolves comments. Comments do not stop a brief being
published; the publish check lists those still open.

Who may comment is the gateway's rule (``evidence.access.comments``); these services
check what depends on the brief's state: a brief takes comments only while it is a
draft, and a section is one the brief has.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from evidence.models import BriefComment, InsightBrief
from evidence.selectors.comments import comment_audience
from learnhub.errors import Conflict
from notifications.services import notify
from partnerships.models import Party
from partnerships.services import activity_record

from .briefs.shared import brief_url, locked, people_of, period_words

#: The longest comment, in characters (the API, the page form and the service agree).
COMMENT_MAX = 2000
#: The highest section number the API accepts at all; the brief's own count decides.
SECTION_MAX = 999
#: How much of a comment a notification quotes.
QUOTE_MAX = 300

TEXT_MISSING = "Write your comment."
TEXT_TOO_LONG = f"Keep your comment to {COMMENT_MAX:,} characters or fewer."
NO_SUCH_SECTION = "Choose a section of this brief, or comment on the whole brief."
COMMENTS_CLOSED = "Comments are closed once a brief is published."
STILL_DRAFTING = "This brief is still being drafted. Try again in a minute."
RESOLVED_STAYS = "This comment is resolved, so it stays as it is. Write a new comment instead."


def comment_text_clean(text: str) -> str:
    """``text`` trimmed, or ``ValidationError`` when empty or too long."""
    cleaned = text.strip()
    if not cleaned or "\x00" in cleaned:
        raise ValidationError({"text": [TEXT_MISSING]})
    if len(cleaned) > COMMENT_MAX:
        raise ValidationError({"text": [TEXT_TOO_LONG]})
    return cleaned


def _where(comment: BriefComment) -> str:
    if comment.section is None:
        return "the whole draft"
    return f"the section “{comment.section_heading}”" if comment.section_heading else "a section"


def _quoted(text: str) -> str:
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"


def comment_url(comment: BriefComment) -> str:
    return f"{brief_url(comment.brief)}#comment-{comment.pk}"


@transaction.atomic
def brief_comment_create(
    *, brief: InsightBrief, party: Party, section: int | None, text: str, by: User
) -> BriefComment:
    """``by`` (of ``party``) comments on ``section`` of ``brief`` (None: the whole brief).

    Only a draft takes comments (a published brief → ``Conflict``); ``section`` must be
    one of the brief's sections. The learning partner's people, and the commissioning
    funder's when it reads drafts, are told (in the app and by email); never the author.
    """
    text = comment_text_clean(text)
    brief = locked(brief)
    if brief.status == InsightBrief.Status.PUBLISHED:
        raise Conflict(COMMENTS_CLOSED)
    if brief.status != InsightBrief.Status.DRAFT:
        raise Conflict(STILL_DRAFTING)
    sections = brief.sections or []
    if section is not None and not 0 <= section < len(sections):
        raise ValidationError({"section": [NO_SUCH_SECTION]})
    heading = ""
    if section is not None and isinstance(sections[section], dict):
        heading = str(sections[section].get("heading") or "")[:300]
    comment = BriefComment.objects.create(
        brief=brief, party=party, author=by, section=section, section_heading=heading, text=text
    )
    partnership = brief.partnership
    organisation = party.organisation.name
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="brief_commented",
        summary=f"{by.display_name} ({organisation}) commented on the draft insight brief "
        f"for {period_words(brief)}.",
    )
    notify(
        recipients=[
            person for person in people_of(comment_audience(brief=brief)) if person.pk != by.pk
        ],
        kind="brief_comment",
        subject=f"New comment on the draft brief for {period_words(brief)}",
        body=(
            f"{by.display_name} ({organisation}) commented on {_where(comment)} of the draft "
            f"insight brief for {period_words(brief)} in “{partnership.title}”: "
            f"“{_quoted(text)}”"
        ),
        url=comment_url(comment),
        partnership=partnership,
    )
    return comment


@transaction.atomic
def brief_comment_resolve(*, comment: BriefComment, by: User) -> BriefComment:
    """The learning partner (``by``) marks ``comment`` resolved, recording who and when;
    the author is told. Resolving a resolved comment changes nothing."""
    brief = comment.brief
    comment = (
        BriefComment.objects.select_for_update(of=("self",))
        .select_related("author", "party__organisation", "resolved_by")
        .get(pk=comment.pk)
    )
    comment.brief = brief
    if comment.resolved_at is not None:
        return comment
    comment.resolved_at = timezone.now()
    comment.resolved_by = by
    comment.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
    author = comment.author
    if author is not None and author.pk != by.pk:
        notify(
            recipients=[author],
            kind="brief_comment_resolved",
            subject=f"Your comment on the draft brief for {period_words(brief)} is resolved",
            body=(
                f"{by.display_name} of the learning partner marked your comment on "
                f"{_where(comment)} of the draft insight brief for {period_words(brief)} in "
                f"“{brief.partnership.title}” as resolved: “{_quoted(comment.text)}”"
            ),
            url=comment_url(comment),
            partnership=brief.partnership,
        )
    return comment


def _changeable(comment: BriefComment) -> BriefComment:
    """``comment`` read again with its row locked, if its author may still change it: not
    resolved, on a brief still a draft (else ``Conflict``)."""
    brief = locked(comment.brief)  # the brief first, as publishing and commenting lock it
    comment = (
        BriefComment.objects.select_for_update(of=("self",))
        .select_related("author", "party__organisation", "resolved_by")
        .get(pk=comment.pk)
    )
    comment.brief = brief
    if brief.status != InsightBrief.Status.DRAFT:
        raise Conflict(COMMENTS_CLOSED)
    if comment.resolved_at is not None:
        raise Conflict(RESOLVED_STAYS)
    return comment


@transaction.atomic
def brief_comment_update(*, comment: BriefComment, text: str, by: User) -> BriefComment:
    """The author (``by``) rewords their comment while it is open and the brief a draft.
    Nobody is told again: the notification links to the comment as it reads now."""
    text = comment_text_clean(text)
    comment = _changeable(comment)
    comment.text = text
    comment.save(update_fields=["text", "updated_at"])
    return comment


@transaction.atomic
def brief_comment_delete(*, comment: BriefComment, by: User) -> None:
    """The author (``by``) takes back their comment while it is open and the brief a
    draft. A resolved comment stays on record."""
    _changeable(comment).delete()
