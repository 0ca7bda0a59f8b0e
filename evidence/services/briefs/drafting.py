"""Drafting (the tasks' work): the briefs still "drafting" computed from evidence with
``participate`` consent and stored, a batch at a time, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidence import synthesis
from evidence.models import InsightBrief
from evidence.sections import PlainLanguageReport, Section
from evidence.selectors.briefs import briefs_compose
from notifications.services import MembersMessage, notify_members
from partnerships.models import ActivityEvent, Party
from partnerships.selectors import learning_partner_organisations_in
from partnerships.services import activity_record_many

from .shared import Status, brief_url, period_words

CitedThrough = InsightBrief.cited_evidence.through
ComparedThrough = InsightBrief.compared_evidence.through


def store(brief: InsightBrief, draft: synthesis.Draft) -> None:
    """Put ``draft`` into ``brief`` (the caller saves it)."""
    brief.sections = draft.sections
    brief.what_changed = draft.what_changed
    brief.plain_language = plain_language_of(brief, draft.sections)
    brief.cited_evidence.set(draft.cited)
    brief.compared_evidence.set(draft.compared)


def plain_language_of(brief: InsightBrief, sections: Sequence[Section]) -> PlainLanguageReport:
    """The plain-language report of ``brief``'s own words with ``sections``."""
    return synthesis.plain_language_report(
        so_what=brief.so_what,
        recommendations=brief.recommendations,
        challenge_texts=[c.get("text", "") for c in brief.challenges or []],
        sections=sections,
    )


def _lock_parties_of(brief_ids: Sequence[int]) -> None:
    """Lock the parties of the partnerships of ``brief_ids`` as ``consent_record`` does
    (``FOR NO KEY UPDATE`` conflicts with its ``FOR UPDATE`` but lets evidence be added
    meanwhile)."""
    partnerships = InsightBrief.objects.filter(pk__in=sorted(set(brief_ids))).values("partnership")
    list(
        Party.objects.select_for_update(no_key=True)
        .filter(partnership__in=partnerships)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def brief_draft(*, brief_id: int) -> InsightBrief | None:
    """Draft the brief ``brief_id`` (``briefs_draft`` for one brief). Returns the brief,
    or None if it no longer exists."""
    drafted = briefs_draft(brief_ids=[brief_id])
    return drafted[0] if drafted else None


def briefs_draft(*, brief_ids: Sequence[int]) -> list[InsightBrief]:
    """Draft the briefs ``brief_ids`` from evidence with active ``participate`` consent.

    The schedule drafts briefs in batches: the whole batch costs a fixed number of
    queries (``briefs_compose`` reads every brief's evidence at once; the briefs, the
    evidence they cite, their timeline lines and notifications are written in one
    statement each), whatever the number of briefs and items.

    Idempotent: the rows are locked (in id order, so two batches never deadlock), and
    only briefs still "drafting" are drafted, all in one transaction, so a second
    delivery changes nothing and a delivery cut short leaves nothing half-written.
    Returns the briefs that exist, in id order, whatever their status.

    Consent decisions and drafting exclude each other: before it reads anything,
    drafting takes the row locks of the partnerships' parties that ``consent_record``
    takes (parties first, then briefs, each in id order). A decision that came first has
    committed before drafting reads consent; one that comes later waits for the draft to
    commit, and its re-render then finds the draft. So a stored brief never cites
    evidence whose consent was withdrawn before the brief was stored.
    """
    with transaction.atomic():
        _lock_parties_of(brief_ids)
        briefs = list(
            InsightBrief.objects.select_for_update(of=("self",))
            .select_related("partnership")
            .filter(pk__in=sorted(set(brief_ids)))
            .order_by("pk")
        )
        drafting = [brief for brief in briefs if brief.status == Status.DRAFTING]
        if not drafting:
            return briefs
        drafts = briefs_compose(drafting, stage="draft")
        now = timezone.now()
        cited: list[Any] = []
        compared: list[Any] = []
        for brief in drafting:
            draft = drafts[brief.pk]
            brief.sections = draft.sections
            brief.what_changed = draft.what_changed
            brief.plain_language = plain_language_of(brief, draft.sections)
            brief.status = Status.DRAFT
            brief.drafted_at = now
            brief.updated_at = now
            cited.extend(CitedThrough(insightbrief_id=brief.pk, evidence_id=e) for e in draft.cited)
            compared.extend(
                ComparedThrough(insightbrief_id=brief.pk, evidence_id=e) for e in draft.compared
            )
        drafted_ids = [brief.pk for brief in drafting]
        # What differs per brief in one statement, what they share in another: bulk_update
        # builds a CASE per field and brief, and the shared fields need none.
        InsightBrief.objects.bulk_update(drafting, ["sections", "what_changed", "plain_language"])
        InsightBrief.objects.filter(pk__in=drafted_ids).update(
            status=Status.DRAFT, drafted_at=now, updated_at=now
        )
        CitedThrough.objects.filter(insightbrief_id__in=drafted_ids).delete()
        ComparedThrough.objects.filter(insightbrief_id__in=drafted_ids).delete()
        CitedThrough.objects.bulk_create(cited)
        ComparedThrough.objects.bulk_create(compared)
        activity_record_many(
            ActivityEvent(
                partnership=brief.partnership,
                verb="brief_drafted",
                summary=f"The draft insight brief for {period_words(brief)} is ready.",
            )
            for brief in drafting
        )
        organisations = learning_partner_organisations_in(
            partnership_ids={brief.partnership_id for brief in drafting}
        )
        notify_members(
            [
                MembersMessage(
                    organisation_ids=organisations.get(brief.partnership_id, []),
                    kind="brief_draft_ready",
                    subject=f"Draft insight brief ready: {period_words(brief)}",
                    body=(
                        f"The draft insight brief for {period_words(brief)} in "
                        f"“{brief.partnership.title}” is ready. Add the “so what?”, "
                        "recommendations and any challenges, check the plain-language "
                        "report, then publish it."
                    ),
                    url=brief_url(brief),
                    partnership_id=brief.partnership_id,
                )
                for brief in drafting
            ]
        )
        return briefs
