"""Share links: a published brief shown by link to people who are not signed in.

The learning partner makes a link for the public or for the community the evidence came
from, with an optional last day, and can revoke it. Every accepted party's people are
told when a link is made or revoked (people are wary of being shared publicly), with how
to ask for it to be taken back. Opening a link counts a view with one ``F()`` update and
keeps nothing about the person.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from evidence.models import InsightBrief, ShareLink
from evidence.periods import LATEST_DAY, london_today
from learnhub.errors import Conflict
from notifications.services import MembersMessage, notify_members
from partnerships.selectors import accepted_parties_of
from partnerships.services import activity_record

from .briefs.shared import acting_organisation, brief_url, period_words, who

#: 32 random bytes: a 43-character URL-safe token (256 bits, never guessed).
TOKEN_BYTES = 32
NOT_PUBLISHED = (
    "Only a published brief can be shared by link. Publish the brief first, then share it."
)
EXPIRY_PAST = "The last day must be today or later."
EXPIRY_TOO_LATE = f"The last day must be on or before {LATEST_DAY:%-d %B %Y}."

AUDIENCE_WORDS = {
    ShareLink.Audience.PUBLIC: "anyone with the link (the public)",
    ShareLink.Audience.COMMUNITY: (
        "the community the evidence came from (a one-page “you said, we did” version)"
    ),
}


def share_url(link: ShareLink) -> str:
    """The full address of the signed-out page ``link`` opens."""
    return f"{settings.LEARNHUB_SITE_URL}{share_path(link.token)}"


def share_path(token: str) -> str:
    return reverse("evidence:share-page", kwargs={"token": token})


def clean_expires_on(expires_on: datetime.date | None) -> datetime.date | None:
    """``expires_on`` if it is today or later (London) and within the project's dates."""
    if expires_on is None:
        return None
    if expires_on < london_today():
        raise ValidationError({"expires_on": [EXPIRY_PAST]})
    if expires_on > LATEST_DAY:
        raise ValidationError({"expires_on": [EXPIRY_TOO_LATE]})
    return expires_on


def _until(link: ShareLink) -> str:
    return f"until the end of {link.expires_on:%-d %B %Y}" if link.expires_on else "until revoked"


def _tell_parties(link: ShareLink, brief: InsightBrief, *, made: bool, by: User) -> None:
    partnership = brief.partnership
    organisations = list(
        accepted_parties_of(partnership=partnership).values_list("organisation_id", flat=True)
    )
    period = period_words(brief)
    audience = AUDIENCE_WORDS[ShareLink.Audience(link.audience)]
    sharer = acting_organisation(by, partnership)
    ask = sharer.name if sharer else "the learning partner"
    if made:
        subject = f"Insight brief shared by link: {period}"
        body = (
            f"{who(by, partnership)} made a link to the published insight brief for {period} "
            f"in “{partnership.title}”. It shows the brief to {audience}, {_until(link)}, "
            "without signing in. It shows only what the published brief shows, and leaves out "
            "evidence at once if consent is withdrawn. If you do not want it shared, ask "
            f"{ask} (the learning partner) to revoke the link: they can do it at once on the "
            "brief’s “Share this brief” page, and the link then stops working."
        )
    else:
        subject = f"Share link revoked: {period}"
        body = (
            f"{who(by, partnership)} revoked the link that showed the insight brief for "
            f"{period} in “{partnership.title}” to {audience}. The link no longer works."
        )
    notify_members(
        [
            MembersMessage(
                organisation_ids=organisations,
                kind="brief_shared" if made else "brief_share_revoked",
                subject=subject,
                body=body,
                url=brief_url(brief),
                partnership_id=partnership.pk,
            )
        ]
    )


@transaction.atomic
def share_link_create(
    *,
    brief: InsightBrief,
    audience: str,
    expires_on: datetime.date | None = None,
    by: User,
) -> ShareLink:
    """A new share link to ``brief`` for ``audience``; every accepted party is told.

    Refused with ``Conflict`` unless the brief is published, and with ``ValidationError``
    for an unknown audience or a last day in the past or after the project's last date.
    """
    if audience not in ShareLink.Audience.values:
        raise ValidationError({"audience": ["Choose who the link is for: public or community."]})
    expires_on = clean_expires_on(expires_on)
    brief = InsightBrief.objects.select_related("partnership").get(pk=brief.pk)
    if brief.status != InsightBrief.Status.PUBLISHED:
        raise Conflict(NOT_PUBLISHED)
    link = ShareLink.objects.create(
        brief=brief,
        audience=audience,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        expires_on=expires_on,
        created_by=by,
    )
    partnership = brief.partnership
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=acting_organisation(by, partnership),
        verb="brief_shared",
        summary=(
            f"{who(by, partnership)} shared the insight brief for {period_words(brief)} "
            f"by link with {link.get_audience_display().lower()}."
        ),
    )
    _tell_parties(link, brief, made=True, by=by)
    return link


@transaction.atomic
def share_link_revoke(*, link: ShareLink, by: User) -> ShareLink:
    """Revoke ``link``: it answers 404 from now on and every accepted party is told.

    Revoking a revoked link changes nothing and tells nobody again: the answer is the
    link as it is, with the time it was first revoked.
    """
    locked = (
        ShareLink.objects.select_for_update(of=("self",))
        .select_related("brief__partnership")
        .get(pk=link.pk)
    )
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    brief = locked.brief
    partnership = brief.partnership
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=acting_organisation(by, partnership),
        verb="brief_share_revoked",
        summary=(
            f"{who(by, partnership)} revoked a link sharing the insight brief for "
            f"{period_words(brief)} with {locked.get_audience_display().lower()}."
        ),
    )
    _tell_parties(locked, brief, made=False, by=by)
    return locked


def share_link_count_view(*, link: ShareLink) -> None:
    """Count one view of ``link`` (one ``UPDATE``; nothing about the reader is kept)."""
    ShareLink.objects.filter(pk=link.pk).update(views=F("views") + 1)
