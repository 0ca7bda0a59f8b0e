"""Every write of learning actions: what a party will change, or changed, because of
what was learned."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from evidence.models import InsightBrief, LearningAction
from partnerships.models import Partnership, Party
from partnerships.services import activity_record

DESCRIPTION_MAX = 5_000
OUTCOME_MAX = 5_000


def _clean_action_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "description" in fields or creating:
        description = fields.get("description")
        description = description.strip() if isinstance(description, str) else ""
        if not description:
            errors["description"] = ["Say what you will change."]
        elif len(description) > DESCRIPTION_MAX:
            errors["description"] = [f"Keep it to {DESCRIPTION_MAX:,} characters."]
        cleaned["description"] = description
    if "status" in fields or creating:
        status = fields.get("status") or LearningAction.Status.PLANNED
        if status not in LearningAction.Status.values:
            errors["status"] = ["Choose planned, doing or done."]
        cleaned["status"] = status
    if "outcome" in fields:
        outcome = fields.get("outcome")
        if outcome is not None and not isinstance(outcome, str):
            errors["outcome"] = ["Write what changed as text."]
        else:
            outcome = (outcome or "").strip()
            if len(outcome) > OUTCOME_MAX:
                errors["outcome"] = [f"Keep it to {OUTCOME_MAX:,} characters."]
            cleaned["outcome"] = outcome
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_brief(partnership: Partnership, brief: InsightBrief | None) -> None:
    if brief is not None and brief.partnership_id != partnership.pk:
        raise ValidationError({"brief": ["Choose a brief of this partnership."]})


@transaction.atomic
def learning_action_create(
    *,
    partnership: Partnership,
    party: Party,
    by: User,
    description: str,
    status: str = LearningAction.Status.PLANNED,
    outcome: str = "",
    brief: InsightBrief | None = None,
) -> LearningAction:
    """Record what ``party`` will change (or is changing, or changed) because of what was
    learned, optionally against a brief. Who may record for which party is the
    gateway's rule."""
    if party.partnership_id != partnership.pk or party.status != Party.Status.ACCEPTED:
        raise ValidationError({"party": ["Choose a party taking part in this partnership."]})
    _check_brief(partnership, brief)
    cleaned = _clean_action_fields(
        {"description": description, "status": status, "outcome": outcome}, creating=True
    )
    action = LearningAction.objects.create(
        partnership=partnership,
        party=party,
        brief=brief,
        created_by=by,
        done_at=timezone.now() if cleaned["status"] == LearningAction.Status.DONE else None,
        **cleaned,
    )
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="learning_action_recorded",
        summary=f"{by.display_name} recorded a learning action for {party.organisation.name}.",
    )
    return action


@transaction.atomic
def learning_action_update(*, action: LearningAction, by: User, **fields: Any) -> LearningAction:
    """Change a learning action: what will change, its status, and what changed. Marking
    it done records when, so the next brief reports it."""
    unknown = set(fields) - {"description", "status", "outcome"}
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    cleaned = _clean_action_fields(fields, creating=False)
    action = (
        LearningAction.objects.select_for_update(of=("self",))
        .select_related("party__organisation", "partnership")
        .get(pk=action.pk)
    )
    changed = [name for name, value in cleaned.items() if getattr(action, name) != value]
    if not changed:
        return action
    for name in changed:
        setattr(action, name, cleaned[name])
    if "status" in changed:
        action.done_at = timezone.now() if action.status == LearningAction.Status.DONE else None
        changed.append("done_at")
    action.save(update_fields=[*changed, "updated_at"])
    activity_record(
        partnership=action.partnership,
        actor=by,
        organisation=action.party.organisation,
        verb="learning_action_updated",
        summary=(
            f"{by.display_name} marked a learning action of {action.party.organisation.name} "
            f"as {action.get_status_display().lower()}."
            if "status" in changed
            else f"{by.display_name} updated a learning action of {action.party.organisation.name}."
        ),
    )
    return action
