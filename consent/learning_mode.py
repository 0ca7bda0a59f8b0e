"""Every write of a learning mode change: propose, answer, withdraw.

In *learning with* mode every accepted party reads the draft briefs; in *learning for*
mode only the learning partner does. So switching changes who reads what a party
shared, and PRODUCT.md makes it an agreement, like consent: it takes effect only once
every accepted party has agreed, and every party is told. Until another party has
accepted, the commissioning funder is the only party and changes the mode alone
(``partnerships.services.partnership_update``).

Each write locks the partnership row, so proposals and answers of one partnership are
decided one at a time; a unique constraint keeps one open proposal per partnership.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from consent.models import LearningModeAnswer, LearningModeChange
from consent.selectors import learning_mode_waiting_for
from learnhub.errors import Conflict
from notifications.services import notify
from partnerships.models import Partnership, Party
from partnerships.services import activity_record, partnership_set_learning_mode

Outcome = LearningModeChange.Outcome
Decision = LearningModeAnswer.Decision
Mode = Partnership.LearningMode

REASON_MAX_LENGTH = 2000

#: What each mode means for drafts, in the words the pages and notifications use.
MODE_MEANING = {
    Mode.LEARNING_FOR: "only the learning partner reads draft briefs",
    Mode.LEARNING_WITH: (
        "every party reads draft briefs, each seeing only the evidence shared with it"
    ),
}


def mode_name(mode: str) -> str:
    return str(Mode(mode).label).lower()


def _page(partnership: Partnership) -> str:
    return reverse("consent:learning-mode", kwargs={"partnership_pk": partnership.pk})


def _people_of_parties(partnership: Partnership, *, but: User | None = None) -> list[User]:
    """Everyone in an accepted party of the partnership (except ``but``)."""
    people = User.objects.filter(
        is_active=True,
        memberships__organisation__parties__partnership=partnership,
        memberships__organisation__parties__status=Party.Status.ACCEPTED,
    )
    if but is not None:
        people = people.exclude(pk=but.pk)
    return list(people.distinct().order_by("pk"))


def _locked(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def _open_change(partnership: Partnership) -> LearningModeChange | None:
    return (
        LearningModeChange.objects.select_for_update()
        .filter(partnership=partnership, outcome=Outcome.OPEN)
        .first()
    )


def _clean_text(text: str, field: str) -> str:
    text = text.strip()
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError({field: [f"Keep this to {REASON_MAX_LENGTH:,} characters or fewer."]})
    return text


def _refuse_unless_taking_part(party: Party, partnership: Partnership) -> None:
    if party.partnership_id != partnership.pk or party.status != Party.Status.ACCEPTED:
        raise Conflict(
            f"{party.organisation.name} is not taking part in this partnership, so it has "
            "no say in how it learns."
        )
    if partnership.status == Partnership.Status.CLOSED:
        raise Conflict("This partnership is closed, so how it learns can no longer change.")


def _settle(change: LearningModeChange, *, by: User, party: Party) -> LearningModeChange:
    """Close ``change`` when an objection or the last agreement decides it; tell everyone."""
    partnership = change.partnership
    objected = change.answers.filter(decision=Decision.OBJECT).select_related("party__organisation")
    if objected.exists():
        change.outcome = Outcome.DECLINED
    elif not learning_mode_waiting_for(change=change):
        change.outcome = Outcome.AGREED
    else:
        return change
    change.decided_at = timezone.now()
    change.save(update_fields=["outcome", "decided_at", "updated_at"])
    target = mode_name(change.learning_mode)
    if change.outcome == Outcome.AGREED:
        partnership_set_learning_mode(
            partnership=partnership,
            learning_mode=change.learning_mode,
            by=by,
            organisation=party.organisation,
        )
        subject = f"Every party agreed to switch “{partnership.title}” to {target}"
        body = (
            f"Every party agreed to switch to {target}. From now on "
            f"{MODE_MEANING[Mode(change.learning_mode)]}."
        )
    else:
        names = ", ".join(answer.party.organisation.name for answer in objected)
        subject = f"The switch to {target} in “{partnership.title}” was not agreed"
        body = (
            f"{names} did not agree to switch to {target}, so nothing changes: the "
            f"partnership stays {mode_name(partnership.learning_mode)}."
        )
        activity_record(
            partnership=partnership,
            actor=by,
            organisation=party.organisation,
            verb="learning_mode_declined",
            summary=f"The switch to {target} was not agreed: {names} objected.",
        )
    notify(
        recipients=_people_of_parties(partnership),
        kind="learning_mode_decided",
        subject=subject,
        body=body,
        url=_page(partnership),
        partnership=partnership,
    )
    return change


@transaction.atomic
def learning_mode_propose(
    *, party: Party, learning_mode: str, by: User, reason: str = ""
) -> LearningModeChange:
    """``party`` (through an admin, ``by``) proposes switching the partnership to
    ``learning_mode``; proposing is ``party``'s own agreement.

    Refused (409) while another proposal is open, when the partnership already learns
    that way or is closed, and for a party that is not taking part. When ``party`` is the
    only accepted party the switch happens at once. Every other party is told that its
    admins' answer is needed.
    """
    if learning_mode not in Mode.values:
        raise ValidationError({"learning_mode": ["Choose learning_for or learning_with."]})
    reason = _clean_text(reason, "reason")
    partnership = _locked(party.partnership)
    _refuse_unless_taking_part(party, partnership)
    if partnership.learning_mode == learning_mode:
        raise Conflict(f"The partnership is already {mode_name(learning_mode)}.")
    if _open_change(partnership) is not None:
        raise Conflict(
            "A change to how the partnership learns is already waiting for answers. "
            "Answer or withdraw it first."
        )
    change = LearningModeChange.objects.create(
        partnership=partnership,
        learning_mode=learning_mode,
        proposed_by=by,
        proposed_for=party,
        reason=reason,
    )
    LearningModeAnswer.objects.create(
        change=change, party=party, decision=Decision.AGREE, answered_by=by
    )
    target = mode_name(learning_mode)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="learning_mode_proposed",
        summary=(f"{by.display_name} ({party.organisation.name}) proposed switching to {target}."),
    )
    if learning_mode_waiting_for(change=change):
        notify(
            recipients=_people_of_parties(partnership, but=by),
            kind="learning_mode_proposed",
            subject=f"{party.organisation.name} asks to switch “{partnership.title}” to {target}",
            body=(
                f"{party.organisation.name} proposes that the partnership switches to "
                f"{target}: {MODE_MEANING[Mode(learning_mode)]}. Nothing changes until every "
                "party agrees. An admin of your organisation can agree or object."
                + (f" Their reason: “{reason}”" if reason else "")
            ),
            url=_page(partnership),
            partnership=partnership,
        )
    return _settle(change, by=by, party=party)


@transaction.atomic
def learning_mode_answer(
    *, party: Party, decision: str, by: User, comment: str = ""
) -> LearningModeChange:
    """``party`` agrees to, or objects to, the open learning mode change (a new answer
    replaces its earlier one). The change is made once every accepted party agrees; an
    objection closes it unchanged. 409 when nothing is waiting for an answer."""
    if decision not in Decision.values:
        raise ValidationError({"decision": ["Choose agree or object."]})
    comment = _clean_text(comment, "comment")
    partnership = _locked(party.partnership)
    _refuse_unless_taking_part(party, partnership)
    change = _open_change(partnership)
    if change is None:
        raise Conflict("No change to how the partnership learns is waiting for an answer.")
    LearningModeAnswer.objects.update_or_create(
        change=change,
        party=party,
        defaults={
            "decision": decision,
            "comment": comment,
            "answered_by": by,
            "answered_at": timezone.now(),
        },
    )
    verb = "agreed to" if decision == Decision.AGREE else "objected to"
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb=f"learning_mode_{decision}",
        summary=(
            f"{by.display_name} ({party.organisation.name}) {verb} switching to "
            f"{mode_name(change.learning_mode)}."
        ),
    )
    return _settle(change, by=by, party=party)


@transaction.atomic
def learning_mode_withdraw(*, party: Party, by: User) -> LearningModeChange:
    """The proposing party takes its open proposal back; everyone is told."""
    partnership = _locked(party.partnership)
    change = _open_change(partnership)
    if change is None:
        raise Conflict("No change to how the partnership learns is waiting for an answer.")
    if change.proposed_for_id != party.pk:
        raise Conflict(
            f"Only {change.proposed_for.organisation.name}, which proposed this change, can "
            "withdraw it. You can object to it instead."
        )
    change.outcome = Outcome.WITHDRAWN
    change.decided_at = timezone.now()
    change.save(update_fields=["outcome", "decided_at", "updated_at"])
    target = mode_name(change.learning_mode)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="learning_mode_withdrawn",
        summary=f"{party.organisation.name} withdrew its proposal to switch to {target}.",
    )
    notify(
        recipients=_people_of_parties(partnership, but=by),
        kind="learning_mode_decided",
        subject=f"The proposal to switch “{partnership.title}” to {target} was withdrawn",
        body=f"{party.organisation.name} withdrew its proposal, so nothing changes.",
        url=_page(partnership),
        partnership=partnership,
    )
    return change
