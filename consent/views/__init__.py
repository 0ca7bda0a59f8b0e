"""Web pages for consent and permission to challenge: the partnership's Consent tab.

One module per page group: ``consent`` (the consent form, its check page, the history and
receipts), ``challenge`` (permission to challenge) and ``learning_mode``.
"""

from django.urls import URLPattern, path

from consent.views.challenge import challenge_permission, challenge_permission_decide
from consent.views.consent import (
    consent_check,
    consent_confirm,
    consent_history_page,
    consent_overview,
    consent_receipt_page,
    consent_receipt_pdf_download,
)
from consent.views.learning_mode import learning_mode_page

app_name = "consent"

_P = "partnerships/<id:partnership_pk>/consent/"

urlpatterns: list[URLPattern] = [
    path(_P, consent_overview, name="consent-overview"),
    path(f"{_P}check/", consent_check, name="consent-check"),
    path(f"{_P}confirm/", consent_confirm, name="consent-confirm"),
    path(f"{_P}history/", consent_history_page, name="consent-history"),
    path(f"{_P}receipts/<id:record_pk>/", consent_receipt_page, name="consent-receipt"),
    path(
        f"{_P}receipts/<id:record_pk>/pdf/",
        consent_receipt_pdf_download,
        name="consent-receipt-pdf",
    ),
    path(f"{_P}learning-mode/", learning_mode_page, name="learning-mode"),
    path(f"{_P}challenge/", challenge_permission, name="challenge-permission"),
    path(
        f"{_P}challenge/decide/",
        challenge_permission_decide,
        name="challenge-permission-decide",
    ),
]
