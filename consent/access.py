"""Fetch-and-check gateways for consent and permission to challenge.

Rules: someone outside the partnership (or only invited to it) gets ``Http404`` for
everything here. Every accepted party may see every party's consent, permission to
challenge and their history. Only admins of a party may give or withdraw its consent or
permission to challenge; a member gets ``Forbidden`` naming the organisation whose
admins can, another party ``Forbidden`` saying each organisation decides for itself.
Consent receipts belong to the party: its own people may download them; other parties
(who can see the record in the history) get ``Forbidden``.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import User
from consent.models import ChallengeRecord, ConsentRecord
from consent.selectors import consent_parties_administered
from learnhub.errors import Forbidden
from partnerships.access import PartnershipAction, access_partnership
from partnerships.models import Membership, Partnership, Party
from partnerships.selectors import accepted_parties_of, my_parties_in


def access_consent(*, user: User, partnership_pk: int) -> Partnership:
    """The partnership, if ``user`` is in an accepted party of it (to see consent)."""
    return access_partnership(user=user, pk=partnership_pk, action=PartnershipAction.VIEW)


CONSENT = "consent"
CHALLENGE = "permission to challenge"
LEARNING_MODE = "agreement to a change in how the partnership learns"


def _only_admins(party: Party, what: str) -> Forbidden:
    return Forbidden(
        f"Only admins of {party.organisation.name} can give or withdraw {what} for it."
    )


def access_consent_party(
    *, user: User, partnership_pk: int, party_id: int | None = None, what: str = CONSENT
) -> Party:
    """The accepted party whose consent (and permission to challenge) ``user`` decides.

    ``user`` must be an admin of the party's organisation. ``party_id`` is needed only
    when they administer more than one party of the partnership; a ``party_id`` that is
    not an accepted party of it is a ``ValidationError`` on ``party``. ``what`` names the
    decision in refusals: ``CONSENT`` or ``CHALLENGE``.
    """
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    administered = list(consent_parties_administered(user=user, partnership=partnership))
    if party_id is not None:
        for party in administered:
            if party.pk == party_id:
                return party
        other = accepted_parties_of(partnership=partnership).filter(pk=party_id).first()
        if other is None:
            raise ValidationError({"party": ["Choose a party of this partnership."]})
        if Membership.objects.filter(user=user, organisation_id=other.organisation_id).exists():
            raise _only_admins(other, what)
        raise Forbidden(
            f"Only admins of {other.organisation.name} can give or withdraw its {what}: "
            "each organisation decides for itself."
        )
    if len(administered) == 1:
        return administered[0]
    if len(administered) > 1:
        names = ", ".join(party.organisation.name for party in administered)
        raise ValidationError(
            {
                "party": [
                    f"You are an admin of more than one party here ({names}). "
                    "Choose which one you are deciding for."
                ]
            }
        )
    mine = [
        p
        for p in my_parties_in(user=user, partnership=partnership)
        if p.status == Party.Status.ACCEPTED
    ]
    if mine:
        raise _only_admins(mine[0], what)
    raise Forbidden(f"Only admins of a party can give or withdraw its {what}.")


def access_consent_record(*, user: User, partnership_pk: int, record_pk: int) -> ConsentRecord:
    """A consent record of the partnership: every accepted party may see it."""
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    record = (
        ConsentRecord.objects.select_related("party__organisation", "partnership", "recorded_by")
        .filter(pk=record_pk, partnership=partnership)
        .first()
    )
    if record is None:
        raise Http404("No such consent record.")
    return record


def access_consent_receipt(*, user: User, partnership_pk: int, record_pk: int) -> ConsentRecord:
    """A consent record whose receipt ``user`` may download: people in its party only.

    Other parties see the record in the history but get ``Forbidden`` for the receipt,
    which is the party's own proof of what it decided.
    """
    record = access_consent_record(user=user, partnership_pk=partnership_pk, record_pk=record_pk)
    if not Membership.objects.filter(
        user=user, organisation_id=record.party.organisation_id
    ).exists():
        raise Forbidden(
            f"Only people in {record.party.organisation.name} can download its consent receipts."
        )
    return record


def access_challenge_record(*, user: User, partnership_pk: int, record_pk: int) -> ChallengeRecord:
    """A permission-to-challenge record of the partnership: every accepted party may see it."""
    partnership = access_consent(user=user, partnership_pk=partnership_pk)
    record = (
        ChallengeRecord.objects.select_related("party__organisation", "partnership", "recorded_by")
        .filter(pk=record_pk, partnership=partnership)
        .first()
    )
    if record is None:
        raise Http404("No such record.")
    return record
