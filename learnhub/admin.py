"""The operators' admin for the site's own pages (help, privacy, accessibility, contact)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from learnhub.models import SitePage
from learnhub.site_pages import DEFAULTS


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin[SitePage]):
    list_display = ("title", "slug", "updated_at")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new page starts from the words LearnHub ships with, for the slug asked for
        (``?slug=privacy``), so an operator edits rather than writes from nothing."""
        initial = super().get_changeform_initial_data(request)
        slug = str(initial.get("slug", ""))
        if slug in DEFAULTS:
            initial.setdefault("title", DEFAULTS[slug][0])
            initial.setdefault("body", DEFAULTS[slug][1])
        return initial
