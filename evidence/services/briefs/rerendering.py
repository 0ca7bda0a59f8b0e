"""After a consent change: drafts computed again, published briefs shown again without
the evidence that may no longer be used, with a redaction note."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from evidence.models import Evidence, InsightBrief
from evidence.redactions import redaction_note
from evidence.selectors.briefs import Basis, brief_compose, snapshot_ids, stage_of
from partnerships.models import Party
from partnerships.services import activity_record

from .drafting import store
from .shared import Status, period_words


def brief_rerender(*, brief_id: int) -> bool:
    """Bring one brief in line with consent as it is now; True if it changed.

    A draft is drafted again from the period's citable evidence. A published brief keeps
    to the evidence it cited, less whatever is no longer citable; when items leave it, a
    redaction note records when and how many (never whose). Idempotent.
    """
    with transaction.atomic():
        brief = (
            InsightBrief.objects.select_for_update(of=("self",))
            .select_related("partnership")
            .filter(pk=brief_id)
            .first()
        )
        if brief is None or brief.status == Status.DRAFTING:
            return False
        before_sections = brief.sections
        before_cited = set(brief.cited_evidence.values_list("pk", flat=True))
        if brief.status == Status.DRAFT:
            draft = brief_compose(brief, stage="draft")
        else:
            basis = Basis(
                current=before_cited,
                previous=set(brief.compared_evidence.values_list("pk", flat=True)),
            )
            draft = brief_compose(brief, stage=stage_of(brief), basis=basis)
        if draft.sections == before_sections and set(draft.cited) == before_cited:
            return False
        note = redaction_note(
            published=brief.status == Status.PUBLISHED,
            shown=snapshot_ids(before_sections) | before_cited,
            still_shown=draft.cited,
            at=timezone.now(),
        )
        fields = ["sections", "what_changed", "plain_language", "updated_at"]
        if note is not None:
            brief.redactions = [*(brief.redactions or []), note]
            fields.append("redactions")
        store(brief, draft)
        brief.save(update_fields=fields)
        if note is not None:
            removed = note["items_removed"]
            items = "item" if removed == 1 else "items"
            activity_record(
                partnership=brief.partnership,
                actor=None,
                verb="brief_redacted",
                summary=(
                    f"The published brief for {period_words(brief)} was shown again without "
                    f"{removed} {items} of evidence after a change of consent."
                ),
            )
        return True


def briefs_rerender_for_party(*, party_id: int) -> int:
    """Re-render the briefs a party's consent change affects: every draft of its
    partnership, and every published brief that cites or compares its evidence.
    Returns how many changed."""
    party = Party.objects.filter(pk=party_id).first()
    if party is None:
        return 0
    of_party = Evidence.objects.filter(party_id=party_id)
    briefs = InsightBrief.objects.filter(partnership_id=party.partnership_id).filter(
        Q(status=Status.DRAFT)
        | Exists(of_party.filter(cited_in_briefs=OuterRef("pk")))
        | Exists(of_party.filter(compared_in_briefs=OuterRef("pk")))
    )
    changed = 0
    for brief_id in briefs.order_by("pk").values_list("pk", flat=True):
        changed += brief_rerender(brief_id=brief_id)
    return changed
