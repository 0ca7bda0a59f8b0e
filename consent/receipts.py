"""Consent receipts and the history export: documents a party keeps, built from records.

The receipt follows the shape of ISO/IEC TS 27560 (consent record information
structure): who decided, for what purpose, under which notice, when, by whom, and how to
withdraw. In a learning partnership the "controller" is the partnership itself (its
commissioning funder and learning partners act on the evidence), and the "principal"
is the party's organisation.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consent.models import ChallengeRecord, ConsentRecord
from consent.notices import WITHDRAW
from partnerships.models import Party
from partnerships.selectors import accepted_parties_of

RECEIPT_SCHEMA = "learnhub-consent-receipt/1 (after ISO/IEC TS 27560:2023)"


def _url(name: str, **kwargs: Any) -> str:
    return f"{settings.LEARNHUB_SITE_URL}{reverse(name, kwargs=kwargs)}"


def consent_receipt(record: ConsentRecord) -> dict[str, Any]:
    """The receipt for one consent decision, as a JSON-ready dict."""
    partnership = record.partnership
    party = record.party
    learning_partners = [
        p.organisation.name
        for p in accepted_parties_of(partnership=partnership).filter(
            role=Party.Role.LEARNING_PARTNER
        )
    ]
    consent_page = _url("consent:consent-overview", partnership_pk=partnership.pk)
    granted = record.decision == ConsentRecord.Decision.GRANT
    return {
        "schema": RECEIPT_SCHEMA,
        "receipt_issued_at": timezone.now().isoformat(),
        "record_id": str(record.pk),
        "record_type": "consent",
        "partnership": {
            "id": str(partnership.pk),
            "title": partnership.title,
            "url": _url("api:partnership-detail", pk=partnership.pk),
        },
        "jurisdiction": (
            f"The learning partnership “{partnership.title}”, run on LearnHub under the "
            "agreement between its parties."
        ),
        "controller": {
            "name": f"The learning partnership “{partnership.title}”",
            "commissioned_by": partnership.funder.name,
            "learning_partners": learning_partners,
        },
        "principal": {
            "party": str(party.pk),
            "organisation": {
                "id": str(party.organisation_id),
                "name": party.organisation.name,
                "kind": party.organisation.kind,
            },
            "role": party.role,
        },
        "purposes": [
            {
                "purpose": record.purpose,
                "label": ConsentRecord.Purpose(record.purpose).label,
                "description": record.notice_text,
            }
        ],
        "decision": record.decision,
        "consent_state": "given" if granted else "withdrawn",
        "notice": {"version": record.notice_version, "text": record.notice_text},
        "recorded_by": {
            "name": record.recorded_by.display_name,
            "email": record.recorded_by.email,
        },
        "recorded_at": record.recorded_at.isoformat(),
        "note": record.note,
        "withdrawal": {
            "method": (
                f"{WITHDRAW} An admin of {party.organisation.name} opens the partnership’s "
                "Consent page and chooses “Withdraw consent” for this purpose, or sends "
                f"POST {reverse('api:consent-list', kwargs={'partnership_pk': partnership.pk})} "
                f"with purpose “{record.purpose}” and decision “withdraw”."
            ),
            "url": consent_page,
        }
        if granted
        else {
            "method": (
                f"Consent is withdrawn. An admin of {party.organisation.name} can give it "
                "again on the partnership’s Consent page."
            ),
            "url": consent_page,
        },
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Text for a spreadsheet cell; a leading formula character is neutralised."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


HISTORY_COLUMNS = (
    "recorded_at",
    "record_type",
    "record_id",
    "party",
    "organisation",
    "purpose",
    "decision",
    "areas",
    "channels",
    "conditions",
    "notice_version",
    "recorded_by",
    "note",
)


def history_csv(consents: Iterable[ConsentRecord], challenges: Iterable[ChallengeRecord]) -> str:
    """Consent and permission-to-challenge history as CSV, newest first."""
    rows: list[tuple[Any, ...]] = []
    for consent in consents:
        rows.append(
            (
                consent.recorded_at,
                consent.pk,
                "consent",
                consent.party_id,
                consent.party.organisation.name,
                consent.purpose,
                consent.decision,
                "",
                "",
                "",
                consent.notice_version,
                consent.recorded_by.display_name,
                consent.note,
            )
        )
    for challenge in challenges:
        rows.append(
            (
                challenge.recorded_at,
                challenge.pk,
                "permission_to_challenge",
                challenge.party_id,
                challenge.party.organisation.name,
                "",
                challenge.decision,
                " ".join(str(a) for a in challenge.areas),
                " ".join(challenge.channels),
                challenge.conditions,
                challenge.notice_version,
                challenge.recorded_by.display_name,
                "",
            )
        )
    rows.sort(key=lambda row: (row[0], row[2], row[1]), reverse=True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HISTORY_COLUMNS)
    for at, pk, kind, *rest in rows:
        writer.writerow(
            [timezone.localtime(at).isoformat(), kind, pk, *(_cell(value) for value in rest)]
        )
    return out.getvalue()
