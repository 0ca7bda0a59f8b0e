"""Background jobs of the partnerships app: thin, named, idempotent, and they take ids."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from learnhub.tasks import RELIABLE, TRANSIENT_DATABASE_ERRORS
from partnerships.models import OrganisationInvitation
from partnerships.services.tidings import role_phrase

logger = logging.getLogger(__name__)


@shared_task(
    name="partnerships.send_organisation_invitation",
    **{
        **RELIABLE,
        "autoretry_for": (
            *TRANSIENT_DATABASE_ERRORS,
            smtplib.SMTPException,
            ConnectionError,
            TimeoutError,
        ),
    },
    soft_time_limit=30,
    time_limit=60,
)
def send_organisation_invitation(invitation_id: int) -> bool:
    """Email the invitation link to the invited address, once.

    Nothing is sent for an invitation that no longer exists, was already accepted, has
    expired or was already emailed (``email_sent_at``), so a late or repeated delivery of
    this task cannot send a second email or invite anyone who should not be invited.
    The invitation is marked emailed and committed before the email goes out, and a
    send that fails gives the mark back for the retry: at most once, as
    ``notifications.send_emails`` explains (an admin can resend a lost one).
    Returns whether an email went out.
    """
    with transaction.atomic():
        invitation = (
            OrganisationInvitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by", "party__partnership__funder")
            .filter(pk=invitation_id)
            .first()
        )
        if (
            invitation is None
            or invitation.accepted_at is not None
            or invitation.cancelled_at is not None
            or invitation.is_expired
        ):
            logger.info("Organisation invitation %s not sent: gone, used or expired", invitation_id)
            return False
        if invitation.email_sent_at is not None:
            logger.info("Organisation invitation %s already emailed", invitation_id)
            return False
        invitation.email_sent_at = timezone.now()
        invitation.save(update_fields=["email_sent_at", "updated_at"])
    try:
        _send(invitation)
    except Exception:
        OrganisationInvitation.objects.filter(
            pk=invitation.pk, email_sent_at=invitation.email_sent_at
        ).update(email_sent_at=None)
        raise
    return True


def _send(invitation: OrganisationInvitation) -> None:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": invitation.invited_by,
        # Set when a funder invited an organisation new to LearnHub to a partnership.
        "partnership": invitation.party.partnership if invitation.party else None,
        "role_phrase": role_phrase(invitation.party.role) if invitation.party else "",
        "accept_url": f"{settings.LEARNHUB_SITE_URL}{invitation.get_absolute_url()}",
        "site_url": settings.LEARNHUB_SITE_URL,
    }
    subject = render_to_string("partnerships/email/organisation_invitation_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("partnerships/email/organisation_invitation_message.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("partnerships/email/organisation_invitation_message.html", context),
        "text/html",
    )
    message.send()


@shared_task(name="partnerships.reconcile_groups", acks_late=True, time_limit=300)
def reconcile_groups() -> dict[str, int]:
    """Keep organisation permission groups in step with memberships (idempotent)."""
    from partnerships.services import organisation_groups_reconcile

    return organisation_groups_reconcile()
