"""Background jobs of the evidence app: thin, named, idempotent, taking ids.

Every task shares ``learnhub.tasks.RELIABLE``: ``acks_late`` with
``reject_on_worker_lost`` (a message is acknowledged only when its task has finished, and
a worker that dies mid-task hands it back to the queue, so another worker runs it again),
retries with backoff on transient database errors only, and, for a task sent through the
outbox, the outbox sweeper as the last resort. That is safe because each task is
idempotent (see the services it calls).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from evidence.services.briefs import (
    DRAFT_BRIEF_TASK,
    brief_draft,
    briefs_draft,
    briefs_draft_due,
    briefs_rerender_for_party,
    evidence_reminders_send,
)
from learnhub.outbox import outbox_send_many
from learnhub.tasks import RELIABLE
from learnhub.tasks import TRANSIENT_DATABASE_ERRORS as TRANSIENT

logger = logging.getLogger(__name__)


@shared_task(
    name="evidence.draft_brief",
    **RELIABLE,
    time_limit=300,
    soft_time_limit=240,
)
def draft_brief(brief_id: int) -> str:
    """Draft one brief (a second delivery changes nothing)."""
    brief = brief_draft(brief_id=brief_id)
    return "missing" if brief is None else str(brief.status)


@shared_task(
    name="evidence.draft_briefs",
    **RELIABLE,
    time_limit=300,
    soft_time_limit=240,
)
def draft_briefs(brief_ids: list[int]) -> dict[str, str]:
    """Draft a batch of briefs together (the schedule's way; a second delivery changes
    nothing). Should the batch fail for a reason other than the database, each brief
    is queued on its own, so one brief that cannot be drafted holds up no other.
    Returns each brief's status by id (JSON keys are strings)."""
    try:
        briefs = briefs_draft(brief_ids=brief_ids)
    except TRANSIENT:
        raise
    except Exception:
        if len(brief_ids) < 2:
            raise
        logger.exception("Drafting briefs %s together failed: drafting each alone.", brief_ids)
        with transaction.atomic():
            outbox_send_many((DRAFT_BRIEF_TASK, [brief_id], {}) for brief_id in brief_ids)
        return {str(brief_id): "queued alone" for brief_id in brief_ids}
    found = {brief.pk: str(brief.status) for brief in briefs}
    return {str(brief_id): found.get(brief_id, "missing") for brief_id in brief_ids}


@shared_task(
    name="evidence.draft_due_briefs",
    **RELIABLE,
    time_limit=600,
    soft_time_limit=540,
)
def draft_due_briefs() -> list[int]:
    """Beat: make and queue the briefs whose cadence period has ended."""
    return briefs_draft_due()


@shared_task(
    name="evidence.rerender_briefs_for_party",
    **RELIABLE,
    time_limit=600,
    soft_time_limit=540,
)
def rerender_briefs_for_party(party_id: int) -> int:
    """After a consent change: bring the party's partnership's briefs in line with it."""
    return briefs_rerender_for_party(party_id=party_id)


@shared_task(
    name="evidence.remind_parties_without_evidence",
    **RELIABLE,
    time_limit=600,
    soft_time_limit=540,
)
def remind_parties_without_evidence() -> int:
    """Beat: remind parties with no evidence in a period that ends soon (once a period)."""
    return evidence_reminders_send()
