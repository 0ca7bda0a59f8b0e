"""Consent receipts and the history export: documents a party keeps, built from records.

People get the receipt in words, as a page and a PDF (``receipt_words``,
``consent_receipt_pdf``): what their organisation answered, who recorded it and when, and
the words of the notice they saw, with no codes. The JSON receipt is for the API; it
follows the shape of ISO/IEC TS 27560 (consent record information
structure): who decided, for what purpose, under which notice, when, by whom, and how to
withdraw. In a learning partnership the "controller" is the partnership itself (its
commissioning funder and learning partners act on the evidence), and the "principal"
is the party's organisation.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from consent.models import ChallengeRecord, ConsentRecord
from consent.notices import NOTICES, WITHDRAW
from learnhub.pdf import html_to_pdf
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
                "Consent page and answers “No” to this question, or sends "
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


@dataclass(frozen=True)
class ReceiptWords:
    """A consent receipt as people read it, on its page and in its PDF."""

    record: ConsentRecord
    organisation: str
    partnership: str
    question: str
    answer: str
    agreed: str
    recorded_by: str
    notice_text: str
    note: str
    how_to_change: str

    @property
    def filename(self) -> str:
        day = timezone.localtime(self.record.recorded_at).date().isoformat()
        return f"consent-receipt-{slugify(self.organisation)[:40] or 'organisation'}-{day}.pdf"


def receipt_words(record: ConsentRecord) -> ReceiptWords:
    """What ``record`` says, in words: the organisation's answer, who gave it and when,
    the notice they read (as stored with the record), and how to change it."""
    notice = NOTICES[ConsentRecord.Purpose(record.purpose)]
    organisation = record.party.organisation.name
    granted = record.decision == ConsentRecord.Decision.GRANT
    title = notice.title[0].lower() + notice.title[1:]
    return ReceiptWords(
        record=record,
        organisation=organisation,
        partnership=record.partnership.title,
        question=notice.question,
        answer="Yes" if granted else "No",
        agreed=(
            f"{organisation} agreed to this: {title}."
            if granted
            else f"{organisation} did not agree to this: {title}."
        ),
        recorded_by=record.recorded_by.display_name,
        notice_text=record.notice_text,
        note=record.note,
        how_to_change=(
            f"An admin of {organisation} can change this answer at any time on the "
            "partnership’s Consent page. A change takes effect straight away."
        ),
    )


def consent_receipt_pdf(words: ReceiptWords) -> bytes:
    """The receipt as a tagged PDF (through ``learnhub.pdf``, which fetches nothing)."""
    html = render_to_string(
        "consent/receipt_document.html",
        {"words": words, "site_name": settings.LEARNHUB_SITE_NAME},
    )
    return html_to_pdf(html)


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
