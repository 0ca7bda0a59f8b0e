"""The operators' admin site for evidence.

Evidence is shared only as each party consents (``consent.selectors``), and operators are
not a party: the admin shows what an item is and where it belongs, never what it says or
its files, and nothing can be added, changed or deleted here. Parties manage their own
evidence on the site and through the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from evidence.models import Evidence, EvidenceAttachment
from learnhub.admin_readonly import ReadOnlyAdminMixin


class AttachmentInline(admin.TabularInline[EvidenceAttachment, Evidence]):
    model = EvidenceAttachment
    extra = 0
    fields = ("content_type", "size", "sha256", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Evidence]):
    list_display = ("id", "partnership", "party", "kind", "valence", "occurred_on", "created_at")
    list_filter = ("kind", "valence", "attribution")
    list_select_related = ("partnership", "party__organisation")
    search_fields = ("partnership__title", "party__organisation__name")
    date_hierarchy = "created_at"
    fields = (
        "partnership",
        "party",
        "submitted_by",
        "kind",
        "valence",
        "attribution",
        "occurred_on",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = (AttachmentInline,)
