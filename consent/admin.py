"""Operators may read consent and permission-to-challenge history, never change it.

The records are append-only and the current states are projections written only by
``consent.services``, so every admin here is list-and-view only: no add, change or
delete permission, whoever the operator is.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consent.models import ChallengeRecord, ChallengeState, ConsentRecord, ConsentState
from learnhub.admin_readonly import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    """List and view only: rows here are history (or derived from it)."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "partnership", "party", "purpose", "decision", "recorded_by")
    list_filter = ("purpose", "decision")
    search_fields = ("party__organisation__name", "partnership__title", "recorded_by__email")
    list_select_related = (
        "partnership",
        "party__organisation",
        "party__partnership",
        "recorded_by",
    )
    date_hierarchy = "recorded_at"


@admin.register(ChallengeRecord)
class ChallengeRecordAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "partnership", "party", "decision", "areas", "channels")
    list_filter = ("decision",)
    search_fields = ("party__organisation__name", "partnership__title", "recorded_by__email")
    list_select_related = (
        "partnership",
        "party__organisation",
        "party__partnership",
        "recorded_by",
    )
    date_hierarchy = "recorded_at"


@admin.register(ConsentState)
class ConsentStateAdmin(ReadOnlyAdmin):
    list_display = ("partnership", "party", "purpose", "granted", "record")
    list_filter = ("purpose", "granted")
    list_select_related = ("partnership", "party__organisation", "party__partnership", "record")


@admin.register(ChallengeState)
class ChallengeStateAdmin(ReadOnlyAdmin):
    list_display = ("partnership", "party", "question", "channel", "record")
    list_filter = ("channel",)
    list_select_related = (
        "partnership",
        "party__organisation",
        "party__partnership",
        "question",
        "record",
    )
